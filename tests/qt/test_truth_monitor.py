"""TruthMonitor: rows carry their state chip, a dropped connection re-judges at once."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, MarketSessions, TradingDay
from desktop.domain.symbols import Market
from desktop.domain.truth import FeedConditions, FeedMode, Truth, TruthJudge
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.truth_monitor import TruthMonitor

HOUR = 3_600_000
DAY0 = 1_795_000_000_000
SESSIONS = MarketSessions(
    {
        Market.US: [TradingDay(DAY0, DAY0 + 6 * HOUR)],
        Market.HK: [TradingDay(DAY0 - 9 * HOUR, DAY0 - 2 * HOUR)],
    },
    DAY0 - HOUR,
    DAY0 + 9 * HOUR,
)
SYMBOLS = ["AAPL.US", "00700.HK"]


def board(
    now: list[float], conditions: list[FeedConditions]
) -> tuple[QuoteBook, QuoteTableModel, TruthMonitor]:
    book = QuoteBook()
    model = QuoteTableModel(book)
    model.set_symbols(SYMBOLS)
    for symbol in SYMBOLS:
        book.apply_tick(Tick(symbol, Decimal("10"), 1, None, TradeSide.BUY, DAY0, 1), 10.0)
    monitor = TruthMonitor(
        book,
        model,
        TruthJudge(SESSIONS, stale_floor_s=60),
        conditions=lambda: conditions[0],
        clock=lambda: now[0],
        wall_ms=lambda: DAY0 + 2 * HOUR,
    )
    return book, model, monitor


def test_a_silent_row_goes_stale_with_its_age_and_a_closed_market_says_closed(qtbot: QtBot) -> None:
    now = [10.0]
    live = FeedConditions(live_since={0: 0.0}, connection_of={s: 0 for s in SYMBOLS})
    book, model, monitor = board(now, [live])
    counts: list[int] = []
    monitor.staleCountChanged.connect(counts.append)
    monitor.check()
    assert model.row_truth("AAPL.US") is Truth.LIVE and model.row_freshness("AAPL.US") == (
        None,
        False,
    )
    assert model.row_freshness("00700.HK") == ("Closed 0s", True)
    now[0] = 10.0 + 75
    monitor.check()
    assert model.row_freshness("AAPL.US") == ("Stale 1m15s", True)
    assert counts == [0, 1]
    book.apply_tick(Tick("AAPL.US", Decimal("11"), 1, None, TradeSide.BUY, DAY0 + 1, 2), now[0])
    monitor.check()
    assert model.row_freshness("AAPL.US") == (None, False)
    assert counts == [0, 1, 0]


def test_poke_makes_every_symbol_of_a_dropped_connection_stale_without_waiting(
    qtbot: QtBot,
) -> None:
    now = [11.0]
    conditions = [FeedConditions(live_since={0: 0.0}, connection_of={s: 0 for s in SYMBOLS})]
    _book, model, monitor = board(now, conditions)
    monitor.start()
    seen: list[dict[str, object]] = []
    monitor.verdictsChanged.connect(seen.append)
    conditions[0] = FeedConditions(live_since={0: None}, connection_of={s: 0 for s in SYMBOLS})
    monitor.poke()  # what the feed calls when a connection drops
    assert model.row_freshness("AAPL.US") == ("Stale 1s", True)
    verdict = monitor.verdict("AAPL.US")
    assert verdict is not None and verdict.detail == "connection down" and len(seen) == 1
    monitor.stop()


def test_the_mode_is_announced_and_demo_rows_never_read_live(qtbot: QtBot) -> None:
    now = [11.0]
    demo = FeedConditions(
        mode=FeedMode.DEMO, live_since={0: 0.0}, connection_of={s: 0 for s in SYMBOLS}
    )
    _book, model, monitor = board(now, [demo])
    monitor.judge.set_sessions(AlwaysOpen())
    with qtbot.waitSignal(monitor.modeChanged) as blocker:
        monitor.check()
    assert blocker.args == [FeedMode.DEMO]
    assert model.row_truth("AAPL.US") is Truth.DEMO
    tip = model.data(model.index(0, model.column_titles().index("Time")), 3)
    assert tip is not None and "Demo" in str(tip)

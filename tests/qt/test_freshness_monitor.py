"""FreshnessMonitor: stale rows dim with their age, closed markets say so, the count is emitted."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from desktop.domain.freshness import FreshnessJudge
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import MarketSessions, TradingDay
from desktop.domain.symbols import Market
from desktop.qt.freshness_monitor import FreshnessMonitor
from desktop.qt.quote_table_model import QuoteTableModel

HOUR = 3_600_000
DAY0 = 1_795_000_000_000
SESSIONS = MarketSessions(
    {Market.US: [TradingDay(DAY0, DAY0 + 6 * HOUR)], Market.HK: []}, DAY0 - HOUR, DAY0 + 9 * HOUR
)


def test_a_stale_row_dims_and_a_closed_market_reads_closed(qtbot: QtBot) -> None:
    book = QuoteBook()
    model = QuoteTableModel(book)
    model.set_symbols(["AAPL.US", "00700.HK"])
    for symbol in ("AAPL.US", "00700.HK"):
        book.apply_tick(Tick(symbol, Decimal("10"), 1, None, TradeSide.BUY, DAY0, 1), 10.0)
    now = [10.0]
    monitor = FreshnessMonitor(
        book,
        model,
        FreshnessJudge(SESSIONS, 60.0),
        clock=lambda: now[0],
        wall_ms=lambda: DAY0 + 2 * HOUR,
    )
    counts: list[int] = []
    monitor.staleCountChanged.connect(counts.append)
    monitor.check()
    assert model.row_freshness("AAPL.US") == (None, False)
    assert model.row_freshness("00700.HK") == ("Closed", False)
    now[0] = 10.0 + 75
    monitor.check()
    assert model.row_freshness("AAPL.US") == ("1 m 15 s ago", True)
    assert counts == [0, 1]
    book.apply_tick(Tick("AAPL.US", Decimal("11"), 1, None, TradeSide.BUY, DAY0 + 1, 2), now[0])
    monitor.check()
    assert model.row_freshness("AAPL.US") == (None, False)
    assert counts == [0, 1, 0]

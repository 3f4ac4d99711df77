"""The session clock writes row chips and market clocks from the calendars, on a scripted clock."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import MarketSessions, load_exchange_sessions
from desktop.domain.symbols import Market
from desktop.qt.session_clock import SessionClock


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


@pytest.fixture(scope="module")
def sessions() -> MarketSessions:
    return load_exchange_sessions(ms(2026, 11, 20))


def test_us_rows_in_pre_market_show_pre_only_once_an_extended_trade_arrived(
    qtbot: object, sessions: MarketSessions
) -> None:
    now = [ms(2026, 11, 25, 11, 18)]  # Wed 06:18 ET, 19:18 HKT
    book = QuoteBook()
    for symbol in ("AAPL.US", "MSFT.US", "00700.HK"):
        book.track(symbol)
    book.take_dirty()
    clock = SessionClock(book, clock=lambda: now[0])
    seen: list[dict[Market, str]] = []
    clock.clocksChanged.connect(seen.append)
    clock.set_sessions(sessions)
    assert [book.get(s).session for s in ("AAPL.US", "MSFT.US", "00700.HK")] == [  # type: ignore[union-attr]
        "CLOSED",
        "CLOSED",
        "CLOSED",
    ]
    assert seen[-1] == {
        Market.US: "US · pre-market · 3:12 to the open",
        Market.HK: "HK · closed · opens Thu 09:30 HKT",
    }
    book.take_dirty()
    trade = Tick("AAPL.US", Decimal("190.5"), 100, None, TradeSide.BUY, now[0] - 5_000, 7)
    book.apply_tick(trade, 0.0)
    assert book.get("AAPL.US").session == "PRE"  # type: ignore[union-attr]  # with the trade
    assert book.take_dirty() == {"AAPL.US"}
    clock.tick()
    assert book.get("AAPL.US").session == "PRE"  # type: ignore[union-attr]
    assert book.get("MSFT.US").session == "CLOSED"  # type: ignore[union-attr]
    assert book.take_dirty() == set()  # no chip moved: nothing to repaint
    now[0] = ms(2026, 11, 25, 14, 30)  # 09:30 ET: the bell
    clock.tick()
    assert {book.get(s).session for s in ("AAPL.US", "MSFT.US")} == {"RTH"}  # type: ignore[union-attr]
    assert seen[-1][Market.US] == "US · open · 6:30 to close"
    assert book.take_dirty() == {"AAPL.US", "MSFT.US"}
    clock.tick()
    assert book.take_dirty() == set()  # nothing moved, nothing repaints


def test_the_clock_classifies_trades_so_extended_prices_are_kept_apart(
    qtbot: object, sessions: MarketSessions
) -> None:
    book = QuoteBook()
    quote = book.track("AAPL.US")
    clock = SessionClock(book, clock=lambda: ms(2026, 11, 25, 22))
    clock.set_sessions(sessions)
    book.apply_tick(
        Tick("AAPL.US", Decimal(100), 1, None, TradeSide.BUY, ms(2026, 11, 25, 20, 59), 1), 0.0
    )
    book.apply_tick(
        Tick("AAPL.US", Decimal(101), 1, None, TradeSide.BUY, ms(2026, 11, 25, 21, 30), 2), 0.0
    )
    assert quote.ext_change == Decimal(1)
    clock.set_sessions(None)
    assert quote.session == "" and quote.ext_last is None
    book.apply_tick(
        Tick("AAPL.US", Decimal(102), 1, None, TradeSide.BUY, ms(2026, 11, 25, 21, 40), 3), 0.0
    )
    assert quote.ext_last is None  # no calendar: every trade counts as regular


def test_an_expired_calendar_asks_for_a_reload(qtbot: object, sessions: MarketSessions) -> None:
    clock = SessionClock(QuoteBook(), clock=lambda: ms(2027, 6, 1))
    expired: list[bool] = []
    clock.calendarExpired.connect(lambda: expired.append(True))
    clock.set_sessions(sessions)
    assert expired == [True]


def test_the_session_column_shows_the_chip_in_colour_and_ext_signed_by_its_own_change(
    qtbot: object, sessions: MarketSessions
) -> None:
    from PySide6.QtCore import Qt

    from desktop.qt.palette import colors
    from desktop.qt.quote_columns import DOWN_BRUSH, UP_BRUSH, ColumnId
    from desktop.qt.quote_table_model import QuoteTableModel

    book = QuoteBook()
    model = QuoteTableModel(book)
    model.set_symbols(["AAPL.US"])
    clock = SessionClock(book, clock=lambda: ms(2026, 11, 25, 22))  # 17:00 ET, post-market
    clock.set_sessions(sessions)
    for seq, (price, at) in enumerate(
        ((100, ms(2026, 11, 25, 20, 59)), (99, ms(2026, 11, 25, 21, 30)))
    ):
        book.apply_tick(Tick("AAPL.US", Decimal(price), 1, None, TradeSide.BUY, at, seq + 1), 0.0)
    clock.tick()
    model.flush(book.take_dirty(), 1.0)
    session = model.index(0, int(ColumnId.SESSION))
    ext = model.index(0, int(ColumnId.EXT))
    assert session.data() == "POST" and ext.data() == "99.00 −1.00"
    assert (
        model.data(session, Qt.ItemDataRole.ForegroundRole).color().name() == colors().note
    )  # amber
    assert model.data(ext, Qt.ItemDataRole.ForegroundRole) == DOWN_BRUSH
    book.apply_tick(
        Tick("AAPL.US", Decimal(101), 1, None, TradeSide.BUY, ms(2026, 11, 25, 21, 40), 3), 0.0
    )
    model.flush(book.take_dirty(), 2.0)
    assert ext.data() == "101.00 +1.00"
    assert model.data(ext, Qt.ItemDataRole.ForegroundRole) == UP_BRUSH
    assert model.index(0, int(ColumnId.CHANGE)).data() == ""  # Chg stays against the prev close

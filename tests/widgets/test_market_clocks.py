"""The status bar's market clocks follow the session clock."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import load_exchange_sessions
from desktop.domain.symbols import Market
from desktop.qt.session_clock import SessionClock
from desktop.widgets.market_clocks import MarketClocksView


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


def test_the_clocks_say_loading_then_read_each_market_and_follow_the_time(qtbot: QtBot) -> None:
    now = [ms(2026, 11, 25, 4, 19)]  # 12:19 HKT, 23:19 ET the night before
    view = MarketClocksView()
    qtbot.addWidget(view)
    clock = SessionClock(QuoteBook(), clock=lambda: now[0])
    view.bind(clock)
    assert view.text(Market.HK) == "HK · calendar loading…"
    clock.set_sessions(load_exchange_sessions(now[0]))
    assert view.text(Market.HK) == "HK · lunch · 41 min to open"
    assert view.text(Market.US) == "US · closed · opens Wed 09:30 ET"
    now[0] = ms(2026, 11, 25, 11, 18)
    clock.tick()
    assert view.text(Market.US) == "US · pre-market · 3:12 to the open"
    assert "e3a008" in view._labels[Market.US].styleSheet()  # amber in pre-market
    clock.stop()

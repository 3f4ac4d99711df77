"""A demo board with the exchange calendars: clocks, session chips, and charts at every timeframe."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import qasync

from desktop.app.board import QuoteBoardApp
from desktop.app.config import AppConfig
from desktop.domain.chart_series import Timeframe
from desktop.domain.market_clock import clock_text, session_state
from desktop.domain.symbols import Market
from tests.app.test_board import run_on
from tests.conftest import MemoryKeyring
from tests.polling import wait_until


def test_a_demo_board_shows_market_clocks_chips_and_charts_through_every_timeframe(
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUOTEBOARD_TOKEN", raising=False)  # no token: the demo
    board = QuoteBoardApp(AppConfig(data_dir=tmp_path / "data"))
    codes: list[int] = []

    async def body() -> None:
        board.build()
        await board.start()
        try:
            hours = board.market_hours
            await wait_until(lambda: hours.sessions is not None, "the exchange calendars")
            sessions = hours.sessions
            assert sessions is not None
            now = time.time_ns() // 1_000_000
            for market in Market:  # the status bar reads the calendar (a minute may turn)
                text = hours.view.text(market)
                assert text in (
                    clock_text(sessions, market, now),
                    clock_text(sessions, market, now + 60_000),
                )
            symbols = board.session.all_symbols()
            await wait_until(
                lambda: all((q := board.book.get(s)) is not None and q.session for s in symbols),
                "a session chip on every row",
            )
            now = time.time_ns() // 1_000_000
            for symbol in symbols:  # each row's chip is its market's, at the last second's tick
                quote = board.book.get(symbol)
                assert quote is not None
                market = Market.HK if symbol.endswith(".HK") else Market.US
                expected = {
                    session_state(sessions, market, at).row_chip(quote.ext_time_ms)
                    for at in (now - 1_500, now)
                }
                assert quote.session in expected, symbol
            chart = board.insights.ui.charts.open("AAPL.US")
            for timeframe in Timeframe:
                chart.set_timeframe(timeframe)
                await wait_until(
                    lambda: chart.bar_count() >= 500, f"500 {timeframe.label} bars from /kline"
                )
            assert board.insights.chart_history.failures == 0
            assert chart.placement().extra["timeframe"] == "1w"
        finally:
            codes.append(await board.shutdown())

    run_on(qloop, body)
    assert codes == [0]

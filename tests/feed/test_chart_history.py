"""Chart history against the real simulator: every timeframe's klines, as many as one page holds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from desktop.domain.chart_series import Timeframe
from desktop.domain.minute_bars import MinuteBar
from desktop.feed.chart_history import CHART_BARS, ChartHistory
from desktop.feed.rest import AllTickRestClient
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S
from tests.feed.test_history import FAST, NOW_S
from tests.polling import wait_until


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    sim = SimulatorServer(SimulatorConfig(history_minutes=30), clock=lambda: NOW_S * 1000)
    await sim.start()
    yield sim
    await sim.stop()


async def test_every_timeframe_pages_in_a_full_kline_answer_from_the_simulator(
    server: SimulatorServer,
) -> None:
    rest = AllTickRestClient(server.rest_url, "demo", FAST)
    loaded: list[tuple[str, Timeframe, list[MinuteBar]]] = []
    history = ChartHistory(rest, lambda s, tf, bars: loaded.append((s, tf, bars)))
    for timeframe in Timeframe:
        bars = await history.fetch("00700.HK", timeframe)
        assert bars is not None and len(bars) == CHART_BARS == 500, timeframe
        starts = [bar.start_s for bar in bars]
        assert starts == sorted(set(starts))
        if timeframe.intraday:  # the demo market trades around the clock: back to back
            assert {b - a for a, b in zip(starts, starts[1:], strict=False)} == {timeframe.seconds}
    await rest.aclose()
    assert [tf for _, tf, _ in loaded] == list(Timeframe)
    assert server.rest.calls["kline"] == len(Timeframe)  # one request per timeframe


async def test_a_recent_answer_is_reused_and_the_newest_ask_goes_first(
    server: SimulatorServer,
) -> None:
    rest = AllTickRestClient(server.rest_url, "demo", FAST)
    loaded: list[tuple[str, Timeframe]] = []
    history = ChartHistory(rest, lambda s, tf, bars: loaded.append((s, tf)))
    history.request("AAPL.US", Timeframe.M5)
    history.request("AAPL.US", Timeframe.D1)
    assert history.pending() == [("AAPL.US", Timeframe.D1), ("AAPL.US", Timeframe.M5)]
    history.start()
    await wait_until(lambda: len(loaded) == 2, "two histories")
    assert loaded == [("AAPL.US", Timeframe.D1), ("AAPL.US", Timeframe.M5)]
    history.request("AAPL.US", Timeframe.M5)
    assert loaded[-1] == ("AAPL.US", Timeframe.M5) and history.pending() == []
    assert server.rest.calls["kline"] == 2
    await history.stop()
    await rest.aclose()


async def test_a_failed_fetch_is_counted_with_a_sentence_and_nothing_is_delivered(
    server: SimulatorServer,
) -> None:
    rest = AllTickRestClient(server.rest_url, "no such token", FAST)
    server.tokens.clear()
    loaded: list[object] = []
    history = ChartHistory(rest, lambda *args: loaded.append(args))
    await server.stop()
    assert await asyncio.wait_for(history.fetch("AAPL.US", Timeframe.H1), TIMEOUT_S) is None
    await rest.aclose()
    assert loaded == [] and history.failures == 1
    assert history.last_error.startswith("1h bars for AAPL.US:")

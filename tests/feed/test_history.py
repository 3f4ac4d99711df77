"""IntradayHistory against the real simulator: REST 1-minute bars seed sparklines and minute bars."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.sparklines import SparklineStore
from desktop.feed.history import IntradayHistory
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.plans import Plan, PlanProfile
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.polling import wait_until

NOW_S = 1_732_285_800 + 30 * 60  # Friday 2024-11-22 10:00 in New York, 23:00 in Hong Kong
FAST = PlanProfile(Plan.BASIC, 1, 100, 10, 1, 3.0, 0.0, 50)


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    sim = SimulatorServer(SimulatorConfig(history_minutes=30), clock=lambda: NOW_S * 1000)
    await sim.start()
    yield sim
    await sim.stop()


async def test_seeding_fills_sparklines_and_bars_from_the_servers_minute_bars(
    server: SimulatorServer,
) -> None:
    rest = AllTickRestClient(server.rest_url, "demo", FAST)
    sparks, bars = SparklineStore(), MinuteBarStore()
    seeded: list[str] = []
    history = IntradayHistory(rest, sparks, bars, clock=lambda: NOW_S, on_seeded=seeded.append)
    history.start()
    history.request(["AAPL.US", "00700.HK"])
    await wait_until(lambda: len(seeded) == 2)
    await history.stop()
    await rest.aclose()
    assert seeded == ["AAPL.US", "00700.HK"]
    live = [bar.close for bar in server.market.minute_bars(server.market.resolve("AAPL.US"))]
    assert len(live) == 30  # the market's own minutes; the server walks back to the 400 asked
    seeded_closes = [bar.close for bar in bars.bars("AAPL.US")]
    assert len(seeded_closes) == 400 and seeded_closes[-30:] == [float(c) for c in live]
    assert sparks.buckets("AAPL.US")[1].tolist() == pytest.approx(seeded_closes)
    assert len(bars.bars("00700.HK")) == 400 and history.failures == 0


async def test_an_urgent_symbol_jumps_the_queue_and_seeded_ones_are_not_asked_again() -> None:
    rest = AllTickRestClient("http://127.0.0.1:9/none", "demo", FAST)
    history = IntradayHistory(rest, SparklineStore(), MinuteBarStore())
    history.request(["A.US", "B.US", "C.US"])
    history.request(["C.US"], urgent=True)
    history.request(["A.US"])
    assert history.pending() == ["C.US", "A.US", "B.US"]
    await rest.aclose()


async def test_a_failed_request_is_counted_and_the_worker_goes_on() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="down")

    rest = AllTickRestClient(
        "http://x/quote-stock-b-api", "demo", FAST, transport=httpx.MockTransport(handler)
    )
    history = IntradayHistory(rest, SparklineStore(), MinuteBarStore())
    assert await history.seed("AAPL.US") is False
    assert await history.seed("not a symbol!") is False
    assert history.failures == 1 and "AAPL.US" in history.last_error
    await rest.aclose()


async def test_without_a_feed_nothing_is_fetched_and_a_new_feed_starts_from_scratch(
    server: SimulatorServer,
) -> None:
    sparks, bars = SparklineStore(), MinuteBarStore()
    history = IntradayHistory(None, sparks, bars, clock=lambda: NOW_S)
    assert await history.seed("AAPL.US") is False  # no feed attached yet
    rest = AllTickRestClient(server.rest_url, "demo", FAST)
    history.set_rest(rest)
    assert await history.seed("AAPL.US") is True
    history.request(["AAPL.US"])
    assert history.pending() == []  # seeded already
    history.set_rest(rest)  # another feed: what was seeded before counts no more
    history.request(["AAPL.US"])
    assert history.pending() == ["AAPL.US"]
    await rest.aclose()

"""Daily bars from the simulator's /kline for relative volume and the 52-week range, paced."""

from __future__ import annotations

import asyncio

from desktop.domain.daily_stats import DailyStats
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.sparklines import SparklineStore
from desktop.domain.symbols import Symbol
from desktop.feed.daily_history import DailyHistory
from desktop.feed.history import IntradayHistory
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.server import SimulatorServer

DEADLINE_S = 10.0


async def test_the_simulator_serves_a_year_of_daily_bars_ending_today() -> None:
    async with SimulatorServer(SimulatorConfig(seed=3)) as server:
        client = AllTickRestClient(server.rest_url, "t", PLANS[Plan.PROFESSIONAL])
        try:
            bars = await client.daily_history(Symbol.parse("AAPL"), 260)
        finally:
            await client.aclose()
    assert len(bars) == 260
    starts = [bar.timestamp for bar in bars]
    assert starts == sorted(starts) and len(set(starts)) == 260
    assert all(bar.low <= bar.close <= bar.high and bar.volume > 0 for bar in bars[:-1])


async def test_the_worker_reports_stats_per_symbol_one_paced_request_each() -> None:
    got: dict[str, DailyStats] = {}
    both = asyncio.Event()

    def on_stats(symbol: str, stats: DailyStats) -> None:
        got[symbol] = stats
        if len(got) == 2:
            both.set()

    async with SimulatorServer(SimulatorConfig(seed=3)) as server:
        client = AllTickRestClient(server.rest_url, "t", PLANS[Plan.PROFESSIONAL])
        worker = DailyHistory(client, on_stats)
        worker.request(["AAPL.US", "00700.HK", "AAPL.US"])
        worker.start()
        await asyncio.wait_for(both.wait(), DEADLINE_S)
        await worker.stop()
        await client.aclose()
        calls = server.rest.calls.get("kline")
    assert sorted(got) == ["00700.HK", "AAPL.US"]
    assert calls == 2
    stats = got["AAPL.US"]
    assert stats.sessions == 20 and stats.avg_volume is not None and stats.avg_volume > 0
    assert stats.year_high is not None and stats.year_low is not None
    assert stats.year_low < stats.year_high


async def test_daily_bars_wait_while_sparklines_are_seeded_on_the_same_endpoint() -> None:
    order: list[str] = []
    done = asyncio.Event()

    def on_stats(symbol: str, stats: DailyStats) -> None:
        order.append(f"daily {symbol}")
        if symbol == "00700.HK":
            done.set()

    async with SimulatorServer(SimulatorConfig(seed=3)) as server:
        client = AllTickRestClient(server.rest_url, "t", PLANS[Plan.PROFESSIONAL])
        sparks = IntradayHistory(
            client,
            SparklineStore(),
            MinuteBarStore(),
            on_seeded=lambda symbol: order.append(f"spark {symbol}"),
        )
        daily = DailyHistory(client, on_stats, after=sparks)
        daily.request(["AAPL.US", "00700.HK"])
        sparks.request(["MSFT.US", "00005.HK", "TSLA.US"])
        daily.start()  # started first, yet the sparkline seed goes ahead of it
        sparks.start()
        await asyncio.wait_for(done.wait(), DEADLINE_S)
        await daily.stop()
        await sparks.stop()
        await client.aclose()
    assert order[:3] == ["spark MSFT.US", "spark 00005.HK", "spark TSLA.US"]
    assert order[3:] == ["daily AAPL.US", "daily 00700.HK"]


async def test_daily_bars_do_not_wait_behind_a_stopped_sparkline_worker() -> None:
    got: list[str] = []
    done = asyncio.Event()

    def on_stats(symbol: str, stats: DailyStats) -> None:
        got.append(symbol)
        done.set()

    async with SimulatorServer(SimulatorConfig(seed=3)) as server:
        client = AllTickRestClient(server.rest_url, "t", PLANS[Plan.PROFESSIONAL])
        sparks = IntradayHistory(client, SparklineStore(), MinuteBarStore())
        sparks.request(["MSFT.US"])  # queued, but its worker never runs
        daily = DailyHistory(client, on_stats, after=sparks)
        daily.request(["AAPL.US"])
        daily.start()
        await asyncio.wait_for(done.wait(), DEADLINE_S)
        await daily.stop()
        await client.aclose()
    assert got == ["AAPL.US"] and sparks.pending() == ["MSFT.US"]

"""Daily bars from the simulator's /kline for relative volume and the 52-week range, paced."""

from __future__ import annotations

import asyncio

from desktop.domain.daily_stats import DailyStats
from desktop.domain.symbols import Symbol
from desktop.feed.daily_history import DailyHistory
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

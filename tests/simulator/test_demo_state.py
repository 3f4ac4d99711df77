"""The demo market keeps its prices across a restart on the same day, and starts afresh the next."""

from __future__ import annotations

from pathlib import Path

from desktop.domain.symbols import Symbol
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.market import SimulatedMarket
from desktop.simulator.server import SimulatorServer

T0 = 1_796_000_000_000
DAY_MS = 86_400_000
AAPL = Symbol.parse("AAPL")


async def run_and_stop(path: Path, now_ms: int, steps: int = 0) -> SimulatedMarket:
    server = SimulatorServer(SimulatorConfig(seed=1, prices_path=path), clock=lambda: now_ms)
    market = server.market
    assert isinstance(market, SimulatedMarket)
    for i in range(steps):
        market.step(now_ms + i, 20, {AAPL})
    await server.start()
    await server.stop()
    return market


async def test_a_restart_the_same_day_resumes_the_last_prices(tmp_path: Path) -> None:
    path = tmp_path / "demo-prices.json"
    first = await run_and_stop(path, T0, steps=300)
    moved = first.last_trade(AAPL).price
    fresh = SimulatedMarket(seed=1, clock=lambda: T0).last_trade(AAPL).price
    assert moved != fresh  # the walk went somewhere
    again = await run_and_stop(path, T0 + 3_600_000)
    assert again.last_trade(AAPL).price == moved
    next_day = await run_and_stop(path, T0 + DAY_MS)
    assert next_day.last_trade(AAPL).price != moved


async def test_an_unreadable_prices_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "demo-prices.json"
    path.write_text("{not json")
    market = await run_and_stop(path, T0)
    assert (
        market.last_trade(AAPL).price
        == SimulatedMarket(seed=1, clock=lambda: T0).last_trade(AAPL).price
    )

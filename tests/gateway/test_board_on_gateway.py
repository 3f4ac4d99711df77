"""The whole board on the desk gateway: `quoteboard --gateway URL` (with --smoke, as a user runs it)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess

from desktop.feed.redis_link import RedisLink
from desktop.gateway.service import GatewayConfig
from desktop.protocol.gateway_wire import GatewayKeys
from tests.gateway.conftest import VENV_BIN, RedisServer
from tests.gateway.test_gateway_boards import RunningGateway


async def _smoke(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        str(VENV_BIN / "quoteboard"),
        *args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "QUOTEBOARD_TOKEN": ""},
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    return process.returncode or 0, out.decode(), err.decode()


async def test_a_smoke_run_on_the_gateway_prices_every_row_and_seeds_its_history(
    redis_server: RedisServer,
) -> None:
    running = RunningGateway(redis_server.url, GatewayConfig())
    gateway = await running.start()
    try:
        # Long enough for the gateway to fetch two kinds of bars for every row at the plan's pace,
        # with room for a loaded machine (under the full suite 10 s seeded 4 of 24 daily bars and
        # 20 s once 22: the board's "not ready yet" retries back off to 30 s apart).
        code, out, err = await _smoke("--smoke", "30", "--gateway", redis_server.url)
        report = json.loads(out.strip().splitlines()[-1])
        assert code == 0, err[-2000:]
        assert report["status"] == "Live"
        assert report["ticks"] > 0 and report["rows_with_price"] == report["rows"] > 0
        assert report["errors"] == 0
        assert gateway.interest.symbols >= report["rows"]  # the gateway streamed its rows
        # No token on the board: its history came from the bars the gateway keeps in Redis.
        assert report["history_seeded"] == report["sparklines"] == report["rows"]
        assert report["daily_bars"] == report["rows"]
        assert gateway.bars.fetched >= 2 * report["rows"]
        probe = RedisLink.parse(redis_server.url).connect()
        left = [key async for key in probe.scan_iter(match=GatewayKeys().interest_pattern)]
        await probe.aclose()
        assert left == []  # it withdrew its interest when it quit
    finally:
        await running.stop()


async def test_a_smoke_run_without_a_gateway_says_gateway_down(redis_server: RedisServer) -> None:
    code, out, _err = await _smoke("--smoke", "3", "--gateway", redis_server.url)
    report = json.loads(out.strip().splitlines()[-1])
    assert code == 1
    assert report["status"] == "Gateway down (no heartbeat)"
    assert report["rows_with_price"] == 0


async def test_gateway_urls_and_combinations_are_checked_before_anything_starts() -> None:
    code, _out, err = await _smoke("--smoke", "3", "--gateway", "http://x:1")
    assert code == 2 and "--gateway" in err and "not a Redis URL" in err
    code, _out, err = await _smoke("--gateway", "redis://h:1", "--feed-url", "ws://h:2/x")
    assert code == 2 and "two different feeds" in err

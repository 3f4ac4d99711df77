"""`quoteboard-gateway` and `make gateway` run as a user runs them."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop.domain.feed_status import FeedState
from desktop.feed.redis_link import RedisLink
from desktop.gateway.audit import AuditLog
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator
from tests.conftest import TIMEOUT_S, need_system
from tests.gateway.conftest import (
    REDIS_SERVER,
    VENV_BIN,
    GatewayProcess,
    RedisServer,
    free_port,
    make_board,
    priced,
)
from tests.gateway.test_gateway_boards import SYMBOLS
from tests.polling import wait_until


def _spawn(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """A child process (started from a sync function: async code must not block on it)."""
    return subprocess.Popen(command, **options)


async def _beat(url: str) -> bytes | None:
    redis = RedisLink.parse(url).connect()
    try:
        return await redis.get(GatewayKeys().heartbeat)  # type: ignore[no-any-return]
    finally:
        await redis.aclose()


async def test_the_gateway_command_caps_boards_audits_and_uses_the_plan(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    gateway = GatewayProcess(
        redis_server.url, tmp_path, "--max-boards", "1", "--audit-log", str(audit),
        "--plan", "basic",
    )  # fmt: skip
    gateway.start()
    first = make_board(redis_server.url, SYMBOLS, "first")
    second = make_board(redis_server.url, SYMBOLS, "second")
    try:
        await first.start()
        await wait_until(lambda: priced(first, SYMBOLS), "the first board priced", TIMEOUT_S * 3)
        await second.start()
        await wait_until(lambda: second.status.state is FeedState.OFFLINE, "the second refused")
        beat = GatewayCodec().beat(await _beat(redis_server.url))
        assert beat is not None and beat.plan == "basic" and beat.max_boards == 1
        assert [(r.event, r.board) for r in AuditLog.read(audit)] == [
            ("joined", "first"),
            ("refused", "second"),
        ]
    finally:
        await asyncio.gather(first.stop(), second.stop())
        gateway.stop()


async def test_the_gateway_command_streams_a_provider_with_the_token_from_the_environment(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    token = "gw-token-5a1e"
    simulator = EmbeddedSimulator(SimulatorConfig(tokens={token: "professional"}))
    endpoints = await asyncio.to_thread(simulator.start)
    command = [str(VENV_BIN / "quoteboard-gateway"), "--redis-url", redis_server.url]
    command += ["--feed-url", endpoints.ws_url, "--plan", "professional"]
    without = await asyncio.to_thread(
        subprocess.run,
        command,
        capture_output=True,
        text=True,
        timeout=30,
        env={
            **{k: v for k, v in os.environ.items() if k != "QUOTEBOARD_TOKEN"},
            "XDG_DATA_HOME": str(tmp_path),
        },
    )
    assert without.returncode == 2 and "no API token" in without.stderr
    log = (tmp_path / "gw.log").open("wb")
    env = {**os.environ, "QUOTEBOARD_TOKEN": token, "XDG_DATA_HOME": str(tmp_path)}
    process = _spawn(command, env=env, stdout=log, stderr=log)
    board = make_board(redis_server.url, SYMBOLS, "board")
    try:
        await board.start()
        await wait_until(lambda: priced(board, SYMBOLS), "priced from the provider", TIMEOUT_S * 3)
        assert board.demo is False
        assert token not in (tmp_path / "gw.log").read_text()
        audit = tmp_path / "quoteboard" / "gateway-audit.jsonl"  # the default: the data folder
        await wait_until(lambda: audit.exists(), "the default audit log")
        assert [r.board for r in AuditLog.read(audit)] == ["board"]
    finally:
        await board.stop()
        process.send_signal(signal.SIGTERM)
        process.wait(TIMEOUT_S)
        log.close()
        await asyncio.to_thread(simulator.stop)


async def test_make_gateway_starts_redis_when_none_answers_and_stops_everything(
    tmp_path: Path,
) -> None:
    need_system(REDIS_SERVER is not None, "redis-server")
    port = free_port()
    url = f"redis://127.0.0.1:{port}"
    stack = _spawn(
        [sys.executable, "-m", "desktop.gateway.local_stack", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path)},
    )
    board = make_board(url, SYMBOLS, "board")
    try:
        beat: list[bytes | None] = [None]

        async def beating() -> None:
            while beat[0] is None:
                try:
                    beat[0] = await _beat(url)
                except Exception:  # not up yet
                    pass
                await asyncio.sleep(0.1)

        await asyncio.wait_for(beating(), TIMEOUT_S * 3)
        await board.start()
        await wait_until(lambda: priced(board, SYMBOLS), "a board priced", TIMEOUT_S * 2)
    finally:
        await board.stop()
        stack.send_signal(signal.SIGTERM)
        out, _ = stack.communicate(timeout=TIMEOUT_S * 3)
    text = out.decode()
    assert f"started redis-server on {url}" in text
    assert f"quoteboard --gateway {url}" in text
    from tests.gateway.conftest import _answers

    assert not _answers(port)  # the Redis it started is gone with it

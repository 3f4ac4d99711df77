"""`quoteboard quote SYMBOL… --redis-url URL [--json]` as a user runs it, against a real cache."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from desktop.gateway.service import GatewayConfig, GatewayService
from tests.gateway.conftest import VENV_BIN, RedisServer, make_board, priced
from tests.gateway.test_gateway_boards import SYMBOLS, RunningGateway
from tests.polling import wait_until


@pytest.fixture
async def filled(redis_server: RedisServer) -> AsyncIterator[GatewayService]:
    running = RunningGateway(redis_server.url, GatewayConfig())
    service = await running.start()
    board = make_board(redis_server.url, SYMBOLS, "board")
    await board.start()
    await wait_until(lambda: priced(board, SYMBOLS), "the cache filled")
    await board.stop()
    yield service
    await running.stop()


def _quote(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "quoteboard"), "quote", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


async def test_quote_prints_the_cached_values_as_json_and_as_a_table(
    redis_server: RedisServer, filled: GatewayService
) -> None:
    done = await asyncio.to_thread(
        _quote, "AAPL.US", "700.HK", "--redis-url", redis_server.url, "--json"
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["symbol"] for r in rows] == ["AAPL.US", "00700.HK"]
    for row in rows:
        state = filled.book.get(row["symbol"])
        assert state is not None and state.last is not None
        assert row["last"] and float(row["last"]) > 0
        assert row["source"] in ("push", "rest")
        assert isinstance(row["time_ms"], int)
    table = await asyncio.to_thread(_quote, "AAPL.US", "--redis-url", redis_server.url)
    assert table.returncode == 0
    header, line = table.stdout.splitlines()
    assert header.split()[:3] == ["symbol", "last", "change_pct"]
    assert line.startswith("AAPL.US")


async def test_quote_says_which_symbols_are_not_cached_and_rejects_bad_input(
    redis_server: RedisServer, filled: GatewayService
) -> None:
    done = await asyncio.to_thread(_quote, "ZZZZ.US", "--redis-url", redis_server.url)
    assert done.returncode == 1
    assert "not in the cache" in done.stdout
    bad = await asyncio.to_thread(_quote, "not a symbol", "--redis-url", redis_server.url)
    assert bad.returncode == 2 and "quoteboard quote:" in bad.stderr
    bad_url = await asyncio.to_thread(_quote, "AAPL.US", "--redis-url", "http://x")
    assert bad_url.returncode == 2 and "not a Redis URL" in bad_url.stderr


def test_quote_never_imports_qt(redis_server: RedisServer) -> None:
    code = (
        "import sys; from desktop.__main__ import main; "
        f"main(['quote', 'AAPL.US', '--redis-url', '{redis_server.url}']); "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'qasync'))]"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr

"""`quoteboard quote SYMBOL… --redis-url URL [--json]` as a user runs it, against a real cache."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.gateway.cli import main as gateway_main
from desktop.gateway.local_stack import redis_answers
from desktop.gateway.quote_cli import run_quote
from desktop.gateway.service import GatewayConfig, GatewayService
from desktop.protocol.gateway_wire import GatewayKeys, quote_fields
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


def test_quote_reads_a_cache_written_in_the_documented_layout(
    redis_server: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import redis as redis_sync

    book = QuoteBook()
    book.track("AAPL.US")
    book.apply_tick(
        Tick("AAPL.US", Decimal("189.5"), 10, None, TradeSide.BUY, 1_700_000_000_000, 3), 0
    )
    client = redis_sync.Redis(port=redis_server.port)
    client.hset(
        GatewayKeys().quote("AAPL.US"), mapping=quote_fields(book.get("AAPL.US"), "push", 1)
    )  # type: ignore[arg-type]
    client.close()
    assert run_quote(["AAPL.US", "MSFT.US"], redis_server.url, as_json=True) == 1
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["last"] == "189.5" and rows[0]["time"] == "2023-11-14 22:13:20.000"
    assert rows[1] == {"symbol": "MSFT.US", "missing": True}
    assert run_quote(["AAPL.US"], redis_server.url, as_json=False) == 0
    assert "189.5" in capsys.readouterr().out
    assert run_quote(["AAPL.US"], "redis://127.0.0.1:1", as_json=False) == 2
    assert "cannot read redis://127.0.0.1:1" in capsys.readouterr().err


def test_the_gateway_command_rejects_bad_options_with_a_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv, says in (
        (["--redis-url", "http://x"], "not a Redis URL"),
        (["--redis-url", "redis://h:1", "--max-boards", "0"], "at least 1"),
        (["--redis-url", "redis://h:1", "--maxlen", "5"], "at least 100"),
    ):
        with pytest.raises(SystemExit) as exited:
            gateway_main(argv)
        assert exited.value.code == 2
        assert says in capsys.readouterr().err
    assert not redis_answers("127.0.0.1", 1)

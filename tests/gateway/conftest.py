"""Real Redis (and Sentinel) servers on free loopback ports for the desk gateway's tests.

Each test that asks for `redis_server` gets its own `redis-server` (no persistence, a temporary
directory); the test skips when the binary is missing, and fails instead under QB_REQUIRE_SYSTEM=1.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.gateway_feed import GatewayFeed, GatewaySettings
from desktop.feed.redis_link import RedisLink
from tests.conftest import TIMEOUT_S, need_system

REDIS_SERVER = shutil.which("redis-server")
REDIS_SENTINEL = shutil.which("redis-sentinel")
VENV_BIN = Path(sys.executable).parent

#: Board timings for tests: quick checks, the same rules.
FAST_BOARD = GatewaySettings(check_s=0.1, interest_refresh_s=1.0, interest_ttl_s=3.0, block_ms=50)


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int, tls: bool = False) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            if tls:
                return True
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
            return reply.startswith((b"+PONG", b"-NOAUTH", b"-ERR"))
    except OSError:
        return False


class RedisServer:
    """One `redis-server` process on loopback that a test can kill, restart and reconfigure."""

    def __init__(self, workdir: Path, extra: list[str] | None = None, tls: bool = False) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.extra = list(extra or [])
        self.tls = tls
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """redis://127.0.0.1:PORT (or rediss:// when started with TLS)."""
        return f"{'rediss' if self.tls else 'redis'}://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The server's command line."""
        assert REDIS_SERVER is not None
        port_args = ["--port", "0", "--tls-port", str(self.port)] if self.tls else [
            "--port", str(self.port)
        ]  # fmt: skip
        return [
            REDIS_SERVER, *port_args, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.workdir), "--logfile", str(self.workdir / f"redis-{self.port}.log"),
            *self.extra,
        ]  # fmt: skip

    def start(self) -> None:
        """Start and wait until it answers."""
        self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + TIMEOUT_S
        while not _answers(self.port, self.tls):
            if self.process.poll() is not None:
                log = (self.workdir / f"redis-{self.port}.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server exited: {log[-800:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not answer")
            time.sleep(0.02)

    def kill(self) -> None:
        """kill -9 (no goodbye)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(TIMEOUT_S)

    def stop(self) -> None:
        """Stop it if it still runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh redis-server for this test."""
    need_system(REDIS_SERVER is not None, "redis-server")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def make_board(
    url: str, symbols: list[str], board_id: str, settings: GatewaySettings = FAST_BOARD
) -> GatewayFeed:
    """A headless board: a `QuoteBook` fed by a `GatewayFeed` (no window)."""
    book = QuoteBook()
    feed = GatewayFeed(book, RedisLink.parse(url), board_id=board_id, settings=settings)
    wanted = [Symbol.parse(s) for s in symbols]
    feed.set_symbols(wanted, wanted)
    return feed


def priced(feed: GatewayFeed, symbols: list[str]) -> bool:
    """Every symbol has a last price on this board."""
    return all((s := feed.book.get(sym)) is not None and s.last is not None for sym in symbols)


class GatewayProcess:
    """`quoteboard-gateway` as a real process (to kill -9 it)."""

    def __init__(self, url: str, workdir: Path, *args: str) -> None:
        self.url = url
        self.workdir = workdir
        self.args = list(args)
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "gateway.log"

    def start(self) -> None:
        """Start it (it connects to the simulator it embeds)."""
        env = dict(os.environ, XDG_DATA_HOME=str(self.workdir))  # its audit log stays here
        env.pop("QUOTEBOARD_TOKEN", None)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "quoteboard-gateway"), "--redis-url", self.url, *self.args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def kill(self) -> None:
        """kill -9."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(TIMEOUT_S * 2)
            except subprocess.TimeoutExpired:
                self.kill()


class SentinelSetup:
    """A primary, a replica and one Sentinel watching them, all on loopback."""

    def __init__(self, workdir: Path) -> None:
        self.primary = RedisServer(workdir)
        self.replica = RedisServer(workdir)
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The Sentinel URL boards and the gateway use."""
        return f"redis+sentinel://127.0.0.1:{self.port}/mymaster"

    def start(self) -> None:
        """Primary, then the replica of it, then the Sentinel."""
        assert REDIS_SENTINEL is not None
        self.primary.start()
        self.replica.extra = ["--replicaof", "127.0.0.1", str(self.primary.port)]
        self.replica.start()
        config = self.workdir / "sentinel.conf"
        config.write_text(
            f"port {self.port}\nbind 127.0.0.1\ndir {self.workdir}\n"
            f"sentinel monitor mymaster 127.0.0.1 {self.primary.port} 1\n"
            "sentinel down-after-milliseconds mymaster 800\n"
            "sentinel failover-timeout mymaster 4000\n"
            "sentinel parallel-syncs mymaster 1\n"
        )
        self.process = subprocess.Popen(
            [REDIS_SENTINEL, str(config), "--logfile", str(self.workdir / "sentinel.log")],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + TIMEOUT_S
        while not _answers(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-sentinel did not answer")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop all three."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(TIMEOUT_S)
        self.primary.stop()
        self.replica.stop()


@pytest.fixture
def sentinel(tmp_path: Path) -> Iterator[SentinelSetup]:
    """A Sentinel-watched primary and replica for this test."""
    need_system(REDIS_SERVER is not None and REDIS_SENTINEL is not None, "redis-sentinel")
    setup = SentinelSetup(tmp_path)
    setup.start()
    yield setup
    setup.stop()

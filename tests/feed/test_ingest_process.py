"""`--ingest process`: the feed's sockets and decoding in a worker process, against the real
simulator; the GUI side's book applies what the worker decoded."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.feed.remote_connection import RemoteConnection
from desktop.feed.service import FeedService
from desktop.feed.timing import ConnectionSettings, IngestMode
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S
from tests.feed.test_hostile_server import HOSTILE, HostileFrames
from tests.feed.test_service_e2e import FAST, SYMBOLS
from tests.polling import wait_until, wait_until_blocking

BURST = 20_000
CALM = ConnectionSettings(heartbeat_s=5.0, dead_after_s=30.0, request_spacing_s=0.05)
"""For the burst: the simulator shares the test's loop, so a heartbeat reply may wait behind it."""
STARTUP_S = TIMEOUT_S * 4
"""A spawned worker imports websockets, msgspec and the codec first (slower on a busy machine)."""


@pytest.fixture
async def hostile() -> AsyncIterator[tuple[SimulatorServer, HostileFrames]]:
    faults = HostileFrames()
    config = SimulatorConfig(
        seed=5, trades_per_second=200.0, depth_per_second=2.0, min_request_interval=0.04
    )
    async with SimulatorServer(config, faults=faults) as server:
        yield server, faults


def _service(server: SimulatorServer, book: QuoteBook, **kwargs: object) -> FeedService:
    kwargs.setdefault("settings", FAST)
    return FeedService(
        book, server.ws_url, "t", PLANS[Plan.PROFESSIONAL],
        ingest=IngestMode.PROCESS, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


async def test_a_burst_reaches_the_book_through_the_worker_in_order_with_nothing_lost() -> None:
    config = SimulatorConfig(trades_per_second=1.0, depth_per_second=0.1, min_request_interval=0.0)
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        tapped: list[Tick] = []

        def tap(event: Tick | DepthSnapshot | ReferenceData) -> None:
            if isinstance(event, Tick):
                tapped.append(event)

        service = _service(server, book, tap=tap, settings=CALM)
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            assert isinstance(service.connections()[0], RemoteConnection)
            await wait_until(
                lambda: service.status.state is FeedState.LIVE and bool(server.open_connections()),
                "the worker's connection to go live",
                STARTUP_S,
            )
            await wait_until(lambda: service.connections()[0].session.accepted_trades is not None)
            before_book, before_sent = book.counters.ticks, server.stats.trade_pushes
            pushed = await server.burst(BURST)
            assert pushed == BURST
            await wait_until(
                lambda: (
                    server.stats.trade_pushes - before_sent == book.counters.ticks - before_book
                ),
                "every pushed trade in the book",
                STARTUP_S,
            )
            assert book.counters.ticks - before_book >= BURST
            assert book.counters.out_of_order == 0 and book.counters.duplicates == 0
            last_seq: dict[str, int] = {}
            for tick in tapped:  # the tap saw each accepted trade once, in the server's order
                assert tick.seq is not None and tick.seq > last_seq.get(tick.symbol, -1)
                last_seq[tick.symbol] = tick.seq
            assert len(tapped) == book.counters.ticks
            assert service.stats().data_frames >= book.counters.ticks
            assert service.stats().reconnects == 0
        finally:
            await service.stop()
        assert len(service.workers) == 1 and not service.workers[0].alive


async def test_a_new_subscription_takes_effect_in_the_worker() -> None:
    config = SimulatorConfig(trades_per_second=300.0, min_request_interval=0.04)
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        service = _service(server, book)
        service.set_symbols(SYMBOLS[:2])
        await service.start()
        try:
            await wait_until(
                lambda: all(book.get(str(s)).last for s in SYMBOLS[:2]),  # type: ignore[union-attr]
                "prices of the first set",
                STARTUP_S,
            )
            service.set_symbols(SYMBOLS[3:5])
            wanted = sorted(s.wire for s in SYMBOLS[3:5])
            await wait_until(
                lambda: [sorted(r.trade_codes) for r in server.open_connections()] == [wanted],
                "the server to hold the new set",
            )
            await wait_until(
                lambda: all(book.get(str(s)).last for s in SYMBOLS[3:5]),  # type: ignore[union-attr]
                "prices of the new set",
            )
            accepted = service.connections()[0].session.accepted_trades
            assert accepted is not None and sorted(s.wire for s in accepted) == wanted
        finally:
            await service.stop()


async def test_a_killed_worker_is_started_again_and_the_status_says_why() -> None:
    config = SimulatorConfig(trades_per_second=300.0, min_request_interval=0.04)
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        statuses: list[FeedStatus] = []
        service = _service(server, book, on_status=statuses.append)
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            await wait_until(lambda: book.counters.ticks > 50, "ticks", STARTUP_S)
            worker = service.workers[0]
            assert worker is not None and worker.pid is not None
            first_pid = worker.pid
            os.kill(first_pid, signal.SIGKILL)
            await wait_until(
                lambda: any("ingest worker exited" in s.reason for s in statuses),
                "the status to say the worker died",
            )
            died = next(s for s in statuses if "ingest worker exited" in s.reason)
            assert died.state is FeedState.RECONNECTING
            assert str(-signal.SIGKILL) in died.reason
            await wait_until(lambda: worker.pid != first_pid, "a new worker", STARTUP_S)
            ticks = book.counters.ticks
            await wait_until(lambda: book.counters.ticks > ticks + 50, "ticks again", STARTUP_S)
            assert service.status.state is FeedState.LIVE
            assert worker.restarts == 1 and service.connections()[0].restarts == 1
            assert service.stats().reconnects == 1  # the new socket counts as a reconnect
        finally:
            await service.stop()


async def test_a_malformed_frame_in_the_worker_is_counted_and_the_feed_lives_on(
    hostile: tuple[SimulatorServer, HostileFrames],
) -> None:
    server, faults = hostile
    book = QuoteBook()
    service = _service(server, book)
    service.set_symbols(SYMBOLS[:3])
    await service.start()
    try:
        await wait_until(lambda: book.counters.ticks > 20, "ticks", STARTUP_S)
        faults.queued.append('{"cmd_id": 22998, "data": {"code": "AAPL.US", "price": "x"')
        faults.queued.append(HOSTILE["binary"])
        await wait_until(lambda: not faults.queued, "the malformed frames to be sent")
        sent = server.stats.trade_pushes
        await wait_until(lambda: service.stats().data_frames >= sent + 50, "trades after them")
        assert service.stats().bad_frames == 2
        kinds = service.connections()[0].session.stats.bad_by_reason
        assert kinds["binary frame"] == 1 and sum(kinds.values()) == 2
        assert "dropped a bad frame from the server" in service.status.last_error
        assert service.status.state is FeedState.LIVE and service.stats().reconnects == 0
    finally:
        await service.stop()


def _gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its reaper counts as exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_exits_when_the_gui_process_dies(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, sys
            from desktop.domain.quote_book import QuoteBook
            from desktop.domain.symbols import Symbol
            from desktop.feed.service import FeedService
            from desktop.feed.timing import IngestMode
            from desktop.protocol.plans import PLANS, Plan

            async def main() -> None:
                service = FeedService(QuoteBook(), sys.argv[1], "t", PLANS[Plan.BASIC],
                                      ingest=IngestMode.PROCESS)
                service.set_symbols([Symbol.parse("AAPL")])
                await service.start()
                while not service.connections() or not service.connections()[0].session.accepted_trades:
                    await asyncio.sleep(0.01)  # the worker runs, connected and subscribed
                print(service.workers[0].pid, flush=True)
                await asyncio.Event().wait()

            if __name__ == "__main__":
                asyncio.run(main())
            """
        )
    )
    # A silent market: the worker has nothing to send, so only its control socket's end of file
    # can tell it that the GUI process is gone (the first heartbeat is 10 s away).
    config = SimulatorConfig(trades_per_second=0.001, depth_per_second=0.001)
    root = str(Path(__file__).parents[2])  # this checkout's `desktop`, not an installed one
    with EmbeddedSimulator(config) as simulator:
        parent = subprocess.Popen(
            [sys.executable, str(script), simulator.endpoints.ws_url],
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": root},
        )
        try:
            assert parent.stdout is not None
            line = parent.stdout.readline()
            assert line.strip(), "the parent printed no worker pid"
            worker = int(line)
            assert not _gone(worker)
            parent.send_signal(signal.SIGKILL)  # no atexit, no cleanup: only its sockets close
            parent.wait(TIMEOUT_S)
            wait_until_blocking(lambda: _gone(worker), "the worker to exit", TIMEOUT_S)
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait()


def smoke_report(data_dir: Path, *args: str) -> dict[str, object]:
    """Run `quoteboard --smoke … --data-dir data_dir` as a user does; its JSON line (exit 0)."""
    command = [sys.executable, "-m", "desktop", "--smoke", *args, "--data-dir", str(data_dir)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60 + TIMEOUT_S * 4,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(report, dict)
    return report


def test_a_smoke_run_with_a_worker_says_so_and_prices_every_row(tmp_path: Path) -> None:
    started = time.monotonic()
    report: dict[str, Any] = smoke_report(tmp_path, "5", "--ingest", "process")
    assert report["ingest"] == "process"
    assert report["rows"] > 0 and report["rows_with_price"] == report["rows"]
    assert report["ticks"] > 0 and report["errors"] == 0
    assert time.monotonic() - started >= 5


async def test_batches_read_back_to_back_still_hand_the_loop_back_every_slice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A buffered batch is read without a loop turn: the 4 ms slice must span batches."""
    from types import SimpleNamespace

    from desktop.domain.market_data import TradeSide
    from desktop.feed import ingest_process
    from desktop.feed.ingest_wire import TICK, EventBatch

    clock = [100.0]
    monkeypatch.setattr(ingest_process, "time", SimpleNamespace(perf_counter=lambda: clock[0]))
    order: list[str] = []

    class SlowBook(QuoteBook):
        def apply_tick(self, tick: Tick, now: float) -> None:
            super().apply_tick(tick, now)
            clock[0] += 0.003  # each trade takes 3 ms: two fill a 4 ms slice
            order.append("tick")

    book = SlowBook()
    book.track("AAPL.US")
    process = ingest_process.IngestProcess(book, None, lambda market: False, 1.0)

    async def other() -> None:
        while True:
            order.append("loop")
            await asyncio.sleep(0)

    def batch(seq: int) -> EventBatch:
        tick = Tick("AAPL.US", Decimal("1"), 1, None, TradeSide.BUY, 1_000 + seq, seq)
        return EventBatch(bytes([TICK]), [tick], [])

    await asyncio.sleep(0)
    task = asyncio.create_task(other())
    await asyncio.sleep(0)
    order.clear()
    for seq in range(1, 5):
        await process._apply(batch(seq))  # back to back: nothing else awaits in between
    task.cancel()
    assert order == ["tick", "tick", "loop", "tick", "tick"]
    assert book.counters.ticks == 4

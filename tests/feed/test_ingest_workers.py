"""`--ingest-workers N`: a service's connections spread over N real worker processes against the
real simulator; connection i lives in worker i % N, one worker dying leaves the others streaming,
and the subscribe stagger holds across processes."""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import msgspec
import pytest

from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.feed.ingest_pool import IngestPool
from desktop.feed.service import FeedService
from desktop.feed.timing import IngestMode
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.feed.test_ingest_process import STARTUP_S
from tests.feed.test_service_e2e import FAST, SYMBOLS
from tests.polling import wait_until

PROFILE = msgspec.structs.replace(PLANS[Plan.PROFESSIONAL], symbols_per_connection=2)
"""Six symbols, two per connection: three connections."""
SUBSCRIBE_CMDS = (22002, 22004)
QUICK = replace(FAST, stagger_s=0.1)
"""The three connections' subscribes 0.1 s apart instead of 3 s (the stagger is tested below)."""


def _service(
    server: SimulatorServer, book: QuoteBook, workers: int, **kwargs: object
) -> FeedService:
    kwargs.setdefault("settings", QUICK)
    return FeedService(
        book, server.ws_url, "t", PROFILE,
        ingest=IngestMode.PROCESS, ingest_workers=workers, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def _pool(service: FeedService) -> IngestPool:
    pool = service.host.pool
    assert pool is not None
    return pool


async def test_connections_are_split_over_the_workers_and_every_one_streams() -> None:
    config = SimulatorConfig(seed=3, trades_per_second=300.0, min_request_interval=0.04)
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        service = _service(server, book, workers=2)
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            await wait_until(
                lambda: all((q := book.get(str(s))) is not None and q.last for s in SYMBOLS),
                "a price for every symbol, from every connection",
                STARTUP_S,
            )
            pool = _pool(service)
            assert len(service.workers) == 2
            assert sorted(pool.workers[0].connections) == [0, 2]  # connection i → worker i % 2
            assert sorted(pool.workers[1].connections) == [1]
            pids = {worker.pid for worker in service.workers}
            assert len(pids) == 2 and os.getpid() not in pids
            assert pool.stagger is not None  # shared by the two processes
            conns = service.connections()
            assert [len(c.session.plan.trades) for c in conns] == [2, 2, 2]
            await wait_until(
                lambda: all(c.data_frames > 0 for c in conns), "every connection's frames"
            )
            assert len(server.open_connections()) == 3
        finally:
            await service.stop()
        assert not any(worker.alive for worker in service.workers)


async def test_subscribes_of_connections_in_different_workers_are_staggered() -> None:
    stagger_s = 0.5
    config = SimulatorConfig(seed=4, trades_per_second=50.0, min_request_interval=0.04)
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        service = _service(server, book, workers=3, settings=replace(FAST, stagger_s=stagger_s))
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            await wait_until(
                lambda: (
                    all(c.session.accepted_trades for c in service.connections())
                    and len(service.connections()) == 3
                ),
                "every connection's trade set accepted",
                STARTUP_S,
            )
            subscribes = sorted(
                (frame.at, record.id)
                for record in server.open_connections()
                for frame in record.received
                if (frame.json or {}).get("cmd_id") in SUBSCRIBE_CMDS
            )
        finally:
            await service.stop()
    assert len({conn for _, conn in subscribes}) == 3
    # Each worker keeps its own loop: only the shared stagger spaces them. Arrival times carry
    # the loops' jitter, so the bound is half the spacing (unstaggered ones arrive together).
    for (at, conn), (next_at, next_conn) in zip(subscribes, subscribes[1:], strict=False):
        if conn != next_conn:
            assert next_at - at >= stagger_s / 2, (conn, next_conn, next_at - at)


async def test_a_killed_worker_is_restarted_while_the_others_stream_on() -> None:
    config = SimulatorConfig(seed=5, trades_per_second=300.0, min_request_interval=0.04)
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        statuses: list[FeedStatus] = []
        service = _service(server, book, workers=2, on_status=statuses.append)
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            conns = service.connections()
            await wait_until(
                lambda: len(conns) == 3 and all(c.data_frames > 0 for c in conns),
                "every connection streaming",
                STARTUP_S,
            )
            survivor, victim = _pool(service).workers
            survivor_pid, victim_pid = survivor.pid, victim.pid
            assert victim_pid is not None
            os.kill(victim_pid, signal.SIGKILL)
            await wait_until(
                lambda: any("ingest worker 2 exited" in s.reason for s in statuses),
                "the status to name the worker that died",
            )
            frames = [conns[0].data_frames, conns[2].data_frames]
            await wait_until(
                lambda: conns[0].data_frames > frames[0] and conns[2].data_frames > frames[1],
                "the other worker's connections to stream on",
            )
            await wait_until(lambda: victim.pid != victim_pid, "a new worker 2", STARTUP_S)
            before = conns[1].data_frames
            await wait_until(
                lambda: conns[1].data_frames > before, "connection 1 streaming again", STARTUP_S
            )
            assert victim.restarts == 1 and conns[1].restarts == 1
            assert survivor.restarts == 0 and survivor.pid == survivor_pid
            assert conns[0].reconnects == 0 and conns[2].reconnects == 0
        finally:
            await service.stop()


def test_the_worker_count_is_bounded() -> None:
    book = QuoteBook()
    for count in (0, 11):
        with pytest.raises(ValueError, match="1 to 10"):
            IngestPool(count, book, None, lambda market: False, FAST)

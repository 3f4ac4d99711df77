"""The history writer against real Redis and PostgreSQL: killed with -9 mid-stream, it resumes and
the stored rows equal the ticks the gateway published, none lost, none twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.exceptions import ResponseError

from desktop.domain.recording import EventKind
from desktop.feed.redis_link import RedisLink
from desktop.gateway.history_writer import HistoryWriter
from desktop.gateway.service import GatewayConfig
from desktop.persistence.postgres_sink import PostgresTickSink
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys
from tests.conftest import TIMEOUT_S
from tests.gateway.conftest import VENV_BIN, RedisServer, make_board, priced
from tests.gateway.test_gateway_boards import SYMBOLS, RunningGateway
from tests.persistence.conftest import postgres_dsn
from tests.polling import wait_until

pytestmark = pytest.mark.system


def _reset(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS qb_events, qb_refs, qb_meta, qb_gateway_progress")


@pytest.fixture
def dsn() -> Iterator[str]:
    found = postgres_dsn()
    _reset(found)
    yield found
    _reset(found)


def _writer(url: str, dsn: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(VENV_BIN / "quoteboard-gateway"), "--redis-url", url, "--history", dsn],
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stored(dsn: str) -> tuple[Counter[tuple[str, int, int | None, str]], bool]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT symbol, ts_ms, seq, price::text FROM qb_events WHERE kind = %s",
            (int(EventKind.TRADE),),
        ).fetchall()
        partitioned = conn.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'qb_events'::regclass"
        ).fetchone()
    return Counter((str(s), int(t), q, str(p)) for s, t, q, p in rows), bool(
        partitioned and partitioned[0]
    )


def _stored_or_nothing(dsn: str) -> int:
    try:
        return sum(_stored(dsn)[0].values())
    except Exception:  # the writer has not created its tables yet
        return 0


async def test_a_killed_writer_resumes_and_history_equals_the_published_ticks(
    redis_server: RedisServer, dsn: str, tmp_path: Path
) -> None:
    log = tmp_path / "writer.log"
    running = RunningGateway(redis_server.url, GatewayConfig(maxlen=100_000))
    gateway = await running.start()
    board = make_board(redis_server.url, SYMBOLS, "board")  # gives the gateway its symbols
    probe = RedisLink.parse(redis_server.url).connect()
    writer = _writer(redis_server.url, dsn, log)
    try:
        await board.start()
        await wait_until(lambda: priced(board, SYMBOLS), "the board priced")
        await wait_until(lambda: gateway.publisher.stats.ticks > 300, "ticks published")

        async def writing() -> None:
            while True:
                stored = await asyncio.to_thread(_stored_or_nothing, dsn)
                if stored:
                    return
                await asyncio.sleep(0.05)

        await asyncio.wait_for(writing(), TIMEOUT_S * 3)
        writer.send_signal(signal.SIGKILL)  # mid-stream: entries pending, maybe committed
        writer.wait(TIMEOUT_S)
        await wait_until(lambda: gateway.publisher.stats.ticks > 600, "more ticks published")
        writer = _writer(redis_server.url, dsn, log)
        await board.stop()
        await gateway.stop()
        running.service = None
        entries = await probe.xrange(GatewayKeys().trades)
        codec = GatewayCodec()
        published: Counter[tuple[str, int, int | None, str]] = Counter()
        for _entry_id, fields in entries:
            batch = codec.batch(fields, books=False)
            assert batch is not None
            published.update((t.symbol, t.ts_ms, t.seq, str(t.price)) for t in batch.events)  # type: ignore[union-attr]
        assert sum(published.values()) == gateway.publisher.stats.ticks

        async def caught_up() -> None:
            while True:
                try:
                    pending = await probe.xpending(
                        GatewayKeys().trades, GatewayKeys().history_group
                    )
                except ResponseError:  # the group is not there yet
                    await asyncio.sleep(0.1)
                    continue
                stored, _ = await asyncio.to_thread(_stored, dsn)
                if pending["pending"] == 0 and sum(stored.values()) >= sum(published.values()):
                    return
                await asyncio.sleep(0.1)

        try:
            await asyncio.wait_for(caught_up(), TIMEOUT_S * 3)
        except TimeoutError:
            stored, _ = _stored(dsn)
            pending = await probe.xpending(GatewayKeys().trades, GatewayKeys().history_group)
            raise AssertionError(
                f"stored {sum(stored.values())} of {sum(published.values())}, pending {pending}"
            ) from None
        stored, partitioned = _stored(dsn)
        assert stored == published
        assert partitioned  # no TimescaleDB here: native daily partitions
    finally:
        if writer.poll() is None:
            writer.send_signal(signal.SIGTERM)
            writer.wait(TIMEOUT_S)
        await probe.aclose()
        await running.stop()
        if os.environ.get("QB_SHOW_WRITER_LOG"):
            print(log.read_text(errors="replace"))


class _CrashAfterCommit(HistoryWriter):
    """A writer that dies between COMMIT and XACK (the window a kill -9 may hit)."""

    async def _acknowledge(self, done: dict[str, list[bytes]]) -> None:
        raise _Crash


class _Crash(Exception):
    pass


async def test_a_writer_that_died_between_commit_and_ack_stores_nothing_twice(
    redis_server: RedisServer, dsn: str
) -> None:
    running = RunningGateway(redis_server.url, GatewayConfig(maxlen=100_000))
    gateway = await running.start()
    board = make_board(redis_server.url, SYMBOLS, "board")
    redis = RedisLink.parse(redis_server.url).connect()
    try:
        await board.start()
        await wait_until(lambda: gateway.publisher.stats.ticks > 100, "ticks published")
        await board.stop()
        await gateway.stop()
        running.service = None
        crashing = _CrashAfterCommit(
            redis, PostgresTickSink(dsn, partition_daily=True), consumer="writer"
        )
        await crashing.prepare()
        with pytest.raises(_Crash):
            await crashing.run()
        crashing.sink.close()
        assert crashing.rows > 0  # committed, never acknowledged
        resumed = HistoryWriter(
            redis, PostgresTickSink(dsn, partition_daily=True), consumer="writer"
        )
        await resumed.prepare()
        resumed.block_ms = 50

        async def drain() -> None:
            while True:
                pending = await redis.xpending(GatewayKeys().trades, GatewayKeys().history_group)
                info = await redis.xinfo_groups(GatewayKeys().trades)
                if pending["pending"] == 0 and info[0]["lag"] == 0:
                    resumed.running = False
                    return
                await asyncio.sleep(0.05)

        await asyncio.gather(resumed.run(), drain())
        resumed.sink.close()
        assert resumed.skipped > 0
        published: Counter[tuple[str, int, int | None, str]] = Counter()
        for _entry_id, fields in await redis.xrange(GatewayKeys().trades):
            batch = GatewayCodec().batch(fields, books=False)
            assert batch is not None
            published.update((t.symbol, t.ts_ms, t.seq, str(t.price)) for t in batch.events)  # type: ignore[union-attr]
        stored, partitioned = _stored(dsn)
        assert stored == published and partitioned
    finally:
        await redis.aclose()
        await running.stop()

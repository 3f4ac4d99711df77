"""The desk's history: the gateway's streams, read as a consumer group, stored in PostgreSQL.

Each read's entries become ONE transaction through the recorder's own sink
(`PostgresTickSink.write`: the same COPY and row building), which also records the last entry id
of each stream in `qb_gateway_progress`. Entries are acknowledged (`XACK`) only after COMMIT.
After a crash the writer first re-reads its pending entries: those at or below the committed id
were stored already (the crash came between COMMIT and XACK) and are only acknowledged; the rest
are stored. So a killed writer resumes without losing or duplicating a row.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from desktop.domain.recording import MarketEvent, split_dsn_password
from desktop.feed.redis_link import RedisLink
from desktop.persistence.postgres_sink import PostgresTickSink
from desktop.persistence.tick_sink import RecordedItem, SinkUnavailable
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys, parse_stream_id

__all__ = ["HistoryWriter", "run_history_writer"]

log = logging.getLogger(__name__)

_PROGRESS_TABLE = (
    "CREATE TABLE IF NOT EXISTS qb_gateway_progress"
    " (stream text PRIMARY KEY, last_id text NOT NULL)"
)
_SAVE_PROGRESS = (
    "INSERT INTO qb_gateway_progress (stream, last_id) VALUES (%s, %s)"
    " ON CONFLICT (stream) DO UPDATE SET last_id = EXCLUDED.last_id"
)


class HistoryWriter:
    """Moves stream entries into PostgreSQL exactly once, acknowledging after COMMIT."""

    def __init__(
        self,
        redis: Redis,
        sink: PostgresTickSink,
        *,
        keys: GatewayKeys | None = None,
        consumer: str | None = None,
        count: int = 200,
        block_ms: int = 500,
    ) -> None:
        self.redis = redis
        self.sink = sink
        self.keys = keys or GatewayKeys()
        self.group = self.keys.history_group
        self.consumer = consumer or f"history-{socket.gethostname()}"
        self.count = count
        self.block_ms = block_ms
        self.codec = GatewayCodec()
        self.committed: dict[str, tuple[int, int]] = {}
        self.rows = 0
        self.skipped = 0
        self.running = True

    async def prepare(self) -> None:
        """Open the database, read the committed positions, create the consumer groups."""
        await asyncio.to_thread(self._open_sink)
        for stream in (self.keys.trades, self.keys.books):
            try:
                await self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    def _open_sink(self) -> None:
        self.sink.open()
        conn = self.sink._connection()
        conn.execute(_PROGRESS_TABLE)
        for stream, last_id in conn.execute("SELECT stream, last_id FROM qb_gateway_progress"):
            self.committed[str(stream)] = parse_stream_id(str(last_id))

    async def run(self) -> None:
        """Pending entries first (a previous run's), then new ones, until `running` is False."""
        streams = (self.keys.trades, self.keys.books)
        pending = True
        while self.running:
            start = "0" if pending else ">"
            answer: Any = await self.redis.xreadgroup(
                self.group,
                self.consumer,
                dict.fromkeys(streams, start),
                count=self.count,
                block=None if pending else self.block_ms,
            )
            entries = [
                (name.decode() if isinstance(name, bytes) else name, entry_id, fields)
                for name, batch in (answer or [])
                for entry_id, fields in batch
            ]
            if pending and not entries:
                pending = False
                continue
            if entries:
                await self._store(entries)

    async def _store(self, entries: list[tuple[str, bytes, dict[bytes, bytes]]]) -> None:
        items: list[RecordedItem] = []
        newest: dict[str, bytes] = {}
        done: dict[str, list[bytes]] = {}
        for stream, entry_id, fields in entries:
            done.setdefault(stream, []).append(entry_id)
            if fields is None:  # trimmed away while pending: nothing left to store
                continue
            position = parse_stream_id(entry_id)
            if position <= self.committed.get(stream, (-1, -1)):
                self.skipped += 1  # stored before a crash, never acknowledged
                continue
            batch = self.codec.batch(fields, stream == self.keys.books)
            if batch is None:
                continue
            items.extend((batch.recv_ms, ref) for ref in batch.refs)
            events: list[MarketEvent] = list(batch.events)
            items.extend((batch.recv_ms, event) for event in events)
            newest[stream] = entry_id
        if newest:
            also = [(_SAVE_PROGRESS, (s, i.decode())) for s, i in newest.items()]
            counts = await asyncio.to_thread(self.sink.write, items, also)
            self.rows += counts.ticks + counts.depth
            for stream, entry_id in newest.items():
                self.committed[stream] = parse_stream_id(entry_id)
        await self._acknowledge(done)

    async def _acknowledge(self, done: dict[str, list[bytes]]) -> None:
        """XACK what is stored (only ever after its COMMIT)."""
        pipe = self.redis.pipeline(transaction=False)
        for stream, ids in done.items():
            pipe.xack(stream, self.group, *ids)
        await pipe.execute()


async def run_history_writer(link: RedisLink, dsn: str) -> int:
    """`quoteboard-gateway --history DSN`: run the writer until SIGINT/SIGTERM."""
    clean_dsn, password = split_dsn_password(dsn)
    sink = PostgresTickSink(clean_dsn, password=password, partition_daily=True, compress=True)
    redis = link.connect(name="quoteboard-history")
    writer = HistoryWriter(redis, sink)
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: task.cancel() if task else None)
    try:
        await writer.prepare()
        log.info("history writer: %s → %s", link.redacted, sink.target)
        while True:
            try:
                await writer.run()
            except (RedisError, OSError) as exc:
                log.warning("history writer: Redis unreachable (%s); retrying", exc)
                await asyncio.sleep(1.0)
            except SinkUnavailable as exc:
                log.warning("history writer: %s; retrying", exc.reason)
                await asyncio.sleep(2.0)
    except asyncio.CancelledError:
        return 0
    except SinkUnavailable as exc:
        log.error("history writer: %s", exc.reason)
        return 2
    finally:
        await redis.aclose()
        sink.close()

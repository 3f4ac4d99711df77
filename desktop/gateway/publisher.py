"""Publishes what the gateway's feed accepted into Redis: stream batches plus latest-value hashes.

The feed's tap (`offer`) only appends to lists (cheap, per tick); a flush loop turns whatever
arrived since the last flush into ONE `MULTI`: an `XADD … MAXLEN ~` per stream with the batch
(REST snapshots ride with the trades) and an `HSET` per changed symbol. The same transaction
keeps the cache and the streams consistent: a reader's snapshot never holds a hash newer or
older than the stream position it records. When Redis is unreachable the batch is dropped but
its number is used up, so readers see the jump and re-read the cache; every symbol's hash is
rewritten once Redis answers again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys, quote_fields

__all__ = ["GatewayPublisher", "PublisherStats"]

log = logging.getLogger(__name__)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class PublisherStats:
    """What the publisher did, for the gateway's log line and the benchmark."""

    def __init__(self) -> None:
        self.ticks = 0
        self.books = 0
        self.flushes = 0
        self.dropped_batches = 0
        self.failures = 0


class GatewayPublisher:
    """Batches the feed's events and writes them to Redis in one transaction per flush."""

    def __init__(
        self,
        redis: Redis,
        book: QuoteBook,
        run: str,
        *,
        keys: GatewayKeys | None = None,
        maxlen: int = 10_000,
        flush_s: float = 0.005,
        wall_ms: Callable[[], int] = _wall_ms,
    ) -> None:
        self.redis = redis
        self.book = book
        self.run = run
        self.keys = keys or GatewayKeys()
        self.maxlen = maxlen
        """Entries kept per stream (approximately: `MAXLEN ~`); each entry is one flush."""
        self.flush_s = flush_s
        self._wall_ms = wall_ms
        self.codec = GatewayCodec()
        self.stats = PublisherStats()
        self._ticks: list[Tick] = []
        self._books: list[DepthSnapshot] = []
        self._refs: list[ReferenceData] = []
        self._dirty: dict[str, str] = {}
        """Symbol → the source of its latest change ("push" or "rest")."""
        self._numbers = {"trades": 0, "books": 0}
        self._wake = asyncio.Event()
        self._healthy = True
        self.running = False

    # -- the feed's tap -------------------------------------------------------------------------
    def offer(self, event: Tick | DepthSnapshot | ReferenceData) -> None:
        """Queue one accepted event (called per tick by the feed: appends only)."""
        if type(event) is Tick:
            self._ticks.append(event)
            self._dirty[event.symbol] = "push"
        elif type(event) is DepthSnapshot:
            self._books.append(event)
            self._dirty[event.symbol] = "push"
        elif type(event) is ReferenceData:
            self._refs.append(event)
            self._dirty.setdefault(event.symbol, "rest")
        if not self._wake.is_set():
            self._wake.set()

    def republish_all(self) -> None:
        """Rewrite every symbol's hash at the next flush (Redis lost its data, or is new)."""
        for symbol in self.book.symbols():
            state = self.book.get(symbol)
            if state is not None and (state.last is not None or state.depth is not None):
                self._dirty.setdefault(symbol, "push")
        self._wake.set()

    def stop(self) -> None:
        """End `run_forever` after its current flush."""
        self.running = False
        self._wake.set()

    # -- flushing -------------------------------------------------------------------------------
    async def run_forever(self) -> None:
        """Flush whenever events are queued, at most once per `flush_s`."""
        self.running = True
        while self.running:  # not only cancellation: redis-py may swallow a cancel
            await self._wake.wait()
            self._wake.clear()
            await self.flush()
            await asyncio.sleep(self.flush_s)

    async def flush(self) -> None:
        """Write everything queued since the last flush in one MULTI."""
        ticks, self._ticks = self._ticks, []
        books, self._books = self._books, []
        refs, self._refs = self._refs, []
        dirty, self._dirty = self._dirty, {}
        if not ticks and not books and not refs and not dirty:
            return
        now_ms = self._wall_ms()
        keys, codec = self.keys, self.codec
        pipe = self.redis.pipeline(transaction=True)
        if ticks or refs:
            self._numbers["trades"] += 1
            entry = codec.batch_entry(self.run, self._numbers["trades"], now_ms, ticks, refs)
            pipe.xadd(keys.trades, entry, maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
        if books:
            self._numbers["books"] += 1
            entry = codec.batch_entry(self.run, self._numbers["books"], now_ms, books)
            pipe.xadd(keys.books, entry, maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
        for symbol, source in dirty.items():
            state = self.book.get(symbol)
            if state is not None:
                pipe.hset(keys.quote(symbol), mapping=quote_fields(state, source, now_ms))  # type: ignore[arg-type]
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            self.stats.failures += 1
            self.stats.dropped_batches += bool(ticks or refs) + bool(books)
            if self._healthy:
                log.warning("gateway: cannot publish to Redis (%s); batches are dropped", exc)
            self._healthy = False
            for symbol, source in dirty.items():  # the cache must catch up once Redis is back
                self._dirty.setdefault(symbol, source)
            return
        if not self._healthy:
            log.info("gateway: publishing to Redis again")
            self._healthy = True
        self.stats.flushes += 1
        self.stats.ticks += len(ticks)
        self.stats.books += len(books)

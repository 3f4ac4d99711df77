"""Publishes what the gateway's feed accepted into Redis: stream batches plus latest-value hashes.

The feed's tap (`offer`) only appends to lists (cheap, per tick); a flush loop turns whatever
arrived since the last flush into ONE `MULTI`: an `XADD … MAXLEN ~` per stream with the batch
(REST snapshots ride with the trades) and an `HSET` for each symbol whose hash is due
(`HashSchedule`: at most every `hash_every_s` per symbol). Each hash records the batch numbers
it reflects and each entry the cover (the oldest batch some hash still lacks), all in the same
transaction, so a reader's snapshot plus the entries from the cover on is an exact cut. When
Redis is unreachable the batch is dropped but its number is used up, so readers see the jump and
re-read the cache; every symbol's hash is rewritten once Redis answers again.
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
from desktop.gateway.hash_schedule import HashSchedule
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys, QuoteCut, quote_fields

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
        self.hash_writes = 0
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
        hash_every_s: float = 0.1,
        wall_ms: Callable[[], int] = _wall_ms,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.book = book
        self.run = run
        self.keys = keys or GatewayKeys()
        self.maxlen = maxlen
        """Entries kept per stream (approximately: `MAXLEN ~`); each entry is one flush."""
        self.flush_s = flush_s
        self._wall_ms = wall_ms
        self._clock = clock
        self.schedule = HashSchedule(hash_every_s, max_lag=max(1, maxlen // 2))
        """When each hash is written; a joiner's entries (cover → tip) stay within `MAXLEN`."""
        self.codec = GatewayCodec()
        self.stats = PublisherStats()
        self._ticks: list[Tick] = []
        self._books: list[DepthSnapshot] = []
        self._refs: list[ReferenceData] = []
        self._rest_books: list[DepthSnapshot] = []
        self._dirty: dict[str, str] = {}
        """Symbol → the source of its latest change since the last flush ("push" or "rest")."""
        self._sources: dict[str, str] = {}
        """Symbol → the source of its latest change, for its next hash write."""
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

    def offer_rest_book(self, book: DepthSnapshot) -> None:
        """Queue a REST book the gateway's book accepted (boards apply it as a snapshot)."""
        self._rest_books.append(book)
        self._dirty.setdefault(book.symbol, "rest")
        if not self._wake.is_set():
            self._wake.set()

    def republish_all(self) -> None:
        """Rewrite every symbol's hash at the next flush (Redis lost its data, or is new)."""
        for symbol in self.book.symbols():
            state = self.book.get(symbol)
            if state is not None and (state.last is not None or state.depth is not None):
                self._sources.setdefault(symbol, "push")
                self.schedule.force((symbol,))
        self._wake.set()

    def stop(self) -> None:
        """End `run_forever` after its current flush."""
        self.running = False
        self._wake.set()

    # -- flushing -------------------------------------------------------------------------------
    async def run_forever(self) -> None:
        """Flush whenever events are queued or a hash is due, at most once per `flush_s`."""
        self.running = True
        while self.running:  # not only cancellation: redis-py may swallow a cancel
            wait_s = self.schedule.wait_s(self._clock())
            try:
                async with asyncio.timeout(wait_s):
                    await self._wake.wait()
            except TimeoutError:
                pass  # a hash that waited for its turn is due
            self._wake.clear()
            await self.flush()
            await asyncio.sleep(self.flush_s)

    async def flush(self) -> None:
        """Write the events queued since the last flush and the hashes now due in one MULTI."""
        ticks, self._ticks = self._ticks, []
        books, self._books = self._books, []
        refs, self._refs = self._refs, []
        rest_books, self._rest_books = self._rest_books, []
        dirty, self._dirty = self._dirty, {}
        now = self._clock()
        numbers, schedule = self._numbers, self.schedule
        self._sources.update(dirty)
        if ticks or refs:
            numbers["trades"] += 1
            changed = {tick.symbol for tick in ticks}
            changed.update(ref.symbol for ref in refs)
            schedule.changed("trades", changed, numbers["trades"], now)
        if books or rest_books:
            numbers["books"] += 1
            changed = {book.symbol for book in books}
            changed.update(book.symbol for book in rest_books)
            schedule.changed("books", changed, numbers["books"], now)
        due = schedule.take_due(now, numbers)
        if not ticks and not books and not refs and not rest_books and not due:
            return
        now_ms = self._wall_ms()
        keys, codec, run = self.keys, self.codec, self.run
        pipe = self.redis.pipeline(transaction=True)
        if ticks or refs:
            number = numbers["trades"]
            entry = codec.batch_entry(
                run, number, now_ms, ticks, refs, cover=schedule.cover("trades", number)
            )
            pipe.xadd(keys.trades, entry, maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
        if books or rest_books:
            number = numbers["books"]
            entry = codec.batch_entry(
                run, number, now_ms, books, rest_books, cover=schedule.cover("books", number)
            )
            pipe.xadd(keys.books, entry, maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
        cut = QuoteCut(run, numbers["trades"], numbers["books"])
        sources, book = self._sources, self.book
        for symbol in due:
            state = book.get(symbol)
            if state is not None:
                fields = quote_fields(state, sources.get(symbol, "push"), now_ms, cut)
                pipe.hset(keys.quote(symbol), mapping=fields)  # type: ignore[arg-type]
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            self.stats.failures += 1
            self.stats.dropped_batches += bool(ticks or refs) + bool(books or rest_books)
            if self._healthy:
                log.warning("gateway: cannot publish to Redis (%s); batches are dropped", exc)
            self._healthy = False
            self.schedule.force(due)  # the cache must catch up once Redis is back
            self.republish_all()
            return
        if not self._healthy:
            log.info("gateway: publishing to Redis again")
            self._healthy = True
        self.stats.flushes += 1
        self.stats.ticks += len(ticks)
        self.stats.books += len(books)
        self.stats.hash_writes += len(due)

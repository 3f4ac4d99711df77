"""A board's reading side of the desk gateway: the cache at once, then gap-free stream updates.

`join()` takes ONE `MULTI`: the last entry of each stream and every wanted symbol's hash. The
gateway writes hashes and stream entries in one `MULTI` too, so that snapshot is a consistent
cut: reading the streams from the recorded ids afterwards neither misses nor repeats an update.
Every entry carries its gateway run and a batch number; a number that jumps means the stream was
trimmed past this board (it fell behind): it counts the loss, says so, and joins again from the
cache, so a hole never looks like a quiet market. A new gateway run joins again too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.feed.connection import FeedTap
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys, StreamBatch

__all__ = ["GatewayReader", "StreamPosition"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StreamPosition:
    """Where a reader is in one stream: the entry id, and the run and number of that entry."""

    entry_id: bytes = b"0-0"
    run: str | None = None
    number: int | None = None


class GatewayReader:
    """Applies the gateway's cache and streams to a `QuoteBook` for the wanted symbols."""

    def __init__(
        self,
        redis: Redis,
        book: QuoteBook,
        *,
        keys: GatewayKeys | None = None,
        clock: Callable[[], float] = time.monotonic,
        tap: FeedTap | None = None,
        count: int = 500,
        block_ms: int = 100,
        on_missed: Callable[[str], None] | None = None,
    ) -> None:
        self.redis = redis
        self.book = book
        self.keys = keys or GatewayKeys()
        self.clock = clock
        self.tap = tap
        self.count = count
        """Entries per read; each entry is one gateway flush."""
        self.block_ms = block_ms
        self.codec = GatewayCodec()
        self._on_missed = on_missed or (lambda text: None)
        self.wanted: set[str] = set()
        self.positions = {self.keys.trades: StreamPosition(), self.keys.books: StreamPosition()}
        self.needs_join = True
        self.joins = 0
        self.missed = 0
        """How many times this board fell behind the bounded streams and re-read the cache."""
        self.entries = 0
        self.events = 0
        self.last_recv_ms = 0

    def set_wanted(self, symbols: set[str]) -> None:
        """The symbols to apply; new ones are read from the cache at the next step."""
        added = symbols - self.wanted
        self.wanted = set(symbols)
        if added:
            self.needs_join = True

    async def step(self) -> None:
        """Join if needed, then read once (blocking up to `block_ms`) and apply what came."""
        if self.needs_join:
            await self.join()
        await self.read_once()

    async def join(self) -> None:
        """Read every wanted symbol's latest value and both stream positions in one MULTI."""
        symbols = sorted(self.wanted)
        keys = self.keys
        pipe = self.redis.pipeline(transaction=True)
        pipe.xrevrange(keys.trades, count=1)
        pipe.xrevrange(keys.books, count=1)
        for symbol in symbols:
            pipe.hgetall(keys.quote(symbol))
        results = await pipe.execute()
        for name, last in ((keys.trades, results[0]), (keys.books, results[1])):
            position = StreamPosition()
            if last:
                entry_id, fields = last[0]
                batch = self.codec.batch(fields, name == keys.books)
                position = StreamPosition(
                    entry_id,
                    None if batch is None else batch.run,
                    None if batch is None else batch.number,
                )
            self.positions[name] = position
        now = self.clock()
        book = self.book
        for symbol, fields in zip(symbols, results[2:], strict=True):
            if not fields:
                continue
            ref, depth = self.codec.quote(fields)
            if ref is not None:
                book.apply_reference(ref, now)
            if depth is not None:
                state = book.get(symbol)
                if state is not None and (state.depth is None or state.depth.ts_ms <= depth.ts_ms):
                    book.apply_depth(depth, now)
        self.needs_join = False
        self.joins += 1

    async def read_once(self) -> None:
        """One XREAD from the recorded positions; a gap or a new gateway run re-joins."""
        streams = {name: pos.entry_id for name, pos in self.positions.items()}
        answer: Any = await self.redis.xread(streams, count=self.count, block=self.block_ms)  # type: ignore[arg-type]
        if not answer:
            return
        books_key = self.keys.books
        for raw_name, entries in answer:
            name = raw_name.decode() if isinstance(raw_name, bytes) else raw_name
            is_books = name == books_key
            position = self.positions[name]
            for entry_id, fields in entries:
                batch = self.codec.batch(fields, is_books)
                if batch is None:
                    position.entry_id = entry_id
                    continue
                problem = self._continuity(position, batch)
                if problem is not None:
                    self._fell_behind(problem)
                    return
                position.entry_id, position.run, position.number = (
                    entry_id,
                    batch.run,
                    batch.number,
                )
                self.entries += 1
                self.last_recv_ms = batch.recv_ms
                self._apply(batch)

    def _continuity(self, position: StreamPosition, batch: StreamBatch) -> str | None:
        """Why this entry does not follow the last one read (None when it does)."""
        if position.run is None or position.number is None:
            return None
        if batch.run != position.run:
            return "the gateway restarted"
        if batch.number != position.number + 1:
            lost = batch.number - position.number - 1
            return (
                f"fell behind the gateway: {lost} updates were trimmed before this board read them"
            )
        return None

    def _fell_behind(self, problem: str) -> None:
        if problem.startswith("fell behind"):
            self.missed += 1
        log.warning("gateway feed: %s; re-reading the cache", problem)
        self._on_missed(problem)
        self.needs_join = True

    def _apply(self, batch: StreamBatch) -> None:
        now = self.clock()
        wanted, book, tap = self.wanted, self.book, self.tap
        counters = book.counters
        for ref in batch.refs:
            if ref.symbol in wanted:
                book.apply_reference(ref, now)
                if tap is not None:
                    tap(ref)
        for event in batch.events:
            if event.symbol not in wanted:
                continue
            self.events += 1
            if type(event) is Tick:
                applied = counters.ticks
                book.apply_tick(event, now)
                if tap is not None and counters.ticks != applied:
                    tap(event)
            else:
                assert isinstance(event, DepthSnapshot)
                book.apply_depth(event, now)
                if tap is not None:
                    tap(event)

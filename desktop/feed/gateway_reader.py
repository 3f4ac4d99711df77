"""A board's reading side of the desk gateway: the cache at once, then gap-free stream updates.

`join()` takes ONE `MULTI`: the last entries of each stream and every wanted symbol's hash. The
gateway writes a hash at most every ~100 ms, so hashes may lag the streams: each hash says which
batches it reflects, and each entry the cover (the oldest batch some hash still lacks). The board
applies the hashes, then the entries from the cover to the last one, skipping per symbol what its
hash already holds, then reads on from there: nothing missed, nothing applied twice.
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
from desktop.domain.provenance import Source
from desktop.domain.quote_book import QuoteBook
from desktop.feed.connection import FeedTap
from desktop.protocol.gateway_wire import GatewayCodec, GatewayKeys, QuoteCut, StreamBatch

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
        tail: int = 64,
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
        self.tail = max(2, tail)
        """Entries read back per request while joining (the cover is usually ~20 entries back)."""
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
        """Events applied from stream reads after a join."""
        self.caught_up = 0
        """Events applied while joining (newer than their symbol's hash)."""
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
            if self.needs_join:  # no exact cut this time: join again, never read from stale ids
                return
        await self.read_once()

    async def join(self) -> None:
        """Apply every wanted symbol's hash and the stream entries it lacks: an exact cut."""
        symbols = sorted(self.wanted)
        keys = self.keys
        pipe = self.redis.pipeline(transaction=True)
        pipe.xrevrange(keys.trades, count=self.tail)
        pipe.xrevrange(keys.books, count=self.tail)
        for symbol in symbols:
            pipe.hgetall(keys.quote(symbol))
        results = await pipe.execute()
        catch_up: list[tuple[StreamBatch, bool]] = []
        positions: dict[str, StreamPosition] = {}
        for name, tail in ((keys.trades, results[0]), (keys.books, results[1])):
            is_books = name == keys.books
            found = await self._since_cover(name, tail, is_books)
            if found is None:
                self._fell_behind(
                    "fell behind the gateway: updates newer than the cache were trimmed"
                )
                return
            positions[name], entries = found
            catch_up.extend((batch, is_books) for batch in entries)
        self.positions.update(positions)
        now = self.clock()
        book, codec = self.book, self.codec
        cuts: dict[str, QuoteCut | None] = {}
        for symbol, fields in zip(symbols, results[2:], strict=True):
            if not fields:
                continue
            cuts[symbol] = codec.cut(fields)
            ref, depth = codec.quote(fields)
            if ref is not None:
                book.apply_reference(ref, now)
            if depth is not None:
                state = book.get(symbol)
                if state is not None and (state.depth is None or state.depth.ts_ms <= depth.ts_ms):
                    book.apply_depth(depth, now)
        for batch, is_books in catch_up:
            self.caught_up += self._apply(batch, is_books, cuts)
        self.needs_join = False
        self.joins += 1

    async def _since_cover(
        self, name: str, tail: list[Any], books: bool
    ) -> tuple[StreamPosition, list[StreamBatch]] | None:
        """The position of the last entry and the entries from the cover on, oldest first.

        None when the entries back to the cover are gone (trimmed): no exact cut from here.
        """
        if not tail:
            return StreamPosition(), []
        codec = self.codec
        tip_id, tip_fields = tail[0]
        tip = codec.batch(tip_fields, books)
        if tip is None:
            return StreamPosition(tip_id), []
        position = StreamPosition(tip_id, tip.run, tip.number)
        cover = tip.number + 1 if tip.cover is None else tip.cover
        newest_first: list[StreamBatch] = []
        page = tail
        while True:
            for _, fields in page:
                batch = codec.batch(fields, books)
                if batch is None:
                    continue  # counted as bad; its events are lost to every reader
                if batch.run != tip.run or batch.number < cover:
                    page = []
                    break
                newest_first.append(batch)
            else:
                if len(page) < self.tail:
                    page = []
            if not page or (newest_first and newest_first[-1].number == cover):
                break
            older: Any = await self.redis.xrevrange(name, max=b"(" + page[-1][0], count=self.tail)
            page = older or []
        if cover <= tip.number and (not newest_first or newest_first[-1].number != cover):
            return None
        newest_first.reverse()
        return position, newest_first

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
                self.events += self._apply(batch, is_books)

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

    def _apply(
        self,
        batch: StreamBatch,
        is_books: bool,
        cuts: dict[str, QuoteCut | None] | None = None,
    ) -> int:
        """Apply a batch's events for wanted symbols (those a hash in `cuts` holds are skipped)."""
        now = self.clock()
        wanted, book, tap = self.wanted, self.book, self.tap
        if cuts:
            run, number = batch.run, batch.number
            wanted = {
                symbol
                for symbol in wanted
                if (cut := cuts.get(symbol)) is None or not cut.covers(run, number, is_books)
            }
        counters = book.counters
        for ref in batch.refs:
            if ref.symbol in wanted:
                book.apply_reference(ref, now)
                if tap is not None:
                    tap(ref)
        for rest_book in batch.rest_books:
            if rest_book.symbol in wanted:
                book.apply_depth(rest_book, now, Source.SNAPSHOT)  # only where nothing newer
        applied = 0
        for event in batch.events:
            if event.symbol not in wanted:
                continue
            applied += 1
            if type(event) is Tick:
                ticks = counters.ticks
                book.apply_tick(event, now)
                if tap is not None and counters.ticks != ticks:
                    tap(event)
            else:
                assert isinstance(event, DepthSnapshot)
                book.apply_depth(event, now)
                if tap is not None:
                    tap(event)
        return applied

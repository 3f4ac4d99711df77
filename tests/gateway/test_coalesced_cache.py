"""Hashes written at most every ~100 ms per symbol, yet a late joiner still gets an exact cut.

A real redis-server, the gateway's `GatewayPublisher` and a board's `GatewayReader`, driven flush
by flush with a hand-turned clock, so each step is exact and nothing depends on the machine's pace.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from desktop.domain.market_data import DepthLevel, DepthSnapshot, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.feed.gateway_reader import GatewayReader
from desktop.feed.redis_link import RedisLink
from desktop.gateway.publisher import GatewayPublisher
from desktop.protocol.gateway_wire import GatewayKeys
from tests.gateway.conftest import RedisServer

SYMBOLS = [f"S{i:02d}.US" for i in range(12)]
FLUSH_S = 0.005
T0_MS = 1_700_000_000_000


class Clock:
    """A monotonic clock the test turns by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wall_ms(self) -> int:
        """The wall clock in ms, moving with the monotonic one."""
        return T0_MS + int(self.now * 1000)


class Market:
    """The gateway side: its own book, the publisher, and a seeded stream of trades and books."""

    def __init__(self, redis: Redis, clock: Clock, hash_every_s: float) -> None:
        self.clock = clock
        self.book = QuoteBook()
        for symbol in SYMBOLS:
            self.book.track(symbol)
        self.publisher = GatewayPublisher(
            redis,
            self.book,
            "run-1",
            hash_every_s=hash_every_s,
            wall_ms=clock.wall_ms,
            clock=clock,
        )
        self.rng = random.Random(11)
        self.seq = dict.fromkeys(SYMBOLS, 0)
        self.price = dict.fromkeys(SYMBOLS, 10_000)
        self.ticks: list[Tick] = []

    async def step(self, symbols: list[str] | None = None) -> None:
        """Trades (and some books) for `symbols` (a random few by default), then one flush."""
        step_ms = self.clock.wall_ms()
        chosen = symbols if symbols is not None else self.rng.sample(SYMBOLS, 4)
        for i, symbol in enumerate(chosen):
            self.seq[symbol] += 1
            self.price[symbol] += self.rng.choice((-1, 0, 1))
            price = Decimal(self.price[symbol]) / 100
            tick = Tick(
                symbol, price, 100 * (1 + i), None, TradeSide.BUY, step_ms, self.seq[symbol]
            )
            self.book.apply_tick(tick, self.clock.now)
            self.publisher.offer(tick)
            self.ticks.append(tick)
            if self.rng.random() < 0.3:
                level = DepthLevel(price - Decimal("0.01"), 100 * self.seq[symbol])
                depth = DepthSnapshot(symbol, (level,), (), step_ms, self.seq[symbol])
                self.book.apply_depth(depth, self.clock.now)
                self.publisher.offer(depth)
        await self.publisher.flush()
        self.clock.now += FLUSH_S


class Board:
    """A headless board's reading side that records every event it applies."""

    def __init__(self, redis: Redis) -> None:
        self.book = QuoteBook()
        for symbol in SYMBOLS:
            self.book.track(symbol)
        self.tapped: list[tuple[str, int | None]] = []
        self.reader = GatewayReader(redis, self.book, tap=self._tap, block_ms=1, tail=4)
        self.reader.set_wanted(set(SYMBOLS))

    def _tap(self, event: object) -> None:
        if isinstance(event, Tick):
            self.tapped.append((event.symbol, event.seq))

    async def read_to_the_end(self) -> None:
        """Read until the streams have nothing more for this board."""
        while True:
            before = self.reader.entries
            await self.reader.step()
            if self.reader.entries == before and not self.reader.needs_join:
                return


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A client of this test's redis-server."""
    client = RedisLink.parse(redis_server.url).connect(name="test")
    yield client
    await client.aclose()


def _state(book: QuoteBook, symbol: str) -> tuple[object, ...]:
    state = book.get(symbol)
    assert state is not None
    depth = None if state.depth is None else (state.depth.seq, state.depth.bids)
    return (
        state.last,
        state.last_time_ms,
        state.last_seq,
        state.volume,
        state.high,
        state.low,
        depth,
    )


async def _hash_seqs(redis: Redis) -> dict[str, int]:
    keys = GatewayKeys()
    seqs = {}
    for symbol in SYMBOLS:
        raw = await redis.hget(keys.quote(symbol), "seq")
        seqs[symbol] = int(raw) if raw else 0
    return seqs


async def test_a_late_joiner_gets_every_update_once_though_hashes_lag_the_streams(
    redis: Redis,
) -> None:
    clock = Clock()
    market = Market(redis, clock, hash_every_s=0.1)
    for _ in range(60):
        await market.step()
    # Every symbol trades now, and hashes written a moment ago wait their turn: the cache lags.
    await market.step(SYMBOLS)
    await market.step(SYMBOLS)
    assert market.publisher.schedule.behind("trades") > 0
    in_hash = await _hash_seqs(redis)
    board = Board(redis)
    await board.reader.join()
    assert board.reader.caught_up > 0  # updates newer than their hash came from the stream
    for _ in range(3):
        for _ in range(25):
            await market.step()
        await board.read_to_the_end()
    # A second board joins after the last trade, with hashes still behind the stream.
    await market.step(SYMBOLS)
    last = Board(redis)
    await last.read_to_the_end()
    assert last.reader.caught_up > 0
    await board.read_to_the_end()

    for symbol in SYMBOLS:
        assert _state(board.book, symbol) == _state(market.book, symbol), symbol
        assert _state(last.book, symbol) == _state(market.book, symbol), symbol
    expected = [(t.symbol, t.seq) for t in market.ticks if t.seq > in_hash[t.symbol]]  # type: ignore[operator]
    assert sorted(board.tapped) == sorted(expected)  # none missing, none applied twice
    assert board.book.counters.duplicates == 0 and board.book.counters.out_of_order == 0
    assert board.reader.missed == 0 and last.reader.missed == 0


async def test_hash_writes_are_bounded_per_symbol_and_the_last_value_still_lands(
    redis: Redis,
) -> None:
    clock = Clock()
    market = Market(redis, clock, hash_every_s=0.1)
    await redis.config_resetstat()
    flushes = 400  # two seconds of a 5 ms flush, every symbol trading in every one
    for _ in range(flushes):
        await market.step(SYMBOLS)
    clock.now += 0.1  # the last changes' turn comes …
    await market.publisher.flush()  # … and the flush writes them without a new trade
    stats = await redis.info("commandstats")
    hsets = stats["cmdstat_hset"]["calls"]
    seconds = flushes * FLUSH_S + 0.1
    # One write per symbol per 100 ms (plus each symbol's first) instead of one per flush.
    assert hsets <= len(SYMBOLS) * (seconds / 0.1 + 1)
    assert hsets == market.publisher.stats.hash_writes
    assert len(market.ticks) == flushes * len(SYMBOLS)
    keys = GatewayKeys()
    for symbol in SYMBOLS:
        cached = await redis.hgetall(keys.quote(symbol))
        assert int(cached[b"seq"]) == market.seq[symbol], symbol
        assert int(cached[b"trades_n"]) == flushes

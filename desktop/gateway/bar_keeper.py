"""Keeps the bars that boards on the gateway need in Redis, fetched with the gateway's own token.

Boards have no provider token, so their sparklines, daily bars (relative volume) and charts read
`qb:bars:<SYMBOL>:<kline_type>` instead of `/kline`. For every admitted board the keeper keeps the
1-minute and daily bars of the symbols it streams, plus any (symbol, kline type) a chart asked for
(`BoardInterest.bars`). One request at a time goes through the gateway's REST client, which
spaces `/kline` calls by the plan, so keeping bars never exceeds the plan's REST limits: keys never
fetched go first (charts' asks before sparklines before daily bars), then the stalest once it is
older than `refresh_s`. Each record expires after `ttl_s`, so a stopped gateway leaves nothing
stale for long; a refused request is stored with its error (boards show it) and retried later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from desktop.domain.symbols import Symbol, SymbolError
from desktop.protocol.alltick_rest import KLINE_1M, KLINE_DAY, Bar, RestError
from desktop.protocol.gateway_wire import (
    BARS_CAP,
    BarsRecord,
    BoardInterest,
    GatewayCodec,
    GatewayKeys,
)

__all__ = ["BarFetcher", "GatewayBarKeeper"]

log = logging.getLogger(__name__)

BarKey = tuple[str, int]


class BarFetcher(Protocol):
    """The part of the REST client the keeper uses (`AllTickRestClient.klines`)."""

    async def klines(self, symbol: Symbol, kline_type: int, count: int) -> list[Bar]:
        """Up to `count` latest bars of one kline type, oldest first."""
        ...


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class GatewayBarKeeper:
    """Fetches wanted (symbol, kline type) bars one at a time and stores them with an expiry."""

    def __init__(
        self,
        redis: Redis,
        rest: BarFetcher,
        boards: Callable[[], Iterable[BoardInterest]],
        *,
        keys: GatewayKeys | None = None,
        refresh_s: float = 180.0,
        retry_s: float = 30.0,
        ttl_s: float = 900.0,
        idle_s: float = 0.5,
        cap: int = BARS_CAP,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = _wall_ms,
    ) -> None:
        self.redis = redis
        self.rest = rest
        self._boards = boards
        self.keys = keys or GatewayKeys()
        self.refresh_s = refresh_s
        """A kept key is fetched again once it is this old (the 1-minute bars move on)."""
        self.retry_s = retry_s
        """A refused or failed fetch is tried again after this long."""
        self.ttl_s = ttl_s
        self.idle_s = idle_s
        """How often the boards' interest is looked at again when nothing is due."""
        self.cap = cap
        self._clock = clock
        self._wall_ms = wall_ms
        self.codec = GatewayCodec()
        self._due: dict[BarKey, float] = {}
        """Key → when it is next fetched (absent: never fetched)."""
        self.fetched = 0
        self.refused = 0
        self.running = False

    def wanted(self) -> list[BarKey]:
        """Every key the admitted boards need, most urgent first (charts, sparklines, daily)."""
        boards = list(self._boards())
        order: dict[BarKey, None] = {}
        for interest in boards:
            order.update(
                dict.fromkeys((symbol, kline_type) for symbol, kline_type in interest.bars)
            )
        for kline_type in (KLINE_1M, KLINE_DAY):
            for interest in boards:
                order.update(dict.fromkeys((symbol, kline_type) for symbol in interest.trades))
        return list(order)

    def next_key(self, now: float) -> tuple[BarKey | None, float]:
        """The key to fetch now (None: nothing due) and, if none, how long until one is."""
        due = self._due
        soonest: tuple[BarKey | None, float] = (None, self.idle_s)
        for key in self.wanted():
            at = due.get(key)
            if at is None:
                return key, 0.0
            if at <= now and (soonest[0] is None or at < due[soonest[0]]):
                soonest = (key, 0.0)
            elif soonest[0] is None:
                soonest = (None, min(soonest[1], at - now))
        return soonest

    async def run_forever(self) -> None:
        """Keep fetching what is due; look at the boards' interest again when nothing is."""
        self.running = True
        while self.running:  # not only cancellation: redis-py may swallow a cancel
            key, wait_s = self.next_key(self._clock())
            if key is None:
                await asyncio.sleep(wait_s)  # nothing due: the schedule's own pace
                continue
            await self.keep(*key)

    def stop(self) -> None:
        """End `run_forever` after the fetch in flight."""
        self.running = False

    async def keep(self, symbol: str, kline_type: int) -> BarsRecord | None:
        """Fetch one key now and store it (or the provider's refusal); None when Redis failed."""
        now = self._clock()
        try:
            bars = await self.rest.klines(Symbol.parse(symbol), kline_type, self.cap)
            record = BarsRecord(symbol, kline_type, self._wall_ms(), bars[-self.cap :])
            self._due[(symbol, kline_type)] = now + self.refresh_s
            self.fetched += 1
        except (RestError, SymbolError) as exc:
            error, ret = (exc.msg, exc.ret) if isinstance(exc, RestError) else (str(exc), 0)
            record = BarsRecord(symbol, kline_type, self._wall_ms(), error=error, ret=ret)
            self._due[(symbol, kline_type)] = now + self.retry_s
            self.refused += 1
            log.info("gateway: no bars of type %d for %s: %s", kline_type, symbol, exc)
        try:
            await self.redis.set(
                self.keys.bars(symbol, kline_type),
                self.codec.encode(record),
                px=int(self.ttl_s * 1000),
            )
        except (RedisError, OSError) as exc:
            self._due[(symbol, kline_type)] = now + self.retry_s
            log.warning("gateway: cannot store bars in Redis (%s)", exc)
            return None
        return record

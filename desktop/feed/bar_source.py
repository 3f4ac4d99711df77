"""Where the history fetchers get bars: the provider's REST API, or the desk gateway's bar cache.

`IntradayHistory`, `DailyHistory` and `ChartHistory` ask a `BarSource` for klines and never care
which one it is: `AllTickRestClient` (a board with its own token) or `GatewayBars` (a board on the
desk gateway, which has none). A source raises `RestError` when the bars cannot be had (the
fetchers count and show it) and `HistoryNotReady` when they are not there *yet*: the fetchers ask
again later.

On the gateway, bars live in `qb:bars:<SYMBOL>:<kline_type>` (`GatewayBarKeeper` fetches and
refreshes them). The 1-minute and daily bars of every streamed symbol are kept without asking;
any other (symbol, kline type) — a chart's timeframe, a chart of a symbol no list streams — is
asked for through the board's interest, the newest `limit` of them. A refusal the gateway stored
is raised as the provider's `RestError`, so the board shows the sentence it would show on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Protocol

from desktop.domain.symbols import Symbol
from desktop.protocol.alltick_rest import Bar, RestError
from desktop.protocol.gateway_wire import DEFAULT_KLINE_TYPES, GatewayCodec, GatewayKeys

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["BarSource", "GatewayBars", "HistoryNotReady"]


class HistoryNotReady(Exception):
    """The bars are not available yet but will be: ask again after a while."""


class BarSource(Protocol):
    """Something that answers kline requests (REST directly, or the desk gateway's cache)."""

    async def klines(self, symbol: Symbol, kline_type: int, count: int) -> list[Bar]:
        """Up to `count` latest bars of one kline type, oldest first."""
        ...


class GatewayBars:
    """`BarSource` of a board on the desk gateway: the bars the gateway keeps in Redis."""

    def __init__(
        self,
        redis: Redis,
        keys: GatewayKeys,
        streamed: Callable[[], Collection[str]],
        on_wanted: Callable[[], None],
        *,
        limit: int = 32,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._streamed = streamed
        """The symbols the board streams: their 1-minute and daily bars need no asking."""
        self._on_wanted = on_wanted
        """Called when `wanted()` changed (the board rewrites its interest)."""
        self.limit = limit
        self._wanted: dict[tuple[str, int], None] = {}
        self.codec = GatewayCodec()
        self.not_ready = 0
        """Requests answered "not yet" (the fetchers asked again later)."""

    def wanted(self) -> list[tuple[str, int]]:
        """The (symbol, kline type) bars this board asks the gateway to keep, oldest ask first."""
        return list(self._wanted)

    def want(self, symbol: str, kline_type: int) -> None:
        """Ask the gateway to keep these bars, unless streaming the symbol implies them."""
        key = (symbol, kline_type)
        if key in self._wanted or (
            kline_type in DEFAULT_KLINE_TYPES and symbol in self._streamed()
        ):
            return
        self._wanted[key] = None
        while len(self._wanted) > self.limit:
            del self._wanted[next(iter(self._wanted))]
        self._on_wanted()

    async def klines(self, symbol: Symbol, kline_type: int, count: int) -> list[Bar]:
        """Up to `count` latest bars the gateway keeps; `HistoryNotReady` while it has none."""
        from redis.exceptions import RedisError  # loaded already: the client in hand is redis-py's

        code = str(symbol)
        self.want(code, kline_type)
        try:
            raw: bytes | None = await self._redis.get(self._keys.bars(code, kline_type))  # type: ignore[assignment]
        except (RedisError, OSError) as exc:
            self.not_ready += 1
            raise HistoryNotReady(f"the desk gateway's Redis is unreachable ({exc})") from exc
        record = self.codec.bars(raw)
        if record is None:
            self.not_ready += 1
            raise HistoryNotReady(f"the desk gateway has not fetched {code}'s bars yet")
        if record.error:
            raise RestError(record.ret, f"the desk gateway could not fetch them: {record.error}")
        return record.bars[-count:] if count > 0 else []

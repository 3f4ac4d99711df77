"""Daily bars over REST for relative volume and the 52-week range, one symbol at a time.

Requests go through the feed's bar source: the shared REST client, which spaces `/kline` calls by
the plan's limit, or the desk gateway's cache (bars not ready yet are asked again later). The REST
client's pace is shared (together with the intraday history worker that uses the same endpoint), so
a 40-symbol list is fetched in 40 paced requests, never a burst; built `after` the intraday worker,
it waits while sparklines are still being seeded, so the rows fill first. Each symbol is fetched
once per feed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from desktop.domain.daily_stats import DailyBar, DailyStats, daily_stats
from desktop.domain.formatting import local_day, market_of
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.bar_source import BarSource, HistoryNotReady
from desktop.feed.redact import redact
from desktop.feed.rest_queue import RestQueueWorker
from desktop.protocol.alltick_rest import KLINE_DAY, RestError

__all__ = ["DAILY_BARS", "DailyHistory"]

log = logging.getLogger(__name__)

DAILY_BARS = 260
"""Bars asked for per symbol: 52 weeks of sessions (and the 20-day average within them)."""


class DailyHistory(RestQueueWorker[str]):
    """Fetches daily bars per queued symbol and reports `DailyStats` through `on_stats`."""

    def __init__(
        self,
        rest: BarSource | None,
        on_stats: Callable[[str, DailyStats], None],
        *,
        count: int = DAILY_BARS,
        clock: Callable[[], float] = time.time,
        after: RestQueueWorker[str] | None = None,
    ) -> None:
        super().__init__(rest, after=after)
        self._on_stats = on_stats
        self._count = count
        self._clock = clock
        self._done: set[str] = set()
        self.fetched = 0
        self.failures = 0

    def set_rest(self, rest: BarSource | None) -> None:
        """Fetch through another feed's bar source from now on (stop the worker first)."""
        self._use_rest(rest)
        self._done.clear()

    def request(self, symbols: Iterable[str]) -> None:
        """Queue the symbols not fetched yet for this feed."""
        for symbol in symbols:
            if symbol not in self._done:
                self._enqueue(symbol, first=False)

    async def _work(self, key: str) -> DailyStats | None:
        return await self.fetch(key)

    async def fetch(self, symbol: str) -> DailyStats | None:
        """Fetch one symbol's bars now and report its stats; None (logged) when that failed."""
        if self._rest is None:
            return None
        try:
            parsed = Symbol.parse(symbol)
        except SymbolError as exc:
            log.warning("no daily bars for %s: %s", symbol, exc)
            return None
        try:
            bars = await self._rest.klines(parsed, KLINE_DAY, self._count)
        except HistoryNotReady:
            self._retry_later(symbol)
            return None
        except RestError as exc:
            self.failures += 1
            log.warning("%s", redact(f"daily bars for {symbol}: {exc}"))
            return None
        market = market_of(symbol)
        today = local_day(market, self._clock())
        stats = daily_stats(
            [DailyBar(b.timestamp, b.open, b.high, b.low, b.close, b.volume) for b in bars],
            market,
            today,
        )
        self._done.add(symbol)
        self.fetched += 1
        self._on_stats(symbol, stats)
        return stats

"""Daily bars over REST for relative volume and the 52-week range, one symbol at a time.

Requests go through the feed's shared REST client, which spaces `/kline` calls by the plan's
limit (together with the intraday history worker that uses the same endpoint), so a 40-symbol
list is fetched in 40 paced requests, never a burst. Each symbol is fetched once per feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable

from desktop.domain.daily_stats import DailyBar, DailyStats, daily_stats
from desktop.domain.formatting import local_day, market_of
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.redact import redact
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.alltick_rest import RestError

__all__ = ["DAILY_BARS", "DailyHistory"]

log = logging.getLogger(__name__)

DAILY_BARS = 260
"""Bars asked for per symbol: 52 weeks of sessions (and the 20-day average within them)."""


class DailyHistory:
    """Fetches daily bars per queued symbol and reports `DailyStats` through `on_stats`."""

    def __init__(
        self,
        rest: AllTickRestClient | None,
        on_stats: Callable[[str, DailyStats], None],
        *,
        count: int = DAILY_BARS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._rest = rest
        self._on_stats = on_stats
        self._count = count
        self._clock = clock
        self._queue: deque[str] = deque()
        self._done: set[str] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.fetched = 0
        self.failures = 0

    def set_rest(self, rest: AllTickRestClient | None) -> None:
        """Fetch through another feed's client from now on (stop the worker first)."""
        self._rest = rest
        self._queue.clear()
        self._done.clear()

    def request(self, symbols: Iterable[str]) -> None:
        """Queue the symbols not fetched yet for this feed."""
        for symbol in symbols:
            if symbol not in self._done and symbol not in self._queue:
                self._queue.append(symbol)
        if self._queue:
            self._wake.set()

    def pending(self) -> list[str]:
        """Symbols still waiting, next first."""
        return list(self._queue)

    def start(self) -> None:
        """Start the worker on the running loop (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the worker; a request in flight is cancelled."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            if not self._queue or self._rest is None:
                self._wake.clear()
                await self._wake.wait()
                continue
            await self.fetch(self._queue.popleft())

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
            bars = await self._rest.daily_history(parsed, self._count)
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

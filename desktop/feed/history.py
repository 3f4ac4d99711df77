"""Today's history from REST 1-minute klines, so sparklines and charts start full, not empty.

One worker fetches one symbol at a time through the shared, plan-paced REST client: the whole
watchlist at start-up, and a symbol whose chart was just opened ahead of the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable

from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.sparklines import SparklineStore
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.redact import redact
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.alltick_rest import RestError

__all__ = ["HISTORY_MINUTES", "IntradayHistory"]

log = logging.getLogger(__name__)

HISTORY_MINUTES = 400
"""Bars asked for per symbol: a whole US regular session (390 minutes) and then some."""


class IntradayHistory:
    """Seeds a `SparklineStore` and a `MinuteBarStore` from REST, one queued symbol at a time."""

    def __init__(
        self,
        rest: AllTickRestClient | None,
        sparklines: SparklineStore,
        bars: MinuteBarStore,
        *,
        minutes: int = HISTORY_MINUTES,
        clock: Callable[[], float] = time.time,
        on_seeded: Callable[[str], None] | None = None,
    ) -> None:
        self._rest = rest
        self._sparklines = sparklines
        self._bars = bars
        self._minutes = minutes
        self._clock = clock
        self._on_seeded = on_seeded or (lambda symbol: None)
        self._queue: deque[str] = deque()
        self._done: set[str] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.seeded = 0
        self.failures = 0
        self.last_error = ""

    def set_rest(self, rest: AllTickRestClient | None) -> None:
        """Fetch through another feed's REST client from now on; forget what was seeded before
        (stop the worker first: requests in flight use the old client)."""
        self._rest = rest
        self._queue.clear()
        self._done.clear()

    def request(self, symbols: Iterable[str], *, urgent: bool = False) -> None:
        """Queue symbols not seeded yet; `urgent` puts them first (a chart is waiting)."""
        for symbol in symbols:
            if symbol in self._done and not urgent:
                continue
            if symbol in self._queue:
                if not urgent:
                    continue
                self._queue.remove(symbol)
            if urgent:
                self._queue.appendleft(symbol)
            else:
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
            await self.seed(self._queue.popleft())

    async def seed(self, symbol: str) -> bool:
        """Fetch and merge one symbol's bars now; False (logged, counted) when that failed."""
        try:
            parsed = Symbol.parse(symbol)
        except SymbolError as exc:
            log.warning("no history for %s: %s", symbol, exc)
            return False
        if self._rest is None:
            return False
        asked_at = self._clock()
        try:
            rest_bars = await self._rest.minute_bars(parsed, self._minutes)
        except RestError as exc:
            self.failures += 1
            self.last_error = redact(f"history for {symbol}: {exc}")  # shown in the chart
            log.warning("%s", self.last_error)
            return False
        bars = [
            MinuteBar(
                b.timestamp, float(b.open), float(b.high), float(b.low), float(b.close), b.volume
            )
            for b in rest_bars
        ]
        self._bars.seed(symbol, bars)
        self._sparklines.seed(symbol, ((b.start_s, b.close) for b in bars), asked_at)
        self._done.add(symbol)
        self.seeded += 1
        self._on_seeded(symbol)
        return True

"""Chart history at every timeframe from REST klines, one request at a time, newest ask first.

A chart switching to 15 m asks for that symbol's 15-minute klines: 500 bars, the most one
`/kline` answer holds (reference §1.10; stocks take no `kline_timestamp_end`, so there is no
older page to ask for). Requests go through the shared plan-paced REST client, so switching
through every timeframe stays within the plan's rate. Answers are kept for a while, so flipping
back to a timeframe is instant.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable

from desktop.domain.chart_series import Timeframe
from desktop.domain.minute_bars import MinuteBar
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.redact import redact
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.alltick_rest import MAX_KLINES, RestError

__all__ = ["CHART_BARS", "ChartHistory"]

log = logging.getLogger(__name__)

CHART_BARS = MAX_KLINES
"""Bars asked for per (symbol, timeframe)."""
_KEEP_S = 300.0
"""How long a fetched history is reused before it is asked again."""

Key = tuple[str, Timeframe]


class ChartHistory:
    """Fetches (symbol, timeframe) klines for charts and hands them to `on_loaded`."""

    def __init__(
        self,
        rest: AllTickRestClient | None,
        on_loaded: Callable[[str, Timeframe, list[MinuteBar]], None],
        *,
        bars: int = CHART_BARS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rest = rest
        self._on_loaded = on_loaded
        self._bars = bars
        self._clock = clock
        self._queue: deque[Key] = deque()
        self._cache: dict[Key, tuple[float, list[MinuteBar]]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.fetched = 0
        self.failures = 0
        self.last_error = ""

    def set_rest(self, rest: AllTickRestClient | None) -> None:
        """Another feed: fetch through its client and forget what the old one answered."""
        self._rest = rest
        self._queue.clear()
        self._cache.clear()

    def request(self, symbol: str, timeframe: Timeframe) -> None:
        """Deliver this history: at once when recently fetched, else first in the queue."""
        key = (symbol, timeframe)
        cached = self._cache.get(key)
        if cached is not None and self._clock() - cached[0] < _KEEP_S:
            self._on_loaded(symbol, timeframe, cached[1])
            return
        if key in self._queue:
            self._queue.remove(key)
        self._queue.appendleft(key)
        self._wake.set()

    def pending(self) -> list[Key]:
        """Requests still waiting, next first."""
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
            symbol, timeframe = self._queue.popleft()
            await self.fetch(symbol, timeframe)

    async def fetch(self, symbol: str, timeframe: Timeframe) -> list[MinuteBar] | None:
        """Fetch one history now and deliver it; None (logged, counted) when that failed."""
        rest = self._rest
        if rest is None:
            return None
        try:
            parsed = Symbol.parse(symbol)
            answer = await rest.klines(parsed, timeframe.kline_type, self._bars)
        except (RestError, SymbolError) as exc:
            self.failures += 1
            self.last_error = f"{timeframe.label} bars for {symbol}: {exc}"
            log.warning("%s", redact(self.last_error))
            return None
        bars = [
            MinuteBar(
                b.timestamp, float(b.open), float(b.high), float(b.low), float(b.close), b.volume
            )
            for b in answer
            if b.close > 0
        ]
        self._cache[(symbol, timeframe)] = (self._clock(), bars)
        self.fetched += 1
        self._on_loaded(symbol, timeframe, bars)
        return bars

"""Chart history at every timeframe from REST klines, one request at a time, newest ask first.

A chart switching to 15 m asks for that symbol's 15-minute klines: 500 bars, the most one `/kline`
answer holds (reference §1.10; stocks take no `kline_timestamp_end`, so there is no older page to
ask for). Requests go through the feed's bar source: the shared plan-paced REST client, so switching
through every timeframe stays within the plan's rate, or the desk gateway's cache, which is asked
again later while the gateway has not fetched that timeframe yet. Answers are kept for a while, so
flipping back to a timeframe is instant.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from desktop.domain.chart_series import Timeframe
from desktop.domain.minute_bars import MinuteBar
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.bar_source import BarSource, HistoryNotReady
from desktop.feed.redact import redact
from desktop.feed.rest_queue import RestQueueWorker
from desktop.protocol.alltick_rest import MAX_KLINES, RestError

__all__ = ["CHART_BARS", "ChartHistory"]

log = logging.getLogger(__name__)

CHART_BARS = MAX_KLINES
"""Bars asked for per (symbol, timeframe)."""
_KEEP_S = 300.0
"""How long a fetched history is reused before it is asked again."""

Key = tuple[str, Timeframe]


class ChartHistory(RestQueueWorker[Key]):
    """Fetches (symbol, timeframe) klines for charts and hands them to `on_loaded`."""

    def __init__(
        self,
        rest: BarSource | None,
        on_loaded: Callable[[str, Timeframe, list[MinuteBar]], None],
        *,
        bars: int = CHART_BARS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(rest)
        self._on_loaded = on_loaded
        self._bars = bars
        self._clock = clock
        self._cache: dict[Key, tuple[float, list[MinuteBar]]] = {}
        self.fetched = 0
        self.failures = 0
        self.last_error = ""

    def set_rest(self, rest: BarSource | None) -> None:
        """Another feed: fetch through its bar source and forget what the old one answered."""
        self._use_rest(rest)
        self._cache.clear()

    def request(self, symbol: str, timeframe: Timeframe) -> None:
        """Deliver this history: at once when recently fetched, else first in the queue."""
        key = (symbol, timeframe)
        cached = self._cache.get(key)
        if cached is not None and self._clock() - cached[0] < _KEEP_S:
            self._on_loaded(symbol, timeframe, cached[1])
            return
        self._enqueue(key, first=True)

    async def _work(self, key: Key) -> list[MinuteBar] | None:
        return await self.fetch(*key)

    async def fetch(self, symbol: str, timeframe: Timeframe) -> list[MinuteBar] | None:
        """Fetch one history now and deliver it; None (logged, counted) when that failed."""
        rest = self._rest
        if rest is None:
            return None
        try:
            parsed = Symbol.parse(symbol)
            answer = await rest.klines(parsed, timeframe.kline_type, self._bars)
        except HistoryNotReady:
            self._retry_later((symbol, timeframe))
            return None
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

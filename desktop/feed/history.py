"""Today's history from REST 1-minute klines, so sparklines and charts start full, not empty.

One worker fetches one symbol at a time through the feed's bar source (the shared, plan-paced REST
client, or the desk gateway's cache): the whole watchlist at start-up, and a symbol whose chart
was just opened ahead of the queue. Bars not ready yet (the gateway is still fetching) are asked
again later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.sparklines import SparklineStore
from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.bar_source import BarSource, HistoryNotReady
from desktop.feed.redact import redact
from desktop.feed.rest_queue import RestQueueWorker
from desktop.protocol.alltick_rest import KLINE_1M, RestError

__all__ = ["HISTORY_MINUTES", "IntradayHistory"]

log = logging.getLogger(__name__)

HISTORY_MINUTES = 400
"""Bars asked for per symbol: a whole US regular session (390 minutes) and then some."""


class IntradayHistory(RestQueueWorker[str]):
    """Seeds a `SparklineStore` and a `MinuteBarStore` from REST, one queued symbol at a time."""

    def __init__(
        self,
        rest: BarSource | None,
        sparklines: SparklineStore,
        bars: MinuteBarStore,
        *,
        minutes: int = HISTORY_MINUTES,
        clock: Callable[[], float] = time.time,
        on_seeded: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(rest)
        self._sparklines = sparklines
        self._bars = bars
        self._minutes = minutes
        self._clock = clock
        self._on_seeded = on_seeded or (lambda symbol: None)
        self._done: set[str] = set()
        self.seeded = 0
        self.failures = 0
        self.last_error = ""

    def set_rest(self, rest: BarSource | None) -> None:
        """Fetch through another feed's bar source from now on; forget what was seeded before
        (stop the worker first: requests in flight use the old source)."""
        self._use_rest(rest)
        self._done.clear()

    def request(self, symbols: Iterable[str], *, urgent: bool = False) -> None:
        """Queue symbols not seeded yet; `urgent` puts them first (a chart is waiting)."""
        for symbol in symbols:
            if symbol in self._done and not urgent:
                continue
            self._enqueue(symbol, first=urgent)

    async def _work(self, key: str) -> bool:
        return await self.seed(key)

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
            rest_bars = await self._rest.klines(parsed, KLINE_1M, self._minutes)
        except HistoryNotReady:
            self._retry_later(symbol)
            return False
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

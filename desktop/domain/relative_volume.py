"""Keeps every symbol's "usual volume by now" current as trades arrive, for relative volume.

A trade listener of the book: once per symbol per minute it works out the usual volume by the time
of the trade (`daily_stats.usual_volume_by`) and hands it to the book. On a feed that trades around
the clock (the demo, a replay) each symbol's session counts from the day's first trade, which
`first_trade_ms` looks up (today's first minute bar).
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.domain.daily_stats import DailyStats, usual_volume_by
from desktop.domain.formatting import market_of
from desktop.domain.market_data import Tick
from desktop.domain.quote_book import QuoteBook

__all__ = ["RelativeVolume"]


class RelativeVolume:
    """Daily stats per symbol plus the minute each symbol's usual volume was last worked out."""

    def __init__(
        self,
        book: QuoteBook,
        first_trade_ms: Callable[[str], int | None] | None = None,
    ) -> None:
        self._book = book
        self._first_trade_ms = first_trade_ms
        self.around_the_clock = False
        self._stats: dict[str, DailyStats] = {}
        self._minute: dict[str, int] = {}

    def reset(self, around_the_clock: bool) -> None:
        """Another feed starts: forget the stats; count sessions from the first trade or not."""
        self.around_the_clock = around_the_clock
        self._stats.clear()
        self._minute.clear()

    def set_stats(self, symbol: str, stats: DailyStats) -> None:
        """Daily stats arrived for `symbol`: the book gets them, the usual volume is redone."""
        self._stats[symbol] = stats
        self._book.apply_daily(symbol, stats.avg_volume, stats.year_high, stats.year_low)
        state = self._book.get(symbol)
        if state is not None and state.last_time_ms is not None:
            self._update(symbol, state.last_time_ms)

    def stats(self, symbol: str) -> DailyStats | None:
        """The daily stats known for `symbol`."""
        return self._stats.get(symbol)

    def on_trade(self, tick: Tick) -> None:
        """Per trade: cheap unless the minute changed for this symbol."""
        symbol = str(tick.symbol)
        if self._minute.get(symbol) != tick.ts_ms // 60_000:
            self._update(symbol, tick.ts_ms)

    def usual_by(self, symbol: str, ts_ms: int) -> float | None:
        """Shares `symbol` usually has traded by `ts_ms`."""
        first = None
        if self.around_the_clock and self._first_trade_ms is not None:
            first = self._first_trade_ms(symbol)
            if first is None:
                first = ts_ms
        return usual_volume_by(self._stats.get(symbol), market_of(symbol), ts_ms, first)

    def _update(self, symbol: str, ts_ms: int) -> None:
        self._minute[symbol] = ts_ms // 60_000
        self._book.set_usual_volume(symbol, self.usual_by(symbol, ts_ms))

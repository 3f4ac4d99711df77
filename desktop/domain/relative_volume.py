"""Keeps every symbol's "usual volume by now" current as trades arrive, for relative volume.

A trade listener of the book: once per symbol per minute it works out the usual volume by the time
of the trade (`daily_stats.usual_volume_by`) and hands it to the book. On a feed that trades around
the clock it counts each symbol's session from the day's first trade it knows of.
"""

from __future__ import annotations

from desktop.domain.daily_stats import DailyStats, usual_volume_by
from desktop.domain.formatting import local_day, market_of
from desktop.domain.market_data import Tick
from desktop.domain.quote_book import QuoteBook

__all__ = ["RelativeVolume"]


class RelativeVolume:
    """Daily stats per symbol plus the minute each symbol's usual volume was last worked out."""

    def __init__(self, book: QuoteBook, around_the_clock: bool = False) -> None:
        self._book = book
        self.around_the_clock = around_the_clock
        self._stats: dict[str, DailyStats] = {}
        self._minute: dict[str, int] = {}
        self._first: dict[str, tuple[int, int]] = {}
        """symbol → (local day, first trade ms) for around-the-clock feeds."""

    def clear(self, around_the_clock: bool) -> None:
        """Another feed: forget the stats and first trades."""
        self.around_the_clock = around_the_clock
        self._stats.clear()
        self._minute.clear()
        self._first.clear()

    def set_stats(self, symbol: str, stats: DailyStats) -> None:
        """Daily stats arrived for `symbol`: the book gets them, the usual volume is redone."""
        self._stats[symbol] = stats
        self._book.apply_daily(symbol, stats.avg_volume, stats.year_high, stats.year_low)
        self._minute.pop(symbol, None)
        state = self._book.get(symbol)
        if state is not None and state.last_time_ms is not None:
            self._update(symbol, state.last_time_ms)

    def stats(self, symbol: str) -> DailyStats | None:
        """The daily stats known for `symbol`."""
        return self._stats.get(symbol)

    def note_day_start(self, symbol: str, first_ms: int) -> None:
        """The day's first trade was earlier than any seen (REST history of today arrived)."""
        day = local_day(market_of(symbol), first_ms / 1000)
        known = self._first.get(symbol)
        if known is None or known[0] != day or first_ms < known[1]:
            self._first[symbol] = (day, first_ms)
            self._minute.pop(symbol, None)

    def day_first_ms(self, symbol: str) -> int | None:
        """The day's first trade time used on an around-the-clock feed (None otherwise)."""
        known = self._first.get(symbol)
        return known[1] if known is not None and self.around_the_clock else None

    def on_trade(self, tick: Tick) -> None:
        """Per trade: cheap unless the minute changed for this symbol."""
        symbol = str(tick.symbol)
        minute = tick.ts_ms // 60_000
        if self._minute.get(symbol) == minute:
            return
        if self.around_the_clock:
            day = local_day(market_of(symbol), tick.ts_ms / 1000)
            known = self._first.get(symbol)
            if known is None or known[0] != day:
                self._first[symbol] = (day, tick.ts_ms)
        self._update(symbol, tick.ts_ms)

    def usual_by(self, symbol: str, ts_ms: int) -> float | None:
        """Shares `symbol` usually has traded by `ts_ms`."""
        return usual_volume_by(
            self._stats.get(symbol), market_of(symbol), ts_ms, self.day_first_ms(symbol)
        )

    def _update(self, symbol: str, ts_ms: int) -> None:
        self._minute[symbol] = ts_ms // 60_000
        self._book.set_usual_volume(symbol, self.usual_by(symbol, ts_ms))

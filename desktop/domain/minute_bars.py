"""One-minute OHLCV bars of today's session per symbol, built from trades and seeded from REST.

Charts draw them and the volume-anomaly alert reads their volumes. A trade updates the open bar in
place (a few list writes); a bar is appended once a minute. REST bars are the provider's own record,
so when they arrive they replace what the app built for the minutes they fully cover. Where the
feed was not listening (`Outages`, from the gap ledger) the bars are only what was heard: the
shares the day bar later says were missed are never folded into the bar after the outage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from desktop.domain.formatting import local_day, local_day_end, market_of
from desktop.domain.market_data import Tick
from desktop.domain.outages import Outages
from desktop.domain.symbols import Market

__all__ = ["BarArrays", "MinuteBar", "MinuteBarStore"]

MAX_BARS = 1440
"""A whole day of minutes: more than any session (US extended hours included)."""
_LATE_SEARCH = 5
"""How many bars back a late trade may still land in."""

# Indexes into a bar list [minute, open, high, low, close, volume]: lists are the cheapest mutable
# record to update per trade.
_M, _O, _H, _L, _C, _V = range(6)


class MinuteBar(NamedTuple):
    """One minute: its start (epoch seconds), prices, and shares traded."""

    start_s: int
    open: float
    high: float
    low: float
    close: float
    volume: int


class BarArrays(NamedTuple):
    """Bars as columns for drawing; the last one may still be running."""

    start_s: npt.NDArray[np.float64]
    open: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    low: npt.NDArray[np.float64]
    close: npt.NDArray[np.float64]
    volume: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.start_s.size)


class _Series:
    __slots__ = ("bars", "day", "day_end", "market", "version", "volume")

    def __init__(self, market: Market) -> None:
        self.market = market
        self.bars: list[list[float]] = []
        self.day = -1
        self.day_end = 0
        """Epoch second today's session ends on the market's calendar (local midnight)."""
        self.volume = 0
        """Shares in `bars` (the session so far, as far as the app has seen it)."""
        self.version = 0


class MinuteBarStore:
    """Today's one-minute bars of every symbol that traded or was seeded."""

    def __init__(self, max_bars: int = MAX_BARS, outages: Outages | None = None) -> None:
        self.max_bars = max_bars
        self.outages = outages or Outages()
        """Where the feed was not listening: charts break their bars there."""
        self._series: dict[str, _Series] = {}
        self._retired: dict[str, int] = {}
        """Versions of forgotten series, so a symbol's next series never reuses a version."""

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._series

    def forget(self, symbol: str) -> None:
        """Drop a symbol nobody shows any more."""
        series = self._series.pop(symbol, None)
        if series is not None:
            self._retired[symbol] = series.version + 1  # "no bars" is a new version

    def clear(self) -> None:
        """Forget every symbol's bars (another feed starts)."""
        for symbol in list(self._series):
            self.forget(symbol)

    def _get(self, symbol: str) -> _Series:
        series = self._series.get(symbol)
        if series is None:
            series = self._series[symbol] = _Series(market_of(symbol))
            series.version = self._retired.pop(symbol, 0)
        return series

    # -- writing ------------------------------------------------------------------------------
    def add_trade(self, tick: Tick) -> None:
        """Fold one trade into its minute (see `add`)."""
        self.add(tick.symbol, float(tick.price), tick.volume, tick.ts_ms)

    def add(self, symbol: str, price: float, volume: int, ts_ms: int) -> None:
        """Fold one trade into its minute (called per tick: keep it short)."""
        series = self._series.get(symbol) or self._get(symbol)
        minute = ts_ms // 60_000
        bars = series.bars
        if bars and bars[-1][_M] == minute:
            bar = bars[-1]
            if price > bar[_H]:
                bar[_H] = price
            elif price < bar[_L]:
                bar[_L] = price
            bar[_C] = price
            bar[_V] += volume
        elif not bars or minute > bars[-1][_M]:
            if minute * 60 >= series.day_end:  # a new exchange day: a new session
                bars.clear()
                series.day = local_day(series.market, minute * 60)
                series.day_end = local_day_end(series.market, minute * 60)
                series.volume = 0
            bars.append([minute, price, price, price, price, volume])
            if len(bars) > self.max_bars:
                series.volume -= int(bars.pop(0)[_V])
        else:
            for bar in bars[-1 : -_LATE_SEARCH - 1 : -1]:
                if bar[_M] == minute:  # a late print: its volume and range count, not its close
                    bar[_H] = max(bar[_H], price)
                    bar[_L] = min(bar[_L], price)
                    bar[_V] += volume
                    break
            else:
                return
        series.volume += volume
        series.version += 1

    def seed(self, symbol: str, bars: Iterable[MinuteBar]) -> int:
        """Merge REST bars in; returns how many minutes they filled or replaced.

        Minutes before the newest REST bar take the REST bar as it is. The newest one was still
        running when fetched, so it is merged with what the app built since (range widened, the
        later close, the larger volume). Bars of an earlier exchange day than the newest are ignored.
        """
        series = self._get(symbol)
        rest = sorted((b for b in bars if b.close > 0), key=lambda b: b.start_s)
        if not rest:
            return 0
        day = local_day(series.market, rest[-1].start_s)
        if series.bars and series.day > day:
            return 0  # the line already moved on to a newer session
        if series.day != day:
            series.bars.clear()
            series.day = day
            series.day_end = local_day_end(series.market, rest[-1].start_s)
        by_minute = {int(bar[_M]): bar for bar in series.bars}
        newest = rest[-1].start_s // 60
        used = 0
        for bar in rest:
            if local_day(series.market, bar.start_s) != day:
                continue
            minute = bar.start_s // 60
            fresh = [minute, bar.open, bar.high, bar.low, bar.close, bar.volume]
            live = by_minute.get(minute)
            if minute == newest and live is not None:
                fresh[_H] = max(bar.high, live[_H])
                fresh[_L] = min(bar.low, live[_L])
                fresh[_C] = live[_C]
                fresh[_V] = max(bar.volume, live[_V])
            by_minute[minute] = fresh
            used += 1
        series.bars = [by_minute[m] for m in sorted(by_minute)][-self.max_bars :]
        series.volume = int(sum(bar[_V] for bar in series.bars))
        series.version += 1
        return used

    # -- reading ------------------------------------------------------------------------------
    def version(self, symbol: str) -> int:
        """Changes so far to `symbol`'s bars (0 when unknown)."""
        series = self._series.get(symbol)
        return self._retired.get(symbol, 0) if series is None else series.version

    def bars(self, symbol: str) -> list[MinuteBar]:
        """Today's bars oldest first (the last may still be running)."""
        series = self._series.get(symbol)
        if series is None:
            return []
        return [
            MinuteBar(int(b[_M]) * 60, b[_O], b[_H], b[_L], b[_C], int(b[_V])) for b in series.bars
        ]

    def arrays(self, symbol: str) -> BarArrays:
        """Today's bars as NumPy columns (empty when unknown)."""
        series = self._series.get(symbol)
        if series is None or not series.bars:
            empty = np.empty(0, dtype=np.float64)
            return BarArrays(empty, empty, empty, empty, empty, empty)
        table = np.array(series.bars, dtype=np.float64)
        return BarArrays(
            table[:, _M] * 60, table[:, _O], table[:, _H], table[:, _L], table[:, _C], table[:, _V]
        )

    def close_at(self, symbol: str, epoch_s: float) -> float | None:
        """Close of the bar covering `epoch_s` (the latest before it when that minute is empty)."""
        series = self._series.get(symbol)
        if series is None:
            return None
        minute = int(epoch_s // 60)
        for bar in reversed(series.bars):
            if bar[_M] <= minute:
                return bar[_C]
        return None

    def minutes(self, symbol: str) -> int:
        """How many minute bars `symbol` has today."""
        series = self._series.get(symbol)
        return 0 if series is None else len(series.bars)

    def first_minute_ms(self, symbol: str) -> int | None:
        """Start (epoch ms) of the symbol's first bar today, or None without bars."""
        series = self._series.get(symbol)
        if series is None or not series.bars:
            return None
        return int(series.bars[0][_M]) * 60_000

    def session_volume(self, symbol: str) -> tuple[int, int]:
        """(shares, minutes with trades) of the session so far."""
        series = self._series.get(symbol)
        if series is None:
            return 0, 0
        return series.volume, len(series.bars)

    def volume_since(self, symbol: str, start_s: float) -> tuple[int, int]:
        """(shares, minutes with trades) in the bars starting at or after `start_s`."""
        series = self._series.get(symbol)
        if series is None:
            return 0, 0
        first = int(start_s // 60)
        shares = minutes = 0
        for bar in reversed(series.bars):
            if bar[_M] < first:
                break
            shares += int(bar[_V])
            minutes += 1
        return shares, minutes

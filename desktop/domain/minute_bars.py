"""One-minute OHLCV bars of today's session per symbol, built from trades and seeded from REST.

Charts draw them and the volume-anomaly alert reads their volumes. A symbol's finished bars live in
compact NumPy columns (`BarColumns`: prices as int32 steps, 22 bytes a bar), grown by doubling and
never past a day, so a seeded day of 400 bars costs ≈ 9 KB instead of thousands of Python objects.
The running bar is kept as plain attributes: a trade updates it in place (a few attribute writes)
and it is committed to the columns once a minute. REST bars are the provider's own record, so when
they arrive they replace what the app built for the minutes they fully cover. Where the feed was not
listening (`Outages`, from the gap ledger) the bars are only what was heard: the shares the day bar
later says were missed are never folded into the bar after the outage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from desktop.domain.bar_columns import BarColumns
from desktop.domain.formatting import local_day, local_day_end, market_of
from desktop.domain.market_data import Tick
from desktop.domain.outages import Outages
from desktop.domain.symbols import Market

__all__ = ["BarArrays", "MinuteBar", "MinuteBarStore"]

MAX_BARS = 1440
"""A whole day of minutes: more than any session (US extended hours included)."""
_LATE_SEARCH = 5
"""How many bars back a late trade may still land in."""
_SLACK = 16
"""Spare rows after seeding, and the first capacity of a series that starts live."""

_Row = tuple[int, float, float, float, float, float]
"""(minute, open, high, low, close, volume): a bar while seeding merges it."""


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
    """One symbol's finished bars (compact columns, oldest first) and its running bar."""

    __slots__ = (
        "bars",
        "close",
        "day",
        "day_end",
        "high",
        "low",
        "market",
        "minute",
        "open",
        "version",
        "volume",
        "vol",
    )

    def __init__(self, market: Market, max_bars: int) -> None:
        self.market = market
        self.bars = BarColumns(max_bars, _SLACK)
        """The finished bars, minutes ascending."""
        self.minute = -1
        """Minute number of the running (newest) bar; -1 with no bars at all."""
        self.open = self.high = self.low = self.close = 0.0
        self.vol = 0
        """Shares in the running bar."""
        self.day = -1
        self.day_end = 0
        """Epoch second today's session ends on the market's calendar (local midnight)."""
        self.volume = 0
        """Shares in all bars (the session so far, as far as the app has seen it)."""
        self.version = 0

    def bar_count(self) -> int:
        """Bars held, the running one included."""
        return len(self.bars) + (self.minute >= 0)

    def drop_bars(self) -> None:
        """Forget every bar (a new session starts); the columns' memory goes too."""
        self.bars.clear()
        self.minute = -1
        self.volume = 0

    def rows(self) -> list[_Row]:
        """Every bar as a tuple, oldest first, the running one last."""
        out: list[_Row] = list(self.bars.rows())
        if self.minute >= 0:
            out.append((self.minute, self.open, self.high, self.low, self.close, self.vol))
        return out


class MinuteBarStore:
    """Today's one-minute bars of every symbol that traded or was seeded."""

    def __init__(self, max_bars: int = MAX_BARS, outages: Outages | None = None) -> None:
        if max_bars < 1:
            raise ValueError("a bar store keeps at least one bar")
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
            series = self._series[symbol] = _Series(market_of(symbol), self.max_bars)
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
        if minute == series.minute:
            if price > series.high:
                series.high = price
            elif price < series.low:
                series.low = price
            series.close = price
            series.vol += volume
        elif minute > series.minute:
            self._open(series, minute, price, volume)
        elif not self._late(series, minute, price, volume):
            return
        series.volume += volume
        series.version += 1

    def _open(self, series: _Series, minute: int, price: float, volume: int) -> None:
        """Start a new running bar: commit the old one, or start afresh on a new exchange day."""
        if minute * 60 >= series.day_end:  # a new exchange day: a new session
            series.drop_bars()
            series.day = local_day(series.market, minute * 60)
            series.day_end = local_day_end(series.market, minute * 60)
        elif series.minute >= 0:
            bars = series.bars
            bars.append(
                series.minute, series.open, series.high, series.low, series.close, series.vol
            )
            if len(bars) + 1 > self.max_bars:  # the oldest bar drops out
                series.volume -= bars.drop_first()
        series.minute = minute
        series.open = series.high = series.low = series.close = price
        series.vol = volume

    def _late(self, series: _Series, minute: int, price: float, volume: int) -> bool:
        """A late print: its volume and range count in its minute, not its close (True if kept)."""
        bars = series.bars
        n = len(bars)
        for i in range(n - 1, max(n - _LATE_SEARCH + 1, 0) - 1, -1):  # and the running bar
            if bars.minute(i) == minute:
                bars.widen(i, price, volume)
                return True
        return False

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
        if series.bar_count() and series.day > day:
            return 0  # the line already moved on to a newer session
        if series.day != day:
            series.drop_bars()
            series.day = day
            series.day_end = local_day_end(series.market, rest[-1].start_s)
        by_minute: dict[int, _Row] = {row[0]: row for row in series.rows()}
        newest = rest[-1].start_s // 60
        used = 0
        for bar in rest:
            if local_day(series.market, bar.start_s) != day:
                continue
            minute = bar.start_s // 60
            fresh: _Row = (minute, bar.open, bar.high, bar.low, bar.close, bar.volume)
            live = by_minute.get(minute)
            if minute == newest and live is not None:
                high, low = max(bar.high, live[2]), min(bar.low, live[3])
                fresh = (minute, bar.open, high, low, live[4], max(bar.volume, live[5]))
            by_minute[minute] = fresh
            used += 1
        self._replace(series, [by_minute[m] for m in sorted(by_minute)][-self.max_bars :])
        series.version += 1
        return used

    def _replace(self, series: _Series, rows: list[_Row]) -> None:
        """Hold exactly `rows` (oldest first, at least one): the last one is the running bar."""
        *done, running = rows
        series.drop_bars()
        series.bars.extend(done)
        series.minute, series.open, series.high, series.low, series.close, vol = running
        series.vol = int(vol)
        series.volume = int(sum(row[5] for row in rows))

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
        return [MinuteBar(m * 60, o, h, lo, c, int(v)) for m, o, h, lo, c, v in series.rows()]

    def arrays(self, symbol: str) -> BarArrays:
        """Today's bars as NumPy columns (fresh arrays; empty when unknown)."""
        series = self._series.get(symbol)
        if series is None or series.minute < 0:
            empty = np.empty(0, dtype=np.float64)
            return BarArrays(empty, empty, empty, empty, empty, empty)
        bars = series.bars
        n = len(bars)
        table = np.empty((6, n + 1), dtype=np.float64)
        table[0, :n] = bars.minutes()
        table[1:5, :n] = bars.prices()
        table[5, :n] = bars.volumes()
        table[:, n] = (
            series.minute,
            series.open,
            series.high,
            series.low,
            series.close,
            series.vol,
        )
        table[0] *= 60
        start_s, o, h, lo, c, v = table
        return BarArrays(start_s, o, h, lo, c, v)

    def close_at(self, symbol: str, epoch_s: float) -> float | None:
        """Close of the bar covering `epoch_s` (the latest before it when that minute is empty)."""
        series = self._series.get(symbol)
        if series is None or series.minute < 0:
            return None
        minute = int(epoch_s // 60)
        if series.minute <= minute:
            return series.close
        i = series.bars.search(minute, "right") - 1
        return series.bars.close(i) if i >= 0 else None

    def minutes(self, symbol: str) -> int:
        """How many minute bars `symbol` has today."""
        series = self._series.get(symbol)
        return 0 if series is None else series.bar_count()

    def first_minute_ms(self, symbol: str) -> int | None:
        """Start (epoch ms) of the symbol's first bar today, or None without bars."""
        series = self._series.get(symbol)
        if series is None or series.minute < 0:
            return None
        first = series.bars.minute(0) if len(series.bars) else series.minute
        return first * 60_000

    def session_volume(self, symbol: str) -> tuple[int, int]:
        """(shares, minutes with trades) of the session so far."""
        series = self._series.get(symbol)
        if series is None:
            return 0, 0
        return series.volume, series.bar_count()

    def volume_since(self, symbol: str, start_s: float) -> tuple[int, int]:
        """(shares, minutes with trades) in the bars starting at or after `start_s`."""
        series = self._series.get(symbol)
        if series is None or series.minute < 0 or series.minute < start_s // 60:
            return 0, 0
        first = int(start_s // 60)
        i = series.bars.search(first, "left")
        shares = series.vol + series.bars.volume_from(i)
        return shares, len(series.bars) - i + 1

"""A chart's bars at any timeframe: provider klines joined with today's live minutes, plus what
a trader draws on them (VWAP, two moving averages, outage breaks, extended-hours runs).

Pure NumPy over `BarArrays`; times are epoch seconds; a market's days and weeks start at its own
local midnight (and Monday), so a 1 d bar of 00700.HK is a Hong Kong day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import Enum
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from desktop.domain.market_clock import MarketPhase
from desktop.domain.minute_bars import BarArrays, MinuteBar
from desktop.domain.outages import Span, breaks_between
from desktop.domain.symbols import Market

__all__ = [
    "MA_FAST",
    "MA_SLOW",
    "Timeframe",
    "arrays_of",
    "bucket_starts",
    "extended_runs",
    "ledger_breaks",
    "merge_live",
    "moving_average",
    "outage_breaks",
    "vwap",
]

Floats = npt.NDArray[np.float64]
MA_FAST = 20
MA_SLOW = 50
"""The two moving averages (simple, of the closes), in bars of the chart's timeframe."""


class Timeframe(Enum):
    """A chart timeframe: its label, the AllTick `kline_type` (reference §1.10), its length in s."""

    M1 = ("1m", 1, 60)
    M5 = ("5m", 2, 300)
    M15 = ("15m", 3, 900)
    H1 = ("1h", 5, 3600)
    D1 = ("1d", 8, 86_400)
    W1 = ("1w", 9, 7 * 86_400)

    def __init__(self, label: str, kline_type: int, seconds: int) -> None:
        self.label = label
        self.kline_type = kline_type
        self.seconds = seconds

    @property
    def intraday(self) -> bool:
        """Minutes or hours (sessions, VWAP, extended hours apply); days and weeks are not."""
        return self.seconds < 86_400

    @classmethod
    def from_label(cls, label: object) -> Timeframe | None:
        """The timeframe saved as `label` ("5m"), or None."""
        return next((tf for tf in cls if tf.label == label), None)


@cache
def _zone(market: Market) -> ZoneInfo:
    return ZoneInfo(market.timezone)


@lru_cache(maxsize=16_384)
def _bucket(start_s: float, timeframe: Timeframe, market: Market) -> float:
    if timeframe.intraday:
        return float(start_s - start_s % timeframe.seconds)
    local = datetime.fromtimestamp(start_s, _zone(market))
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if timeframe is Timeframe.W1:
        day -= timedelta(days=day.weekday())
    return day.timestamp()


def bucket_starts(starts: Floats, timeframe: Timeframe, market: Market) -> Floats:
    """The start of each time's bar at `timeframe` (local days and Monday weeks for 1d / 1w)."""
    if timeframe.intraday:
        return starts - np.mod(starts, timeframe.seconds)
    return np.array([_bucket(float(s), timeframe, market) for s in starts], dtype=np.float64)


def arrays_of(bars: Sequence[MinuteBar]) -> BarArrays:
    """Bars (any length: `MinuteBar` carries a start and OHLCV) as columns, oldest first."""
    table = np.array(
        [(b.start_s, b.open, b.high, b.low, b.close, b.volume) for b in bars], dtype=np.float64
    ).reshape(-1, 6)
    return BarArrays(*(table[:, i].copy() for i in range(6)))


def _aggregate(arrays: BarArrays, starts: Floats) -> BarArrays:
    """Minute bars grouped by their (sorted) bucket starts into one bar per bucket."""
    if not len(arrays):
        return arrays
    keys, first = np.unique(starts, return_index=True)
    last = np.append(first[1:], len(starts)) - 1
    return BarArrays(
        keys,
        arrays.open[first],
        np.maximum.reduceat(arrays.high, first),
        np.minimum.reduceat(arrays.low, first),
        arrays.close[last],
        np.add.reduceat(arrays.volume, first),
    )


def merge_live(
    history: BarArrays, minutes: BarArrays, timeframe: Timeframe, market: Market
) -> BarArrays:
    """Provider bars, then the live minutes folded into the timeframe from the newest one on.

    The newest provider bar was still running when fetched: live minutes in its bucket widen its
    range, take over its close and its volume when larger. Older minutes are the provider's.
    """
    live = _aggregate(minutes, bucket_starts(minutes.start_s, timeframe, market))
    if not len(history):
        return live
    if not len(live):
        return history
    newest = float(history.start_s[-1])
    live_from = int(np.searchsorted(live.start_s, newest))
    if live_from >= len(live):
        return history
    cols = [list(column) for column in history]
    if float(live.start_s[live_from]) == newest:
        cols[2][-1] = max(cols[2][-1], float(live.high[live_from]))
        cols[3][-1] = min(cols[3][-1], float(live.low[live_from]))
        cols[4][-1] = float(live.close[live_from])
        cols[5][-1] = max(cols[5][-1], float(live.volume[live_from]))
        live_from += 1
    for i in range(live_from, len(live)):
        for c in range(6):
            cols[c].append(float(live[c][i]))
    return BarArrays(*(np.asarray(column, dtype=np.float64) for column in cols))


def moving_average(close: Floats, period: int) -> Floats:
    """Simple moving average of the closes; NaN until `period` bars exist (drawn as no line)."""
    out = np.full(close.shape, np.nan)
    if period <= 0 or close.size < period:
        return out
    sums = np.cumsum(np.insert(close, 0, 0.0))
    out[period - 1 :] = (sums[period:] - sums[:-period]) / period
    return out


def vwap(arrays: BarArrays, market: Market) -> Floats:
    """Volume-weighted average price of each local day so far (typical price × volume)."""
    n = len(arrays)
    out = np.full(n, np.nan)
    if not n:
        return out
    typical = (arrays.high + arrays.low + arrays.close) / 3.0
    days = bucket_starts(arrays.start_s, Timeframe.D1, market)
    starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    for begin, end in zip(starts, np.r_[starts[1:], n], strict=True):
        volume = np.cumsum(arrays.volume[begin:end])
        value = np.cumsum(typical[begin:end] * arrays.volume[begin:end])
        with np.errstate(invalid="ignore", divide="ignore"):
            out[begin:end] = np.where(volume > 0, value / np.maximum(volume, 1e-12), np.nan)
    return out


SessionOf = Callable[[Market, int], object]
"""The trading session (any hashable id, None when closed) an epoch-ms instant belongs to."""


def outage_breaks(
    starts: Floats, timeframe: Timeframe, market: Market, session_of: SessionOf | None = None
) -> list[int]:
    """Indexes `i` where bar i starts more than one timeframe after bar i-1 inside one session.

    Sessions come from `session_of` (a lunch break or a night is no outage); without calendars a
    session is the market's local day. Days and weeks have no breaks (weekends are not outages).
    """
    if not timeframe.intraday or starts.size < 2:
        return []
    gaps = np.flatnonzero(np.diff(starts) > timeframe.seconds) + 1
    out: list[int] = []
    for i in gaps:
        before, after = float(starts[i - 1]), float(starts[i])
        if session_of is None:
            same = _bucket(before, Timeframe.D1, market) == _bucket(after, Timeframe.D1, market)
        else:
            here = session_of(market, int(before * 1000))
            same = here is not None and here == session_of(market, int(after * 1000))
        if same:
            out.append(int(i))
    return out


def ledger_breaks(
    starts: Floats, timeframe: Timeframe, spans: Sequence[Span], whole_before_s: float | None = None
) -> list[int]:
    """Indexes `i` where bar i-1 (or the hole after it) spans an outage the gap ledger recorded.

    Intraday only (a day bar is the provider's). Outages that ended before `whole_before_s` (the
    newest provider bar, fetched after them) are not holes: those bars are the provider's record.
    """
    if not timeframe.intraday or starts.size < 2:
        return []
    if whole_before_s is not None:
        cutoff = whole_before_s * 1000
        spans = [(s, e) for s, e in spans if e is None or e > cutoff]
    starts_ms = (starts * 1000).astype(np.int64)
    return [int(i) + 1 for i in np.flatnonzero(breaks_between(starts_ms, list(spans)))]


def extended_runs(
    starts: Floats, market: Market, phase_of: Callable[[Market, int], MarketPhase]
) -> list[tuple[int, int]]:
    """[first, last] bar-index runs that started in pre- or post-market (to shade them)."""
    runs: list[tuple[int, int]] = []
    begin = -1
    for i, start in enumerate(starts):
        extended = phase_of(market, int(start * 1000)).extended
        if extended and begin < 0:
            begin = i
        elif not extended and begin >= 0:
            runs.append((begin, i - 1))
            begin = -1
    if begin >= 0:
        runs.append((begin, len(starts) - 1))
    return runs

"""What a symbol's daily bars say about today: its usual volume, 52-week range, and how far into
its usual day's volume the market is by a given time ("relative volume").

Relative volume compares today's volume so far with the volume the symbol usually has *by this
time of day*: its average daily volume over recent complete sessions times the share of a regular
session that has elapsed. The share is counted in trading minutes (Hong Kong's lunch break does not
count), evenly spread — a flat profile, so the number is easy to check by hand. A board on a feed
that trades around the clock (the demo, a replay) counts the session from the day's first trade.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from desktop.domain.formatting import local_day, local_minute
from desktop.domain.symbols import Market

__all__ = [
    "AVERAGE_SESSIONS",
    "SESSION_MINUTES",
    "DailyBar",
    "DailyStats",
    "daily_stats",
    "relative_volume",
    "session_fraction",
    "usual_volume_by",
]

AVERAGE_SESSIONS = 20
"""Complete sessions averaged for the usual daily volume (about a trading month)."""
YEAR_DAYS = 365
_SESSIONS: dict[Market, tuple[tuple[int, int], ...]] = {
    Market.US: ((9 * 60 + 30, 16 * 60),),
    Market.HK: ((9 * 60 + 30, 12 * 60), (13 * 60, 16 * 60)),
}
"""Regular sessions in local minutes after midnight (US 390 minutes, HK 330)."""
SESSION_MINUTES: dict[Market, int] = {
    market: sum(end - start for start, end in spans) for market, spans in _SESSIONS.items()
}


class DailyBar(NamedTuple):
    """One day's bar from REST: its start (epoch seconds), prices and shares."""

    start_s: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int


@dataclass(frozen=True, slots=True)
class DailyStats:
    """From daily bars before today: average volume of the last sessions and the 52-week range."""

    avg_volume: float | None
    sessions: int
    """How many complete sessions the average is over."""
    year_high: Decimal | None
    year_low: Decimal | None


def daily_stats(
    bars: list[DailyBar], market: Market, today: int, sessions: int = AVERAGE_SESSIONS
) -> DailyStats:
    """Stats from `bars` (any order) of the days before local day `today`; bars without volume
    (holidays a provider fills in) do not count toward the average."""
    before = sorted(
        (bar for bar in bars if local_day(market, bar.start_s) < today),
        key=lambda bar: bar.start_s,
    )
    traded = [bar for bar in before if bar.volume > 0][-sessions:]
    average = sum(bar.volume for bar in traded) / len(traded) if traded else None
    year = [bar for bar in before if local_day(market, bar.start_s) >= today - YEAR_DAYS]
    high = max((bar.high for bar in year), default=None)
    low = min((bar.low for bar in year if bar.low > 0), default=None)
    return DailyStats(average, len(traded), high, low)


def session_fraction(market: Market, ts_ms: int, day_first_ms: int | None = None) -> float:
    """Share (0–1) of a regular session elapsed at `ts_ms`.

    With `day_first_ms` (a feed that trades around the clock) the session is counted from the
    day's first trade instead of the exchange's open.
    """
    total = SESSION_MINUTES[market]
    if day_first_ms is not None:
        return min(1.0, max(0.0, (ts_ms - day_first_ms) / 60_000 / total))
    minute = local_minute(market, ts_ms / 1000)
    elapsed = 0.0
    for start, end in _SESSIONS[market]:
        elapsed += min(max(minute - start, 0.0), end - start)
    return elapsed / total


def usual_volume_by(
    stats: DailyStats | None, market: Market, ts_ms: int, day_first_ms: int | None = None
) -> float | None:
    """Shares the symbol usually has traded by `ts_ms` (None without an average or before the
    first minute of its session)."""
    if stats is None or not stats.avg_volume:
        return None
    fraction = session_fraction(market, ts_ms, day_first_ms)
    if fraction * SESSION_MINUTES[market] < 1.0:
        return None  # the first minute: any print would look like a huge multiple
    return stats.avg_volume * fraction


def relative_volume(volume: int, usual: float | None) -> float | None:
    """Today's volume over the usual volume by now (1.0 = a normal day so far)."""
    if usual is None or usual <= 0:
        return None
    return volume / usual

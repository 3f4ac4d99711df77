"""When each market trades: plain per-day intervals built once from exchange_calendars.

DESIGN.md: importing exchange_calendars and building XNYS + XHKG costs ≈ 0.75 s and one query
≈ 125 µs, so the app loads them after the first paint (`load_exchange_sessions`) and turns each
trading day into epoch-ms intervals; `phase()` is then a bisect, cheap enough to ask every second.
In demo mode the simulator trades around the clock, so the app judges by `AlwaysOpen` instead.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from desktop.domain.symbols import Market

__all__ = [
    "CALENDARS",
    "AlwaysOpen",
    "MarketSessions",
    "SessionPhase",
    "SessionSource",
    "US_POST_HOURS",
    "US_PRE_OPEN_HOUR",
    "TradingDay",
    "load_exchange_sessions",
]

CALENDARS: dict[Market, str] = {Market.US: "XNYS", Market.HK: "XHKG"}
_DAY_MS = 86_400_000
_LOCAL_OFFSET_MS: dict[Market, int] = {Market.US: -5 * 3_600_000, Market.HK: 8 * 3_600_000}
"""Standard-time offsets: enough to name the local date of a session that opens mid-morning."""
_HOUR_MS = 3_600_000
US_PRE_OPEN_HOUR = 4
"""US pre-market opens at 04:00 ET on each trading day."""
US_POST_HOURS = 4
"""US post-market runs 4 h past the close: to 20:00 ET, to 17:00 ET after a 13:00 half day."""


class SessionPhase(Enum):
    """Where a market is in its day; only OPEN judges prices for staleness."""

    OPEN = "Open"
    LUNCH = "Lunch break"
    CLOSED = "Closed"
    HOLIDAY = "Holiday"


class SessionSource(Protocol):
    """Anything that can tell a market's phase at an epoch-ms instant (injectable for tests)."""

    def phase(self, market: Market, epoch_ms: int) -> SessionPhase:
        """The phase of `market` at `epoch_ms`."""
        ...

    def phase_start(self, market: Market, epoch_ms: int) -> int | None:
        """Epoch ms when the current OPEN stretch began (open or lunch end); None if unknown."""
        ...


class AlwaysOpen:
    """Every market open at every hour: the built-in simulator's clock (demo mode)."""

    def phase(self, market: Market, epoch_ms: int) -> SessionPhase:
        """Always OPEN."""
        return SessionPhase.OPEN

    def phase_start(self, market: Market, epoch_ms: int) -> int | None:
        """Open since forever."""
        return None


@dataclass(frozen=True, slots=True)
class TradingDay:
    """One session in epoch ms; `break_start`/`break_end` bound a lunch break (HK) when set.

    `pre_open`/`post_close` bound the extended hours around it (US: 04:00 ET to 4 h after the
    close) when the market has them; `half_day` marks an early close.
    """

    open: int
    close: int
    break_start: int | None = None
    break_end: int | None = None
    half_day: bool = False
    pre_open: int | None = None
    post_close: int | None = None

    @property
    def first_ms(self) -> int:
        """The day's earliest trading instant, extended hours included."""
        return self.open if self.pre_open is None else self.pre_open

    @property
    def last_ms(self) -> int:
        """The day's latest trading instant (exclusive), extended hours included."""
        return self.close if self.post_close is None else self.post_close


class MarketSessions:
    """Per-market sorted trading days answering `phase()` by bisection; no calendar at run time.

    Outside the loaded range it answers CLOSED and `covers()` is False, so the caller reloads.
    """

    def __init__(self, days: Mapping[Market, Iterable[TradingDay]], first_ms: int, last_ms: int):
        self._days = {market: sorted(items, key=lambda d: d.open) for market, items in days.items()}
        self._opens = {market: [d.open for d in items] for market, items in self._days.items()}
        self.first_ms = first_ms
        self.last_ms = last_ms

    def covers(self, epoch_ms: int) -> bool:
        """Whether `epoch_ms` lies in the loaded range."""
        return self.first_ms <= epoch_ms < self.last_ms

    def day_at(self, market: Market, epoch_ms: int) -> TradingDay | None:
        """The trading day whose session contains `epoch_ms` (lunch included), if any."""
        opens = self._opens.get(market)
        if not opens:
            return None
        i = bisect_right(opens, epoch_ms) - 1
        if i < 0:
            return None
        day = self._days[market][i]
        return day if epoch_ms < day.close else None

    def phase(self, market: Market, epoch_ms: int) -> SessionPhase:
        """OPEN inside a session, LUNCH inside its break, HOLIDAY on a weekday without a
        session, CLOSED otherwise (nights, weekends)."""
        day = self.day_at(market, epoch_ms)
        if day is None:
            return (
                SessionPhase.HOLIDAY if self.is_holiday(market, epoch_ms) else SessionPhase.CLOSED
            )
        start, end = day.break_start, day.break_end
        if start is not None and end is not None and start <= epoch_ms < end:
            return SessionPhase.LUNCH
        return SessionPhase.OPEN

    def is_holiday(self, market: Market, epoch_ms: int) -> bool:
        """A weekday (market-local) in the loaded range on which no session opens."""
        if not self.covers(epoch_ms):
            return False
        offset = _LOCAL_OFFSET_MS[market]
        local = epoch_ms + offset
        if datetime.fromtimestamp(local / 1000, UTC).weekday() >= 5:
            return False
        midnight = local - local % _DAY_MS - offset  # the local day's start, in epoch ms
        opens = self._opens.get(market, [])
        i = bisect_right(opens, midnight - 1)
        return not (i < len(opens) and opens[i] < midnight + _DAY_MS)

    def phase_start(self, market: Market, epoch_ms: int) -> int | None:
        """When the current OPEN stretch began: the session open, or the lunch break's end."""
        day = self.day_at(market, epoch_ms)
        if day is None:
            return None
        if day.break_end is not None and epoch_ms >= day.break_end:
            return day.break_end
        return day.open

    def days(self, market: Market) -> list[TradingDay]:
        """The loaded trading days of `market`, oldest first."""
        return self._days.get(market, [])

    def extended_day_at(self, market: Market, epoch_ms: int) -> TradingDay | None:
        """The trading day whose extended hours (pre-market to post-market) contain `epoch_ms`."""
        days = self._days.get(market)
        if not days:
            return None
        i = bisect_right(self._opens[market], epoch_ms)
        for day in days[max(0, i - 1) : i + 1]:  # the last day opened, or the next one's pre
            if day.first_ms <= epoch_ms < day.last_ms:
                return day
        return None

    def next_open(self, market: Market, epoch_ms: int) -> int | None:
        """Epoch ms of the next session open after `epoch_ms` (for "opens in 3 h" texts)."""
        opens = self._opens.get(market, [])
        i = bisect_right(opens, epoch_ms)
        return opens[i] if i < len(opens) else None


def _ms(value: Any) -> int | None:
    """A pandas Timestamp (or NaT) from a calendar schedule → epoch ms."""
    if value is None or value != value:  # NaT compares unequal to itself
        return None
    return int(value.value // 1_000_000)


def load_exchange_sessions(
    now_ms: int, *, days_back: int = 7, days_ahead: int = 21
) -> MarketSessions:
    """Build `MarketSessions` for XNYS and XHKG around `now_ms` (slow: call after first paint)."""
    import exchange_calendars  # deferred: ≈ 0.5 s import

    first = _utc_midnight(now_ms - days_back * _DAY_MS)
    last = _utc_midnight(now_ms + days_ahead * _DAY_MS)
    days: dict[Market, list[TradingDay]] = {}
    for market, name in CALENDARS.items():
        calendar = exchange_calendars.get_calendar(name, start=_iso_day(first), end=_iso_day(last))
        early = {stamp.date() for stamp in calendar.early_closes}
        items = []
        for session, row in zip(
            calendar.schedule.index, calendar.schedule.itertuples(index=False), strict=True
        ):
            opened, closed = _ms(row.open), _ms(row.close)
            if opened is None or closed is None:
                continue
            pre = post = None
            if market is Market.US:
                pre = _local_ms(session.date(), US_PRE_OPEN_HOUR, market)
                post = closed + US_POST_HOURS * _HOUR_MS
            items.append(
                TradingDay(
                    opened,
                    closed,
                    _ms(row.break_start),
                    _ms(row.break_end),
                    half_day=session.date() in early,
                    pre_open=pre,
                    post_close=post,
                )
            )
        days[market] = items
    return MarketSessions(days, first, last)


def _local_ms(day: date, hour: int, market: Market) -> int:
    """Epoch ms of `hour`:00 on `day` in the market's local time (DST-aware)."""
    local = datetime.combine(day, time(hour), tzinfo=ZoneInfo(market.timezone))
    return int(local.timestamp() * 1000)


def _utc_midnight(epoch_ms: int) -> int:
    return epoch_ms - epoch_ms % _DAY_MS


def _iso_day(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).date().isoformat()

"""What each market is doing now and when that changes: session chips and status-bar clocks.

Pure logic over `MarketSessions` (plain intervals built once from exchange_calendars), with
`now` passed in, so it is cheap enough to ask every second and testable on scripted days:
"HK · lunch · 41 min to open", "US · pre-market · 3:12 to the open",
"US · closed · opens Mon 09:30 ET".
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from zoneinfo import ZoneInfo

from desktop.domain.formatting import ZONE_LABELS
from desktop.domain.sessions import MarketSessions, TradingDay
from desktop.domain.symbols import Market

__all__ = [
    "ZONE_LABELS",
    "MarketPhase",
    "PhaseCache",
    "SessionState",
    "clock_text",
    "format_countdown",
    "market_local",
    "phase_at",
    "session_segment",
    "session_state",
]


_MINUTE_MS = 60_000


class MarketPhase(Enum):
    """A market's part of the day: pre-market, regular hours, lunch, post-market or closed."""

    PRE = "PRE"
    RTH = "RTH"
    LUNCH = "LUNCH"
    POST = "POST"
    CLOSED = "CLOSED"

    @property
    def extended(self) -> bool:
        """Pre- or post-market: trades here are told apart from the regular session's."""
        return self is MarketPhase.PRE or self is MarketPhase.POST


@dataclass(frozen=True, slots=True)
class SessionState:
    """A market's phase at one instant, the trading day it belongs to, and its next change."""

    market: Market
    phase: MarketPhase
    day: TradingDay | None
    next_change_ms: int | None
    """When the phase changes next (None: not within the loaded calendar)."""
    holiday: bool = False
    """Closed on a local weekday with no session (a public holiday)."""

    @property
    def half_day(self) -> bool:
        """Today's session closes early."""
        return self.day is not None and self.day.half_day

    @property
    def chip(self) -> str:
        """The market's session chip: PRE, RTH, POST, LUNCH, CLOSED or HALF-DAY."""
        if self.phase is MarketPhase.RTH and self.half_day:
            return "HALF-DAY"
        return self.phase.value

    @property
    def period_start(self) -> int | None:
        """When the current pre- or post-market began (None in other phases)."""
        if self.day is None:
            return None
        if self.phase is MarketPhase.PRE:
            return self.day.first_ms
        if self.phase is MarketPhase.POST:
            return self.day.close
        return None

    def row_chip(self, ext_time_ms: int | None) -> str:
        """A symbol's chip: in pre-/post-market a symbol with no trade there yet says CLOSED."""
        start = self.period_start
        if start is not None and (ext_time_ms is None or ext_time_ms < start):
            return MarketPhase.CLOSED.value
        return self.chip


def phase_at(sessions: MarketSessions, market: Market, now_ms: int) -> MarketPhase:
    """Just the phase at `now_ms` (a trade's classification, per tick)."""
    return session_state(sessions, market, now_ms).phase


class PhaseCache:
    """`phase_at` for a stream of trades: the phase holds until its next change, so a trade in
    the same stretch as the last one costs a comparison instead of a bisect (the hot path)."""

    def __init__(self, sessions: MarketSessions) -> None:
        self._sessions = sessions
        self._windows: dict[Market, tuple[int, int, MarketPhase]] = {}
        self._last: tuple[Market | None, int, int, MarketPhase] = (None, 0, 0, MarketPhase.CLOSED)

    def __call__(self, market: Market, epoch_ms: int) -> MarketPhase:
        """The phase of `market` at `epoch_ms`."""
        last_market, start, until, phase = self._last
        if market is last_market and start <= epoch_ms < until:  # no Enum hashing on a hit
            return phase
        window = self._windows.get(market)
        if window is None or not window[0] <= epoch_ms < window[1]:
            state = session_state(self._sessions, market, epoch_ms)
            end = state.next_change_ms if state.next_change_ms is not None else epoch_ms + 1
            window = self._windows[market] = (epoch_ms, end, state.phase)
        self._last = (market, *window)
        return window[2]


def session_segment(
    sessions: MarketSessions, market: Market, now_ms: int
) -> tuple[int, int] | None:
    """Which continuous stretch of trading `now_ms` is in: (day's open, 0 before lunch / 1 after);
    None when the market is closed or at lunch. A gap inside one stretch is an outage."""
    day = sessions.extended_day_at(market, now_ms)
    if day is None:
        return None
    start, end = day.break_start, day.break_end
    if start is None or end is None or now_ms < start:
        return (day.open, 0)
    return None if now_ms < end else (day.open, 1)


def session_state(sessions: MarketSessions, market: Market, now_ms: int) -> SessionState:
    """Classify `now_ms` for `market`: also the extended-hours classifier of a trade's time."""
    day = sessions.extended_day_at(market, now_ms)
    if day is None:
        return SessionState(
            market,
            MarketPhase.CLOSED,
            None,
            _next_start(sessions, market, now_ms),
            holiday=_is_holiday(sessions, market, now_ms),
        )
    if now_ms < day.open:
        return SessionState(market, MarketPhase.PRE, day, day.open)
    if now_ms >= day.close:
        return SessionState(market, MarketPhase.POST, day, day.last_ms)
    start, end = day.break_start, day.break_end
    if start is not None and end is not None:
        if start <= now_ms < end:
            return SessionState(market, MarketPhase.LUNCH, day, end)
        if now_ms < start:
            return SessionState(market, MarketPhase.RTH, day, start)
    return SessionState(market, MarketPhase.RTH, day, day.close)


def _next_start(sessions: MarketSessions, market: Market, now_ms: int) -> int | None:
    """The first instant after `now_ms` at which the market trades again (pre-market if any)."""
    days = sessions.days(market)
    i = bisect_right([d.first_ms for d in days], now_ms)
    return days[i].first_ms if i < len(days) else None


def _is_holiday(sessions: MarketSessions, market: Market, now_ms: int) -> bool:
    """A local weekday inside the loaded range on which the market holds no session."""
    if not sessions.covers(now_ms):
        return False
    local = market_local(market, now_ms)
    if local.weekday() >= 5:
        return False
    today = local.date()
    return not any(market_local(market, d.open).date() == today for d in sessions.days(market))


@cache
def _zone(market: Market) -> ZoneInfo:
    return ZoneInfo(market.timezone)


def market_local(market: Market, epoch_ms: int) -> datetime:
    """`epoch_ms` on the market's wall clock (DST-aware)."""
    return datetime.fromtimestamp(epoch_ms / 1000, _zone(market))


def format_countdown(ms: int) -> str:
    """A time left as a trader reads it: "41 min" under an hour, else "3:12" (h:mm)."""
    minutes = max(1, math.ceil(ms / _MINUTE_MS))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60}:{minutes % 60:02d}"


def _local_label(market: Market, epoch_ms: int, now_ms: int) -> str:
    """ "09:30 ET" today, "Mon 09:30 ET" on another local day."""
    when, now = market_local(market, epoch_ms), market_local(market, now_ms)
    day = "" if when.date() == now.date() else when.strftime("%a ")
    return f"{day}{when:%H:%M} {ZONE_LABELS[market]}"


def clock_text(sessions: MarketSessions, market: Market, now_ms: int) -> str:
    """The status-bar clock of one market at `now_ms`."""
    state = session_state(sessions, market, now_ms)
    name = market.value
    left = (state.next_change_ms or now_ms) - now_ms
    if state.phase is MarketPhase.RTH:
        word = "half day" if state.half_day else "open"
        end = "to lunch" if state.day and state.next_change_ms == state.day.break_start else ""
        return f"{name} · {word} · {format_countdown(left)} {end or 'to close'}"
    if state.phase is MarketPhase.LUNCH:
        return f"{name} · lunch · {format_countdown(left)} to open"
    if state.phase is MarketPhase.PRE:
        return f"{name} · pre-market · {format_countdown(left)} to the open"
    if state.phase is MarketPhase.POST:
        return f"{name} · post-market · {format_countdown(left)} left"
    word = "holiday" if state.holiday else "closed"
    opens = sessions.next_open(market, now_ms)
    if opens is None:
        return f"{name} · {word}"
    if opens - now_ms < 60 * _MINUTE_MS:
        return f"{name} · {word} · {format_countdown(opens - now_ms)} to open"
    return f"{name} · {word} · opens {_local_label(market, opens, now_ms)}"

"""Is a row's price live? Judged per symbol, and only while that symbol's market is open.

Reference §3 "general watchdog lesson": a quiet symbol in a closed
market is not stale, so outside sessions rows read "Closed" or "Lunch break"; inside one, a row
with no update for `stale_after_s` (counted from the later of its last update and the session's
open) is stale, dims, and shows how old its last update is. Pure: callers pass both clocks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import msgspec

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import SessionPhase, SessionSource
from desktop.domain.symbols import Market

__all__ = ["FreshnessJudge", "FreshnessReport", "RowFreshness", "format_age"]


class RowFreshness(msgspec.Struct, frozen=True):
    """What a row shows about its freshness: a short text (None: normal) and whether it dims."""

    text: str | None = None
    dim: bool = False
    stale: bool = False


FRESH = RowFreshness()
CLOSED = RowFreshness(SessionPhase.CLOSED.value)
LUNCH = RowFreshness(SessionPhase.LUNCH.value)


class FreshnessReport(msgspec.Struct, frozen=True):
    """One judgement of the whole board."""

    rows: dict[str, RowFreshness]
    stale: int


def format_age(seconds: float) -> str:
    """`45 s ago`, `2 m 14 s ago`, `1 h 05 m ago`: compact, for a table cell."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s ago"
    if s < 3600:
        return f"{s // 60} m {s % 60:02d} s ago"
    return f"{s // 3600} h {s % 3600 // 60:02d} m ago"


def _market_of(symbol: str) -> Market:
    return Market.HK if symbol.endswith(".HK") else Market.US


class FreshnessJudge:
    """Turns a `QuoteBook`, the market hours and two clocks into a `FreshnessReport`.

    `sessions` None means the calendars are not loaded yet: nothing is judged (no false alarm).
    """

    def __init__(self, sessions: SessionSource | None = None, stale_after_s: float = 60.0):
        self.sessions = sessions
        self.stale_after_s = stale_after_s
        self._first_seen: dict[str, float] = {}

    def set_sessions(self, sessions: SessionSource) -> None:
        """Judge by these market hours from now on."""
        self.sessions = sessions

    def judge(
        self,
        book: QuoteBook,
        symbols: Iterable[str],
        now: float,
        now_ms: int,
        skip: Collection[str] = (),
    ) -> FreshnessReport:
        """Freshness of each symbol at monotonic `now` / epoch `now_ms`; `skip` are not streamed."""
        sessions = self.sessions
        rows: dict[str, RowFreshness] = {}
        stale = 0
        phases: dict[Market, tuple[SessionPhase, float | None]] = {}
        for symbol in symbols:
            if symbol in skip or sessions is None:
                rows[symbol] = FRESH
                continue
            market = _market_of(symbol)
            if market not in phases:
                started_ms = sessions.phase_start(market, now_ms)
                started = None if started_ms is None else now - (now_ms - started_ms) / 1000
                phases[market] = (sessions.phase(market, now_ms), started)
            phase, started = phases[market]
            if phase is SessionPhase.CLOSED:
                rows[symbol] = CLOSED
                continue
            if phase is SessionPhase.LUNCH:
                rows[symbol] = LUNCH
                continue
            state = book.get(symbol)
            updated_at = state.updated_at if state is not None else 0.0
            # Never updated: count from when this judge first saw the row.
            since = updated_at or self._first_seen.setdefault(symbol, now)
            if started is not None:
                since = max(since, started)
            age = now - since
            if age > self.stale_after_s:
                stale += 1
                updated = state.updated_at if state is not None and state.updated_at else None
                text = "no data yet" if updated is None else format_age(now - updated)
                rows[symbol] = RowFreshness(text, dim=True, stale=True)
            else:
                rows[symbol] = FRESH
        return FreshnessReport(rows, stale)

"""When the next REST request may go: per-endpoint spacing, the per-minute cap, back-off on 429/605.

Reference §1.10: each plan limits requests per endpoint (Free 1 per 10 s, Basic 1/s, Premium
10/s, Professional 20/s), `/batch-kline` separately (10 s / 3 s / 2 s / 1 s), and Free to 10 a
minute. Pure: the caller passes the monotonic `now` and sleeps for the answer.
"""

from __future__ import annotations

from collections import deque

from desktop.protocol.plans import PlanProfile

__all__ = ["BATCH_KLINE", "RATE_LIMITED", "RestPacer"]

BATCH_KLINE = "/batch-kline"
RATE_LIMITED = frozenset({429, 605})
"""`ret` codes (and HTTP statuses) that mean "too fast": wait and try again (§1.8)."""


class RestPacer:
    """Hands out send times so a plan's REST limits are never exceeded, and backs off on refusals.

    `reserve(path, now)` returns how long to wait before sending; the slot is taken at once, so
    concurrent callers queue behind each other. `refused(path, now)` pushes that endpoint's next
    slot out by a doubling hold (from `first_hold_s` up to `max_hold_s`); `accepted` resets it.
    """

    def __init__(
        self, profile: PlanProfile, *, first_hold_s: float = 1.0, max_hold_s: float = 30.0
    ) -> None:
        self.profile = profile
        self.first_hold_s = first_hold_s
        self.max_hold_s = max_hold_s
        self._next_at: dict[str, float] = {}
        self._holds: dict[str, float] = {}
        self._minute: deque[float] = deque()

    def interval_s(self, path: str) -> float:
        """Minimum spacing of two requests to `path` on this plan."""
        profile = self.profile
        if path == BATCH_KLINE:
            return max(profile.batch_kline_interval_s, profile.rest_interval_s)
        return profile.rest_interval_s

    def reserve(self, path: str, now: float) -> float:
        """Take the next slot for `path`; returns the seconds to wait before sending."""
        at = max(now, self._next_at.get(path, now))
        cap = self.profile.rest_per_minute
        if cap > 0:
            minute = self._minute
            while minute and minute[0] <= at - 60.0:
                minute.popleft()
            if len(minute) >= cap:
                at = max(at, minute[-cap] + 60.0)
            minute.append(at)
        self._next_at[path] = at + self.interval_s(path)
        return at - now

    def refused(self, path: str, now: float) -> float:
        """The server said "too fast" for `path`: hold it longer each time; returns the hold."""
        hold = self._holds.get(path)
        hold = self.first_hold_s if hold is None else min(self.max_hold_s, hold * 2)
        hold = max(hold, self.interval_s(path))
        self._holds[path] = hold
        self._next_at[path] = max(self._next_at.get(path, now), now + hold)
        return hold

    def accepted(self, path: str) -> None:
        """A request to `path` went through: the next refusal starts from the first hold again."""
        self._holds.pop(path, None)

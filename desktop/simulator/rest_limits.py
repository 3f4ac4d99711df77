"""The simulator's REST rate limits per token (reference §1.10), so tests catch client overruns."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from desktop.protocol.plans import PlanProfile

__all__ = ["RestRateLimiter"]

_TOLERANCE = 0.9
"""Arrival spacing may be 10 % under the limit: the client paces at send, not at arrival."""


class RestRateLimiter:
    """Per token and endpoint: is this request within the plan's spacing and per-minute cap?"""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[tuple[str, str], float] = {}
        self._minute: dict[str, deque[float]] = {}
        self.refused = 0
        """Requests refused as too fast so far (tests read it)."""

    def allow(self, token: str, endpoint: str, plan: PlanProfile) -> bool:
        """Record a request; False when it comes too soon for `plan` (it is not counted then)."""
        now = self._clock()
        interval = (
            plan.batch_kline_interval_s if endpoint == "batch-kline" else plan.rest_interval_s
        )
        last = self._last.get((token, endpoint))
        if last is not None and now - last < interval * _TOLERANCE:
            self.refused += 1
            return False
        if plan.rest_per_minute > 0:
            window = self._minute.setdefault(token, deque())
            while window and window[0] <= now - 60.0 * _TOLERANCE:
                window.popleft()
            if len(window) >= plan.rest_per_minute:
                self.refused += 1
                return False
            window.append(now)
        self._last[(token, endpoint)] = now
        return True

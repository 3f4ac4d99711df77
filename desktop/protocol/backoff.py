"""Reconnect policy: exponential backoff with full jitter, a per-plan floor and refusal detection.

Reference §4.2 rule 3: attempts ≥ the plan's floor apart (3 s paid, 10 s free; the first retry
after a good session waits only what is left of it), cap 60 s, reset only after 30 s of healthy
session; a socket closed within seconds of opening is a connection-limit
refusal and backs off long. Pure: the caller passes times and a random source.
"""

from __future__ import annotations

import random
from enum import Enum

__all__ = ["CloseKind", "ReconnectBackoff"]


class CloseKind(Enum):
    """Why a connection ended, as far as the reconnect policy cares."""

    DROPPED = "dropped"
    REFUSED = "refused"
    RATE_LIMITED = "rate limited"
    FATAL = "fatal"


class ReconnectBackoff:
    """Decides how long to wait before the next connection attempt."""

    def __init__(
        self,
        floor_s: float,
        cap_s: float = 60.0,
        healthy_reset_s: float = 30.0,
        refused_within_s: float = 3.0,
        long_delay_s: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        self.floor_s = floor_s
        self.cap_s = max(cap_s, floor_s)
        self.healthy_reset_s = healthy_reset_s
        self.refused_within_s = refused_within_s
        self.long_delay_s = long_delay_s
        self._rng = rng or random.Random()
        self.attempt = 0

    def classify(self, opened_for_s: float | None, kind: CloseKind) -> CloseKind:
        """A plain drop right after opening is how the server enforces its connection limit."""
        if (
            kind is CloseKind.DROPPED
            and opened_for_s is not None
            and opened_for_s < self.refused_within_s
        ):
            return CloseKind.REFUSED
        return kind

    def next_delay(
        self,
        opened_for_s: float | None,
        kind: CloseKind = CloseKind.DROPPED,
        healthy_for_s: float | None = None,
    ) -> float:
        """Seconds to wait after a connection of `opened_for_s` seconds (None: never opened) ended.

        `healthy_for_s` is how long it was demonstrably healthy (open until its last heartbeat
        reply); only that resets the attempt count, so a long stall does not (§4.2 rule 3).
        """
        kind = self.classify(opened_for_s, kind)
        healthy = opened_for_s if healthy_for_s is None else healthy_for_s
        if healthy is not None and healthy >= self.healthy_reset_s:
            self.attempt = 0
        self.attempt += 1
        if kind in (CloseKind.REFUSED, CloseKind.RATE_LIMITED):
            low = max(self.floor_s, self.long_delay_s / 2)
            return self._rng.uniform(low, max(low, self.long_delay_s))
        if self.attempt == 1 and opened_for_s is not None:
            # The first drop after a good session: the floor counts from the last attempt
            # (≥ 3 s between attempts, §1.7), so a connection that lived longer retries at once.
            return max(0.0, self.floor_s - opened_for_s)
        ceiling = min(self.cap_s, self.floor_s * 2 ** (self.attempt - 1))
        return self._rng.uniform(self.floor_s, max(self.floor_s, ceiling))

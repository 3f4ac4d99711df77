"""Timing of the feed's connections: settings, cross-connection stagger, rate-limit back-off.

Reference §1.7: within a connection requests are ≥ 1 s apart (a second one in the same second is
rejected); across connections subscribe requests are spaced 3 s apart. A 429/605 answer doubles a
connection's extra spacing (up to a cap) until a request succeeds again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["ConnectionSettings", "RateLimitBackoff", "SubscribeStagger"]

Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class ConnectionSettings:
    """Timing of one connection; tests shrink these instead of sleeping for real seconds."""

    heartbeat_s: float = 10.0
    """22000 every this many seconds (§1.6)."""
    dead_after_s: float = 20.0
    """No 22001 for this long: the connection is dead (well before the server's 30 s)."""
    request_spacing_s: float = 1.2
    """Requests on one connection at least this far apart: the rule is 1 s (§1.7), plus margin."""
    stagger_s: float = 3.0
    """Subscribe requests of different connections are this far apart (§1.7)."""
    open_timeout_s: float = 10.0
    reconnect_floor_s: float = 3.0
    reconnect_cap_s: float = 60.0
    healthy_reset_s: float = 30.0
    refused_within_s: float = 3.0
    long_backoff_s: float = 60.0
    mute_after_s: float = 60.0
    """Heartbeats answered but no data for this long while a market is open: reconnect."""
    rate_limit_first_s: float = 2.0
    rate_limit_cap_s: float = 30.0
    max_queue: int = 4096


class SubscribeStagger:
    """One per token: a subscribe from connection B waits `spacing_s` after one from A (§1.7)."""

    def __init__(
        self,
        spacing_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.spacing_s = spacing_s
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._last_at = -1e18
        self._last_index: int | None = None
        self.waits = 0
        """How many subscribes had to wait for another connection's (tests, diagnostics)."""

    async def turn(self, index: int) -> None:
        """Wait until connection `index` may send a subscribe, then claim the slot."""
        async with self._lock:
            if self._last_index is not None and self._last_index != index:
                wait = self._last_at + self.spacing_s - self._clock()
                if wait > 0:
                    self.waits += 1
                while wait > 0:  # the loop may wake a sleeper a little early: check again
                    await self._sleep(wait)
                    wait = self._last_at + self.spacing_s - self._clock()
            self._last_at = self._clock()
            self._last_index = index


class RateLimitBackoff:
    """Extra spacing after the server said "too many requests" (429/605); reset by a success."""

    def __init__(self, first_s: float = 2.0, cap_s: float = 30.0) -> None:
        self.first_s = first_s
        self.cap_s = cap_s
        self.delay_s = 0.0
        self.until = 0.0

    def penalise(self, now: float) -> float:
        """Record one rate-limit answer at `now`; returns the seconds to hold requests."""
        self.delay_s = min(self.cap_s, self.delay_s * 2 if self.delay_s else self.first_s)
        self.until = now + self.delay_s
        return self.delay_s

    def forgive(self) -> None:
        """A request succeeded: back to normal spacing."""
        self.delay_s = 0.0
        self.until = 0.0

    def wait_s(self, now: float) -> float:
        """Seconds left before the next request may go out (0 when none)."""
        return max(0.0, self.until - now)

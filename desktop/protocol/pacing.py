"""Request pacing rules of the AllTick stream, as pure state: the caller passes `now`.

Reference §1.7: within a connection requests are ≥ 1 s apart (a second one in the same second is
rejected); across connections subscribe requests are spaced 3 s apart. A 429/605 answer doubles a
connection's extra spacing (up to a cap) until a request succeeds again.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["RateLimitBackoff", "Stagger", "SubscribeStagger"]


class Stagger(Protocol):
    """What a session needs of the cross-connection stagger, so one kept in this process and
    one shared by several worker processes (`feed.shared_stagger`) are interchangeable."""

    spacing_s: float

    def want_trades(self, index: int, waiting: bool) -> None:
        """Connection `index` has (True) or no longer has (False) a trade subscribe to send."""

    def trades_waiting_elsewhere(self, index: int) -> bool:
        """Whether another connection still waits to send its trade set."""

    def wait_s(self, index: int, now: float) -> float:
        """Seconds connection `index` must still wait before its subscribe."""

    def try_claim(self, index: int, now: float) -> bool:
        """Claim the slot for a subscribe of `index` at `now` if it is free (check and claim in
        one step, so two processes never both take it); False means wait."""

    def count_wait(self) -> None:
        """A subscribe was held back by another connection's."""


class SubscribeStagger:
    """One per token: a subscribe from connection B goes `spacing_s` after one from A (§1.7)."""

    def __init__(self, spacing_s: float = 3.0) -> None:
        self.spacing_s = spacing_s
        self._last_at = -1e18
        self._last_index: int | None = None
        self._trades_waiting: set[int] = set()
        self.waits = 0
        """How many subscribes had to wait for another connection's (diagnostics)."""

    def want_trades(self, index: int, waiting: bool) -> None:
        """Connection `index` has (True) or no longer has (False) a trade subscribe to send.

        Trade sets go first: after an outage every connection's quotes come back before any
        connection spends a 3 s slot on its depth set."""
        if waiting:
            self._trades_waiting.add(index)
        else:
            self._trades_waiting.discard(index)

    def trades_waiting_elsewhere(self, index: int) -> bool:
        """Whether another connection still waits to send its trade set."""
        return bool(self._trades_waiting - {index})

    def wait_s(self, index: int, now: float) -> float:
        """Seconds connection `index` must still wait before its subscribe (0 when it may send)."""
        if self._last_index is None or self._last_index == index:
            return 0.0
        return max(0.0, self._last_at + self.spacing_s - now)

    def claim(self, index: int, now: float) -> None:
        """Connection `index` sends a subscribe at `now`."""
        self._last_at = now
        self._last_index = index

    def try_claim(self, index: int, now: float) -> bool:
        """Claim the slot at `now` unless another connection's subscribe is too recent."""
        if self.wait_s(index, now) > 0:
            return False
        self.claim(index, now)
        return True

    def count_wait(self) -> None:
        """A subscribe was held back by another connection's."""
        self.waits += 1


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

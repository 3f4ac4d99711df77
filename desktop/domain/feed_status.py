"""What the feed tells the user about itself: a state, a reason, and the numbers behind it."""

from __future__ import annotations

from enum import Enum

import msgspec

__all__ = ["FeedState", "FeedStatus"]


class FeedState(Enum):
    """Connection states shown in the status bar, from best to worst."""

    LIVE = "Live"
    DEGRADED = "Degraded"
    CONNECTING = "Connecting"
    RECONNECTING = "Reconnecting"
    OFFLINE = "Offline"
    TOKEN_REJECTED = "Token rejected"


class FeedStatus(msgspec.Struct, frozen=True):
    """One snapshot of the feed's health; `text` is the sentence the status bar shows."""

    state: FeedState
    reason: str = ""
    attempt: int = 0
    retry_in_s: float | None = None
    stale: int = 0
    demo: bool = False

    @property
    def text(self) -> str:
        """Short label: "Live", "Degraded (3 stale)", "Reconnecting in 7 s (attempt 3)", …"""
        state = self.state
        if state is FeedState.DEGRADED:
            return f"Degraded ({self.stale} stale)"
        if state is FeedState.RECONNECTING and self.retry_in_s is not None:
            return f"Reconnecting in {max(0, round(self.retry_in_s))} s (attempt {self.attempt})"
        if state is FeedState.OFFLINE and self.reason:
            return f"Offline ({self.reason})"
        return str(state.value)

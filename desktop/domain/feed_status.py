"""What the feed tells the user about itself: a state, a reason, and the numbers behind it."""

from __future__ import annotations

from enum import Enum

import msgspec

__all__ = ["FeedState", "FeedStatus", "ReconnectNotice"]


class FeedState(Enum):
    """Connection states shown in the status bar, from best to worst."""

    LIVE = "Live"
    DEGRADED = "Degraded"
    CONNECTING = "Connecting"
    RECONNECTING = "Reconnecting"
    OFFLINE = "Offline"
    TOKEN_REJECTED = "Token rejected"
    GATEWAY_DOWN = "Gateway down"
    """A board on the desk gateway: the gateway's heartbeat (or its Redis) is gone."""


class FeedStatus(msgspec.Struct, frozen=True):
    """One snapshot of the feed's health; `text` is the sentence the status bar shows.

    `retry_at` is the monotonic time of the next attempt, so a view can count down live
    (`text_at(now)`) without the feed publishing every second.
    """

    state: FeedState
    reason: str = ""
    attempt: int = 0
    retry_in_s: float | None = None
    stale: int = 0
    demo: bool = False
    retry_at: float | None = None
    last_error: str = ""
    """The most recent problem, even when the state has recovered (the tooltip shows it)."""

    @property
    def text(self) -> str:
        """Short label: "Live", "Degraded (3 stale)", "Reconnecting in 7 s (attempt 3)", …"""
        return self._label(self.retry_in_s)

    def text_at(self, now: float) -> str:
        """The label with the countdown computed for monotonic time `now`."""
        if self.retry_at is None:
            return self.text
        return self._label(max(0.0, self.retry_at - now))

    def _label(self, retry_in: float | None) -> str:
        state = self.state
        if state is FeedState.DEGRADED:
            return f"Degraded ({self.stale} stale)"
        if state is FeedState.RECONNECTING and retry_in is not None:
            if retry_in < 0.5:
                return f"Reconnecting… (attempt {self.attempt})"
            return f"Reconnecting in {round(retry_in)} s (attempt {self.attempt})"
        if state is FeedState.GATEWAY_DOWN and self.reason:
            return f"{state.value} ({self.reason})"
        if state is FeedState.OFFLINE:
            head = f"Offline ({self.reason})" if self.reason else "Offline"
            if retry_in is None:
                return head
            # The countdown is always shown: the wait ends sooner when the server answers.
            return (
                f"{head} · retry in {round(retry_in)} s"
                if retry_in >= 0.5
                else f"{head} · retrying…"
            )
        return str(state.value)


class ReconnectNotice(msgspec.Struct, frozen=True):
    """A connection came back: how many symbols were re-sent and how long data was missing."""

    symbols: int
    gap_s: float

    @property
    def text(self) -> str:
        """The banner sentence, e.g. "Reconnected — 42 symbols resubscribed, gap 12 s"."""
        noun = "symbol" if self.symbols == 1 else "symbols"
        gap = f"{self.gap_s:.1f} s" if self.gap_s < 10 else f"{round(self.gap_s)} s"
        return f"Reconnected — {self.symbols} {noun} resubscribed, gap {gap}"

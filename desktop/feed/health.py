"""The feed's health as the user reads it: per-connection states folded into one `FeedStatus`.

The states: Live / Degraded (N stale) / Reconnecting in 7 s (attempt 3) /
Offline (reason) / Token rejected, with the last error kept for the tooltip, and a
`ReconnectNotice` ("Reconnected — 42 symbols resubscribed, gap 12 s") once a dropped connection
has its full set accepted again. This is where feed errors become text the user reads, so every
reason and error passes `redact` here: a server that echoes the token never puts it on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop.domain.feed_status import FeedState, FeedStatus, ReconnectNotice
from desktop.feed.redact import redact

__all__ = ["ConnectionHealth", "FeedHealth"]

_ORDER = ("rejected", "offline", "reconnecting", "connecting", "live")


@dataclass(frozen=True, slots=True)
class _Common:
    demo: bool
    last_error: str


@dataclass(slots=True)
class ConnectionHealth:
    """What one connection last reported."""

    state: str = "connecting"
    reason: str = ""
    retry_at: float | None = None
    attempt: int = 0
    failed_opens: int = 0
    dropped_at: float | None = None
    """When it stopped being live; cleared when its full set is accepted again."""
    live_since: float | None = None
    """When the server last accepted its trade set; None while it is down or resubscribing."""


class FeedHealth:
    """Folds connection reports, stale counts and errors into the status the status bar shows.

    A connection whose last `offline_after` attempts all failed to even open (server down,
    network gone) reads "Offline (reason)" rather than "Reconnecting"; it still retries.
    """

    def __init__(
        self,
        *,
        demo: bool = False,
        clock: Callable[[], float] = time.monotonic,
        offline_after: int = 3,
    ) -> None:
        self.demo = demo
        self.clock = clock
        self.offline_after = offline_after
        self.connections: dict[int, ConnectionHealth] = {}
        self.stale = 0
        self.last_error = ""
        self.recoveries: list[float] = []
        """Gap of every completed recovery, in seconds (reliability report)."""

    def _get(self, index: int) -> ConnectionHealth:
        return self.connections.setdefault(index, ConnectionHealth())

    def report(
        self,
        index: int,
        state: str,
        reason: str,
        retry_in: float | None,
        *,
        attempt: int = 0,
        failed_opens: int = 0,
    ) -> None:
        """A connection's new state (connecting / reconnecting / live / rejected)."""
        conn = self._get(index)
        if state != "live" and conn.state == "live" and conn.dropped_at is None:
            conn.dropped_at = self.clock()
        reason = redact(reason)
        conn.state = state
        if state != "live":
            conn.live_since = None
        conn.reason = reason
        conn.retry_at = None if retry_in is None else self.clock() + retry_in
        conn.attempt = attempt
        conn.failed_opens = failed_opens
        if reason:
            self.last_error = reason

    def opened(self, index: int) -> None:
        """The socket is open; the full set is being re-sent."""
        conn = self._get(index)
        conn.state, conn.reason, conn.retry_at, conn.failed_opens = "live", "", None, 0

    def subscribed(self, index: int, symbols: int) -> ReconnectNotice | None:
        """The server accepted the trade set; after a drop this completes a recovery."""
        conn = self._get(index)
        if conn.live_since is None and conn.state == "live":
            conn.live_since = self.clock()
        if conn.dropped_at is None:
            return None
        gap = max(0.0, self.clock() - conn.dropped_at)
        conn.dropped_at = None
        self.recoveries.append(gap)
        return ReconnectNotice(symbols, gap)

    def error(self, text: str) -> None:
        """Remember a problem for the tooltip without changing the state."""
        self.last_error = redact(text)

    def status(self) -> FeedStatus:
        """The worst connection decides; Live with stale symbols reads Degraded."""
        common = _Common(self.demo, self.last_error)
        if not self.connections:
            return FeedStatus(FeedState.CONNECTING, demo=common.demo, last_error=common.last_error)

        def rank(conn: ConnectionHealth) -> int:
            return _ORDER.index(self._effective(conn))

        worst = min(self.connections.values(), key=rank)
        state = self._effective(worst)
        if state == "rejected":
            return FeedStatus(
                FeedState.TOKEN_REJECTED,
                reason=worst.reason,
                demo=common.demo,
                last_error=common.last_error,
            )
        if state in ("offline", "reconnecting"):
            retry_in = None if worst.retry_at is None else max(0.0, worst.retry_at - self.clock())
            return FeedStatus(
                FeedState.OFFLINE if state == "offline" else FeedState.RECONNECTING,
                reason=worst.reason,
                attempt=worst.attempt,
                retry_in_s=retry_in,
                retry_at=worst.retry_at,
                demo=common.demo,
                last_error=common.last_error,
            )
        if state == "connecting":
            return FeedStatus(
                FeedState.CONNECTING,
                reason=worst.reason,
                demo=common.demo,
                last_error=common.last_error,
            )
        if self.stale:
            return FeedStatus(
                FeedState.DEGRADED, stale=self.stale, demo=common.demo, last_error=common.last_error
            )
        return FeedStatus(FeedState.LIVE, demo=common.demo, last_error=common.last_error)

    def _effective(self, conn: ConnectionHealth) -> str:
        if conn.state == "reconnecting" and conn.failed_opens >= self.offline_after:
            return "offline"
        return conn.state if conn.state in _ORDER else "connecting"

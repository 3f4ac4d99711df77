"""A connection that runs in the ingest worker, as `FeedService` sees it: a `FeedConnection`'s face.

Commands go to the worker (`IngestProcess.send`); the worker's counters and callbacks come back
and are mirrored here, so the service, the status and the reliability report read the same
fields as from a connection on the GUI's loop. Counters of a crashed worker are kept and the
new worker's added to them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionEvents
from desktop.feed.ingest_wire import Command, ConnCounters, ConnMessage, Start
from desktop.feed.timing import ConnectionSettings
from desktop.protocol.alltick import DecodeStats
from desktop.protocol.subscriptions import ConnectionPlan

if TYPE_CHECKING:
    from desktop.feed.ingest_process import IngestProcess

__all__ = ["RemoteConnection"]

_STOP_WAIT_S = 10.0
"""How long `stop()` waits for the worker to close the socket before giving up on it."""


@dataclass(slots=True)
class SessionView:
    """The parts of the worker's `AllTickSession` the service reads."""

    plan: ConnectionPlan
    stats: DecodeStats = field(default_factory=DecodeStats)
    accepted_trades: tuple[Symbol, ...] | None = None
    pending: tuple[int, ...] = ()
    """seq_ids of the requests still waiting for a reply."""


@dataclass(slots=True)
class BackoffView:
    """The worker's reconnect backoff, as far as the status shows it."""

    attempt: int = 0


def _zero(index: int) -> ConnCounters:
    """Counters of a connection that has done nothing yet."""
    return ConnCounters(index, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, DecodeStats(), None, False)


def _add_stats(base: DecodeStats, more: DecodeStats) -> DecodeStats:
    """Counts of a crashed worker plus those of the one that replaced it."""
    reasons = dict(base.bad_by_reason)
    for kind, count in more.bad_by_reason.items():
        reasons[kind] = reasons.get(kind, 0) + count
    return DecodeStats(
        frames=base.frames + more.frames,
        trades=base.trades + more.trades,
        depths=base.depths + more.depths,
        replies=base.replies + more.replies,
        bad=base.bad + more.bad,
        unknown_cmd=base.unknown_cmd + more.unknown_cmd,
        last_error=more.last_error or base.last_error,
        bad_by_reason=reasons,
    )


class RemoteConnection:
    """Stands for connection `index` of the ingest worker; same interface as `FeedConnection`."""

    def __init__(
        self,
        index: int,
        url: str,
        events: ConnectionEvents,
        settings: ConnectionSettings,
        worker: IngestProcess,
    ) -> None:
        self.index = index
        self.url = url
        self.events = events
        self.settings = settings
        self.worker = worker
        self.session = SessionView(ConnectionPlan(index))
        self.backoff = BackoffView()
        self.frames = self.data_frames = self.backlog = self.max_backlog = 0
        self.connects = self.reconnects = self.failed_opens = self.restarts = 0
        self.mute_reconnects = self.dead_reconnects = 0
        self.sent_log: deque[tuple[float, int]] = deque(maxlen=512)
        self.attempts: deque[float] = deque(maxlen=256)
        self._base = _zero(index)
        """The counters of workers that crashed: the current worker's are added to them."""
        self._last = self._base
        self._apply_failures = DecodeStats()
        """Events the GUI's book raised on (counted as bad frames, as on the GUI's loop)."""
        self._known_bad: set[str] = set()
        self._running = False
        self._stopped: asyncio.Future[None] | None = None

    # -- the FeedConnection interface -----------------------------------------------------------
    def set_plan(self, plan: ConnectionPlan) -> None:
        """Desire a new full set (the worker paces and coalesces as on the GUI's loop)."""
        self.session.plan = plan
        if self._running:  # else `start()` sends it
            self.worker.send(Command("set_plan", self.index, plan))

    def resend(self) -> None:
        """Send the full set again."""
        self.worker.send(Command("resend", self.index))

    def start(self) -> None:
        """Begin connecting in the worker (idempotent; starts the worker if needed)."""
        if self._running:
            return
        self._running = True
        self.worker.ensure_started()
        self.send_start()

    def send_start(self) -> None:
        """Tell the (possibly new) worker to host and start this connection with its plan."""
        start = Start(self.index, self.url, self.settings, self.connects, self.reconnects)
        self.worker.send(start)
        self.worker.send(Command("set_plan", self.index, self.session.plan))

    async def stop(self) -> None:
        """Close the socket in the worker and stop reconnecting."""
        if not self._running:
            return
        self._running = False
        if not self.worker.connected:
            return  # no worker (it died and waits to restart): nothing runs to be stopped
        loop = asyncio.get_running_loop()
        self._stopped = stopped = loop.create_future()
        self.worker.send(Command("stop", self.index))
        try:
            await asyncio.wait_for(stopped, _STOP_WAIT_S)
        except TimeoutError:
            pass  # the worker is stuck or gone: closing the worker ends the socket anyway
        finally:
            self._stopped = None

    def reconnect_now(self) -> None:
        """End the wait before the next attempt."""
        self.worker.send(Command("reconnect_now", self.index))

    @property
    def running(self) -> bool:
        """True while the connection is wanted and not rejected for good."""
        return self._running

    # -- from the worker ------------------------------------------------------------------------
    def take_counters(self, counters: ConnCounters) -> None:
        """The worker's numbers for this connection (added to those of crashed workers)."""
        base = self._base
        self._last = counters
        self.frames = base.frames + counters.frames
        self.data_frames = base.data_frames + counters.data_frames
        self.backlog = counters.backlog
        self.max_backlog = max(base.max_backlog, counters.max_backlog)
        self.connects, self.reconnects = counters.connects, counters.reconnects
        self.mute_reconnects = base.mute_reconnects + counters.mute_reconnects
        self.dead_reconnects = base.dead_reconnects + counters.dead_reconnects
        self.failed_opens = counters.failed_opens
        self.backoff.attempt = counters.attempt
        self.restarts = base.restarts + counters.restarts
        stats = _add_stats(base.stats, counters.stats)
        self.session.stats = _add_stats(stats, self._apply_failures)
        if counters.accepted_changed:
            self.session.accepted_trades = counters.accepted_trades
        self.session.pending = counters.pending
        self.attempts.extend(counters.new_attempts)
        self.sent_log.extend(counters.new_sent)

    def take_message(self, message: ConnMessage) -> None:
        """One callback of the worker's connection, passed on to the service."""
        kind, index, events = message.kind, self.index, self.events
        if kind == "state":
            if message.state == "rejected":
                self._running = False
            events.on_state(index, message.state, message.reason, message.retry_in)
        elif kind == "opened":
            events.on_opened(index, message.is_reconnect)
        elif kind == "error" and message.error is not None:
            events.on_error(index, message.error)
        elif kind == "subscribed":
            events.on_subscribed(index, message.count)
        elif kind == "bad_frame":
            self._known_bad.add(message.reason)
            events.on_bad_frame(index, message.reason)
        elif kind == "stopped" and self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)

    def apply_failed(self, exc: Exception) -> None:
        """The GUI's book raised on one of this connection's events: a bad frame, told once."""
        kind = type(exc).__name__
        failures = self._apply_failures
        failures.bad += 1
        failures.last_error = str(exc).split("\n", 1)[0][:120] or kind
        failures.bad_by_reason[kind] = failures.bad_by_reason.get(kind, 0) + 1
        self.session.stats = _add_stats(_add_stats(self._base.stats, self._last.stats), failures)
        if kind not in self._known_bad:
            self._known_bad.add(kind)
            self.events.on_bad_frame(self.index, kind)

    def worker_lost(self, reason: str, retry_in: float) -> None:
        """The worker died: keep its counts, say why, and wait for the new one."""
        last, base = self._last, self._base
        self._base = replace(
            last,
            frames=base.frames + last.frames,
            data_frames=base.data_frames + last.data_frames,
            max_backlog=max(base.max_backlog, last.max_backlog),
            mute_reconnects=base.mute_reconnects + last.mute_reconnects,
            dead_reconnects=base.dead_reconnects + last.dead_reconnects,
            restarts=base.restarts + last.restarts + 1,
            stats=_add_stats(base.stats, last.stats),
        )
        self._last = _zero(self.index)
        self.restarts = self._base.restarts
        self.backlog = 0
        self.session.accepted_trades = None
        self.session.pending = ()
        if self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)
        if self._running:
            self.events.on_state(self.index, "reconnecting", reason, retry_in)

"""One AllTick WebSocket: moves frames and timers for its `AllTickSession`, and reconnects.

The protocol rules (full-set subscribes, pacing, heartbeats, replies, error codes) live in the
sans-I/O `protocol.alltick_session`; this module feeds it received text and the time, sends what
it asks for, sleeps until its next deadline, aborts a dead or mute socket and reconnects with the
backoff of reference §4.2 rule 3.

Every frame is decoded and applied (book, listeners, recorder tap) under one guard: any exception
is a bad frame counted by kind (`codec.stats.bad_by_reason`), logged once per kind and reported
once per kind to the owner, and the connection lives on. An unexpected error in the connection's
own machinery (a helper task, a callback) restarts the connection with the error as its reason,
which the status shows; nothing is swallowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import BookCounters
from desktop.domain.symbols import Market
from desktop.feed.bad_frames import BadFrameLog
from desktop.feed.reconnect_wait import ReconnectWait, WaitEnd, tcp_answers
from desktop.feed.redact import redact
from desktop.feed.timing import ConnectionSettings
from desktop.protocol.alltick_session import (
    AllTickSession,
    ServerError,
    SessionTiming,
    Subscribed,
)
from desktop.protocol.alltick_wire import Cmd
from desktop.protocol.backoff import CloseKind, ReconnectBackoff
from desktop.protocol.pacing import Stagger, SubscribeStagger
from desktop.protocol.subscriptions import ConnectionPlan

__all__ = ["ConnectionEvents", "ConnectionSettings", "EventSink", "FeedConnection", "FeedTap"]

log = logging.getLogger(__name__)

_SLICE_S = 0.004
"""Longest run of queued frames handled before a loop yields to the event loop."""

FeedTap: TypeAlias = Callable[[Tick | DepthSnapshot | ReferenceData], None]
"""Sees every event the book accepted (the tick recorder); must be a cheap, non-blocking call."""


class EventSink(Protocol):
    """Where a connection applies what it decodes: the `QuoteBook`, or a worker's relay."""

    counters: BookCounters

    def apply_tick(self, tick: Tick, now: float) -> None:
        """Apply one trade (counted in `counters.ticks` when accepted)."""

    def apply_depth(self, book: DepthSnapshot, now: float) -> bool:
        """Apply one book (counted in `counters.depth_updates` when accepted)."""


@dataclass(slots=True)
class ConnectionEvents:
    """Callbacks from a connection to its owner (the service); all run on the event loop."""

    on_state: Callable[[int, str, str, float | None], None]
    """(index, state, reason, retry_in_s): state is connecting/live/reconnecting/rejected/closed."""
    on_opened: Callable[[int, bool], None]
    """(index, is_reconnect): the socket is open and the full set is about to be re-sent."""
    on_error: Callable[[int, ServerError], None]
    """(index, error): the server answered a request with an error, and what it means."""
    on_subscribed: Callable[[int, int], None] = lambda index, count: None
    """(index, symbols): the server accepted this connection's trade set."""
    on_bad_frame: Callable[[int, str], None] = lambda index, kind: None
    """(index, kind): the first frame of a new kind of bad frame was dropped."""


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class FeedConnection:
    """Keeps one WebSocket alive and subscribed to its `ConnectionPlan`, feeding a `QuoteBook`."""

    def __init__(
        self,
        index: int,
        url: str,
        book: EventSink,
        events: ConnectionEvents,
        settings: ConnectionSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        stagger: Stagger | None = None,
        market_open: Callable[[Market], bool] = lambda market: False,
        tap: FeedTap | None = None,
        wall_ms: Callable[[], int] = _wall_ms,
    ) -> None:
        self.index = index
        self.wall_ms = wall_ms
        """Wall-clock milliseconds: the codec refuses data stamped more than a day from it."""
        self.tap = tap
        self.url = url
        self.book = book
        self.events = events
        self.settings = settings = settings or ConnectionSettings()
        self.clock = clock
        timing = SessionTiming(
            heartbeat_s=settings.heartbeat_s,
            dead_after_s=settings.dead_after_s,
            request_spacing_s=settings.request_spacing_s,
            rate_limit_first_s=settings.rate_limit_first_s,
            rate_limit_cap_s=settings.rate_limit_cap_s,
        )
        self.session = AllTickSession(
            index, timing, stagger or SubscribeStagger(settings.stagger_s)
        )
        self.backoff = ReconnectBackoff(
            floor_s=settings.reconnect_floor_s,
            cap_s=settings.reconnect_cap_s,
            healthy_reset_s=settings.healthy_reset_s,
            refused_within_s=settings.refused_within_s,
            long_delay_s=settings.long_backoff_s,
        )
        self.market_open = market_open
        self.waiter = ReconnectWait(
            lambda: tcp_answers(url, self.settings.open_timeout_s), clock=clock
        )
        self.frames = 0
        """Frames taken off the socket."""
        self.data_frames = 0
        self.max_backlog = 0
        self.mute_reconnects = 0
        self.dead_reconnects = 0
        self.failed_opens = 0
        """Consecutive attempts that did not even open a socket (server down, no network)."""
        self.sent_log: deque[tuple[float, int]] = deque(maxlen=512)
        """(clock time, cmd_id) of each request sent (spacing is checked at the source)."""
        self.attempts: deque[float] = deque(maxlen=256)
        """Clock time of each connection attempt (the reconnect spacing is checked on these)."""
        self.connects = 0
        self.reconnects = 0
        self._wake = asyncio.Event()
        self._inbox: deque[str | bytes] = deque()
        """Frames received but not decoded yet: our receive loop counts the backlog itself."""
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._abort_reason = ""
        self._task: asyncio.Task[None] | None = None
        self.bad_frames = BadFrameLog(index, self.session.codec, events.on_bad_frame)
        self.restarts = 0
        """Times an unexpected error in the connection's own machinery restarted it."""

    @property
    def backlog(self) -> int:
        """Frames received from the socket but not decoded yet."""
        return len(self._inbox)

    # -- control ------------------------------------------------------------------------------
    def set_plan(self, plan: ConnectionPlan) -> None:
        """Desire a new full set; quick successive edits coalesce into one request."""
        self.session.set_plan(plan)
        self._wake.set()

    def resend(self) -> None:
        """Send the full set again (after the service changed what it wants from a reply)."""
        self.session.resend()
        self._wake.set()

    def start(self) -> None:
        """Begin connecting (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"feed-connection-{self.index}"
            )

    async def stop(self) -> None:
        """Close the socket and stop reconnecting."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    def reconnect_now(self) -> None:
        """The user asked: end the wait before the next attempt (the plan's floor still holds)."""
        self.waiter.wake()

    @property
    def running(self) -> bool:
        """True while the connect/reconnect loop is alive."""
        return self._task is not None and not self._task.done()

    # -- lifecycle ----------------------------------------------------------------------------
    async def _run(self) -> None:
        """Connect and reconnect; an unexpected error restarts the loop, shown as the reason."""
        while True:
            try:
                await self._connect_loop()
                return  # rejected for good (401)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a bug must restart the feed, visibly
                self.restarts += 1
                log.exception("connection %d failed unexpectedly; restarting it", self.index)
                reason = f"internal error ({type(exc).__name__}: {exc}); restarted the connection"
                delay = self.settings.reconnect_floor_s
                with contextlib.suppress(Exception):
                    self.events.on_state(self.index, "reconnecting", redact(reason), delay)
                await asyncio.sleep(delay)

    async def _connect_loop(self) -> None:
        while True:
            opened_at: float | None = None
            kind = CloseKind.DROPPED
            reason = ""
            state = "reconnecting" if self.connects else "connecting"
            self.attempts.append(self.clock())
            self.events.on_state(self.index, state, "", None)
            try:
                async with connect(
                    self.url,
                    open_timeout=self.settings.open_timeout_s,
                    max_size=8 * 2**20,
                    max_queue=self.settings.max_queue,
                    user_agent_header="QuoteBoard",
                ) as ws:
                    opened_at = self.clock()
                    self.connects += 1
                    if self.connects > 1:
                        self.reconnects += 1
                    try:
                        kind, reason = await self._open_session(ws)
                    except asyncio.CancelledError:
                        # stop(): a switch or quit. Say goodbye with 1000 (normal closure);
                        # leaving it to `async with` would close with 1011 (internal error).
                        await ws.close()
                        raise
                    finally:
                        self.session.connection_closed()
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status == 401:
                    kind, reason = CloseKind.FATAL, "the server rejected the API token (HTTP 401)"
                else:
                    reason = f"the server refused the connection (HTTP {status})"
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as exc:
                reason = _describe(exc)
            if kind is CloseKind.FATAL:
                log.warning("connection %d stopped: %s", self.index, reason)
                self.events.on_state(self.index, "rejected", reason, None)
                return
            opened_for = healthy_for = None
            self.failed_opens = self.failed_opens + 1 if opened_at is None else 0
            if opened_at is not None:
                opened_for = self.clock() - opened_at
                healthy_for = max(0.0, self.session.last_heartbeat_ok - opened_at)
            delay = self.backoff.next_delay(opened_for, kind, healthy_for)
            # A new socket's first request still keeps the request spacing from the last one.
            spacing = self.settings.request_spacing_s
            spacing_until = self.sent_log[-1][0] + spacing if self.sent_log else 0.0
            delay = max(delay, spacing_until - self.clock())
            log.info(
                "connection %d to %s ended (%s); retrying in %.1f s",
                self.index,
                redact(self.url),
                reason or kind.value,
                delay,
            )
            self.events.on_state(self.index, "reconnecting", reason, delay)
            # Long waits are for refusals and rate limits; after a plain outage, probe the server
            # and come back as soon as it answers (attempts still ≥ the floor apart, §1.7).
            refused = self.backoff.classify(opened_for, kind) is not CloseKind.DROPPED
            earliest = max(self.attempts[-1] + self.settings.reconnect_floor_s, spacing_until)
            end = await self.waiter.wait(delay, earliest, probe=not refused)
            if end is not WaitEnd.TIMER:
                log.info("connection %d: retrying now (%s)", self.index, end.value)

    async def _open_session(self, ws: ClientConnection) -> tuple[CloseKind, str]:
        """Run one open socket until it ends; returns how it ended."""
        self.session.connection_opened(self.clock())
        self._abort_reason = ""
        self._inbox.clear()
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.events.on_opened(self.index, self.connects > 1)
        helpers = [
            asyncio.create_task(self._read(ws), name="feed-reader"),
            asyncio.create_task(self._timers(ws), name="feed-timers"),
        ]
        helpers[1].add_done_callback(lambda task: self._helper_ended(task, ws))
        try:
            return await self._decode(ws, helpers[0])
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    async def _read(self, ws: ClientConnection) -> None:
        """Move frames from the socket into our inbox, counting them, at most `max_queue` ahead.

        `recv()` returns queued frames without yielding, so under a burst this hands the loop
        back every few milliseconds; a full inbox stops reading, which lets websockets' own
        flow control push back on the server.
        """
        inbox = self._inbox
        high = max(1, self.settings.max_queue)
        ready, room = self._ready, self._room
        slice_started = time.perf_counter()
        try:
            while True:
                frame = await ws.recv()  # str for a text frame, bytes for a binary one
                inbox.append(frame)
                self.frames += 1
                if not ready.is_set():
                    ready.set()
                queued = len(inbox)
                if queued > self.max_backlog:
                    self.max_backlog = queued
                if queued >= high:
                    room.clear()
                    await room.wait()
                    slice_started = time.perf_counter()
                elif not self.frames & 255:
                    now_pc = time.perf_counter()
                    if now_pc - slice_started > _SLICE_S:
                        await asyncio.sleep(0)
                        slice_started = time.perf_counter()
        finally:
            ready.set()

    async def _decode(
        self, ws: ClientConnection, reader: asyncio.Task[None]
    ) -> tuple[CloseKind, str]:
        """Feed every received frame to the session and its trades and books straight into the
        book: never waits on the UI."""
        session = self.session
        receive = session.receive_text
        take = session.events
        book = self.book
        clock = self.clock
        counters = book.counters
        tap = self.tap
        inbox = self._inbox
        ready, room = self._ready, self._room
        low = max(1, self.settings.max_queue // 4)
        wall = self.wall_ms
        stats = session.stats
        bad_seen = stats.bad
        decoded = 0
        slice_started = time.perf_counter()
        while True:
            if not inbox:
                if reader.done():
                    return CloseKind.DROPPED, self._abort_reason or _closed_reason(reader)
                ready.clear()
                await ready.wait()
                slice_started = time.perf_counter()
                continue
            decoded += 1
            if not decoded & 63:
                # Under a burst, hand the loop back every few milliseconds so paints, timers
                # and heartbeats keep their pace (before taking a frame: the heartbeat watchdog
                # judges only when the inbox is empty).
                now_pc = time.perf_counter()
                if now_pc - slice_started > _SLICE_S:
                    await asyncio.sleep(0)
                    slice_started = time.perf_counter()
            frame = inbox.popleft()
            if not room.is_set() and len(inbox) <= low:
                room.set()
            now = clock()
            verdict = None
            try:  # the one guard: whatever this frame does, the connection lives on
                receive(frame, now, wall(), binary=type(frame) is bytes)
                if stats.bad != bad_seen:
                    bad_seen = stats.bad
                    self.bad_frames.decoder_counted()
                for event in take():
                    kind = type(event)
                    if kind is Tick:
                        self.data_frames += 1
                        applied = counters.ticks
                        book.apply_tick(event, now)  # type: ignore[arg-type]
                        if tap is not None and counters.ticks != applied:  # accepted, once
                            tap(event)  # type: ignore[arg-type]
                    elif kind is DepthSnapshot:
                        self.data_frames += 1
                        applied = counters.depth_updates
                        book.apply_depth(event, now)  # type: ignore[arg-type]
                        if tap is not None and counters.depth_updates != applied:  # subscribed
                            tap(event)  # type: ignore[arg-type]
                    elif kind is ServerError:
                        verdict = self._on_error(event)  # type: ignore[arg-type]
                        if verdict is not None:
                            break
                    elif kind is Subscribed and event.cmd_id == Cmd.SUBSCRIBE_TRADES:  # type: ignore[union-attr]
                        self.events.on_subscribed(self.index, len(event.symbols))  # type: ignore[union-attr]
            except Exception as exc:  # noqa: BLE001 - counted by kind, logged once per kind
                self.bad_frames.failed(exc)
                bad_seen = stats.bad
            if verdict is not None:
                await ws.close()
                return verdict

    def _on_error(self, error: ServerError) -> tuple[CloseKind, str] | None:
        reply = error.reply
        log.warning("connection %d: server answered %d %s", self.index, reply.ret, reply.msg)
        self.events.on_error(self.index, error)
        self._wake.set()  # a held or forgotten request changes what is due
        return error.close

    def _helper_ended(self, task: asyncio.Task[None], ws: ClientConnection) -> None:
        """A timer task that failed must not leave a socket without heartbeats: end the socket
        with the error as its reason (the connection then reconnects and the status shows it)."""
        if task.cancelled() or task.exception() is None:
            return
        exc = task.exception()
        assert exc is not None
        self.restarts += 1
        log.error(
            "connection %d: timer task failed; restarting the socket", self.index, exc_info=exc
        )
        self._abort_reason = f"internal error ({type(exc).__name__}: {exc})"
        ws.transport.abort()

    async def _timers(self, ws: ClientConnection) -> None:
        """Send what the session asks for when it asks; abort a dead or mute socket (§1.6)."""
        session = self.session
        settings = self.settings
        step = min(settings.heartbeat_s, settings.dead_after_s) / 4
        while True:
            self._wake.clear()
            now = self.clock()
            # Frames still queued unread may hold the reply: judge the server only once caught up.
            if session.heartbeat_timed_out(now) and not self._inbox:
                log.warning("connection %d: no heartbeat reply, declaring it dead", self.index)
                self.dead_reconnects += 1
                self._abort_reason = f"no heartbeat reply for {settings.dead_after_s:g} s"
                ws.transport.abort()
                return
            if self._is_mute(now):
                log.warning("connection %d: connected but mute, reconnecting", self.index)
                self.mute_reconnects += 1
                mute_s = settings.mute_after_s
                self._abort_reason = f"connected but no data for {mute_s:g} s in market hours"
                ws.transport.abort()
                return
            for request in session.data_to_send(now):
                self.sent_log.append((now, request.cmd_id))
                await ws.send(request.text)
            now = self.clock()
            deadline = session.next_deadline()
            wait = step if deadline is None else min(step, deadline - now)
            await self._sleep(max(wait, 0.001))

    async def _sleep(self, seconds: float) -> None:
        """Sleep `seconds`, or less when the plan changes or a reply asks for a resend."""
        wake = self._wake
        handle = asyncio.get_running_loop().call_later(seconds, wake.set)
        try:
            await wake.wait()
        finally:
            handle.cancel()

    def _is_mute(self, now: float) -> bool:
        """Heartbeats fine, subscribed, a market open, yet no data for `mute_after_s` (§4.2.5)."""
        session = self.session
        plan = session.plan
        if self.settings.mute_after_s <= 0 or not plan.trades or session.sent_trades is None:
            return False
        if now - session.last_data_at <= self.settings.mute_after_s:
            return False
        markets = {symbol.market for symbol in plan.trades}
        return any(self.market_open(market) for market in markets)


def _closed_reason(reader: asyncio.Task[None]) -> str:
    """Why the reader stopped, in words."""
    exc = None if reader.cancelled() else reader.exception()
    if exc is not None and not isinstance(exc, ConnectionClosed):
        log.error("feed reader failed: %r", exc, exc_info=exc)
    return _describe(exc) if exc is not None else "connection lost"


def _describe(exc: BaseException) -> str:
    """A short sentence for why a connection ended."""
    if isinstance(exc, ConnectionClosed):
        rcvd = exc.rcvd
        if rcvd is None:
            return "connection lost"
        return f"closed by the server ({rcvd.code}{' ' + rcvd.reason if rcvd.reason else ''})"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError):
        return exc.strerror or "network error"
    return redact(str(exc)) or type(exc).__name__

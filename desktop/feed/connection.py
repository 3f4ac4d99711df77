"""One AllTick WebSocket: heartbeat, watchdog, paced full-set subscriptions and reconnects.

Reference §1.5–1.7 and §4.2: every subscribe carries the connection's FULL set (it replaces the
previous one), requests on a connection are ≥ 1 s apart, 22000 goes out every 10 s and a
connection with no 22001 for 20 s is dead; after every reconnect the whole set is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market
from desktop.feed.redact import redact
from desktop.feed.timing import ConnectionSettings, RateLimitBackoff, SubscribeStagger
from desktop.protocol.alltick import AllTickCodec, OutgoingRequest, Reply
from desktop.protocol.alltick_wire import Cmd, ErrorCode
from desktop.protocol.backoff import CloseKind, ReconnectBackoff
from desktop.protocol.subscriptions import ConnectionPlan

__all__ = ["ConnectionEvents", "ConnectionSettings", "FeedConnection", "FeedTap"]

log = logging.getLogger(__name__)

_SLICE_S = 0.004
"""Longest run of queued frames decoded before the receive loop yields to the event loop."""

FeedTap: TypeAlias = Callable[[Tick | DepthSnapshot | ReferenceData], None]
"""Sees every event the book accepted (the tick recorder); must be a cheap, non-blocking call."""


@dataclass(slots=True)
class ConnectionEvents:
    """Callbacks from a connection to its owner (the service); all run on the event loop."""

    on_state: Callable[[int, str, str, float | None], None]
    """(index, state, reason, retry_in_s): state is connecting/live/reconnecting/rejected/closed."""
    on_opened: Callable[[int, bool], None]
    """(index, is_reconnect): the socket is open and the full set is about to be re-sent."""
    on_error_reply: Callable[[int, Reply, OutgoingRequest | None], None]
    on_subscribed: Callable[[int, int], None] = lambda index, count: None
    """(index, symbols): the server accepted this connection's trade set."""


class FeedConnection:
    """Keeps one WebSocket alive and subscribed to its `ConnectionPlan`, feeding a `QuoteBook`."""

    def __init__(
        self,
        index: int,
        url: str,
        book: QuoteBook,
        events: ConnectionEvents,
        settings: ConnectionSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        stagger: SubscribeStagger | None = None,
        market_open: Callable[[Market], bool] = lambda market: False,
        tap: FeedTap | None = None,
    ) -> None:
        self.index = index
        self.tap = tap
        self.url = url
        self.book = book
        self.events = events
        self.settings = settings or ConnectionSettings()
        self.clock = clock
        self.codec = AllTickCodec()
        self.backoff = ReconnectBackoff(
            floor_s=self.settings.reconnect_floor_s,
            cap_s=self.settings.reconnect_cap_s,
            healthy_reset_s=self.settings.healthy_reset_s,
            refused_within_s=self.settings.refused_within_s,
            long_delay_s=self.settings.long_backoff_s,
        )
        self.stagger = stagger or SubscribeStagger(self.settings.stagger_s, clock)
        self.rate_limit = RateLimitBackoff(
            self.settings.rate_limit_first_s, self.settings.rate_limit_cap_s
        )
        self.market_open = market_open
        self.plan = ConnectionPlan(index)
        self.frames = 0
        self.data_frames = 0
        self.backlog = 0
        """Frames received by the socket but not decoded yet (sampled per frame)."""
        self.max_backlog = 0
        self.mute_reconnects = 0
        self.failed_opens = 0
        self.sent_log: deque[tuple[float, int]] = deque(maxlen=512)
        """(clock time, cmd_id) of each request sent (tests check spacing at the source)."""
        self.attempts: deque[float] = deque(maxlen=256)
        """Clock time of each connection attempt (tests check the reconnect spacing)."""
        """Consecutive attempts that did not even open a socket (server down, no network)."""
        self.dead_reconnects = 0
        self._last_data_at = 0.0
        self._last_heartbeat_ok = 0.0
        self.connects = 0
        self.reconnects = 0
        self._plan_changed = asyncio.Event()
        self._sent_trades: tuple[object, ...] | None = None
        self._sent_depth: tuple[object, ...] | None = None
        self._pending: dict[int, OutgoingRequest] = {}
        self._last_request_at = -1e9
        self._heartbeat_outstanding: float | None = None
        self._send_lock = asyncio.Lock()
        self._abort_reason = ""
        self._task: asyncio.Task[None] | None = None
        self._fatal = False

    # -- control ------------------------------------------------------------------------------
    def set_plan(self, plan: ConnectionPlan) -> None:
        """Desire a new full set; quick successive edits coalesce into one request."""
        self.plan = plan
        self._plan_changed.set()

    def start(self) -> None:
        """Begin connecting (idempotent)."""
        if self._task is None or self._task.done():
            self._fatal = False
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

    @property
    def running(self) -> bool:
        """True while the connect/reconnect loop is alive."""
        return self._task is not None and not self._task.done()

    # -- lifecycle ----------------------------------------------------------------------------
    async def _run(self) -> None:
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
                        kind, reason = await self._session(ws)
                    except asyncio.CancelledError:
                        # stop(): a switch or quit. Say goodbye with 1000 (normal closure);
                        # leaving it to `async with` would close with 1011 (internal error).
                        await ws.close()
                        raise
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status == 401:
                    kind, reason = CloseKind.FATAL, "the server rejected the API token (HTTP 401)"
                else:
                    reason = f"the server refused the connection (HTTP {status})"
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as exc:
                reason = _describe(exc)
            if kind is CloseKind.FATAL:
                self._fatal = True
                log.warning("connection %d stopped: %s", self.index, reason)
                self.events.on_state(self.index, "rejected", reason, None)
                return
            opened_for = healthy_for = None
            self.failed_opens = self.failed_opens + 1 if opened_at is None else 0
            if opened_at is not None:
                opened_for = self.clock() - opened_at
                healthy_for = max(0.0, self._last_heartbeat_ok - opened_at)
            delay = self.backoff.next_delay(opened_for, kind, healthy_for)
            log.info(
                "connection %d to %s ended (%s); retrying in %.1f s",
                self.index,
                redact(self.url),
                reason or kind.value,
                delay,
            )
            self.events.on_state(self.index, "reconnecting", reason, delay)
            await asyncio.sleep(delay)

    async def _session(self, ws: ClientConnection) -> tuple[CloseKind, str]:
        """Run one open socket until it ends; returns how it ended."""
        self._sent_trades = self._sent_depth = None
        self._pending.clear()
        self._heartbeat_outstanding = None
        self._abort_reason = ""
        self._last_request_at = -1e9
        self._last_data_at = self.clock()
        self.rate_limit.forgive()
        self.events.on_opened(self.index, self.connects > 1)
        self._plan_changed.set()
        helpers = [
            asyncio.create_task(self._subscriber(ws), name="feed-subscriber"),
            asyncio.create_task(self._heartbeat(ws), name="feed-heartbeat"),
        ]
        try:
            return await self._receive(ws)
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    async def _receive(self, ws: ClientConnection) -> tuple[CloseKind, str]:
        """Decode every frame straight into the book: never waits on the UI (deliverable 6)."""
        decode = self.codec.decode
        book = self.book
        clock = self.clock
        queue = ws.recv_messages.frames
        counters = book.counters
        tap = self.tap
        slice_started = time.perf_counter()
        while True:
            try:
                frame = await ws.recv()  # str for a text frame, bytes for a binary one
            except ConnectionClosed as exc:
                return CloseKind.DROPPED, self._abort_reason or _describe(exc)
            self.frames += 1
            backlog = self.backlog = len(queue)
            if backlog and not self.frames & 63:
                # recv() returns queued frames without yielding: under a burst, hand the loop
                # back every few milliseconds so paints, timers and heartbeats keep their pace.
                now_pc = time.perf_counter()
                if now_pc - slice_started > _SLICE_S:
                    await asyncio.sleep(0)
                    slice_started = time.perf_counter()
            elif not backlog:
                slice_started = time.perf_counter()
            if backlog > self.max_backlog:
                self.max_backlog = backlog
            event = decode(frame, time.time_ns() // 1_000_000, binary=type(frame) is bytes)
            kind = type(event)
            if kind is Tick:
                now = self._last_data_at = clock()
                self.data_frames += 1
                applied = counters.ticks
                book.apply_tick(event, now)  # type: ignore[arg-type]
                if tap is not None and counters.ticks != applied:  # recorder: no duplicates
                    tap(event)  # type: ignore[arg-type]
            elif kind is DepthSnapshot:
                now = self._last_data_at = clock()
                self.data_frames += 1
                book.apply_depth(event, now)  # type: ignore[arg-type]
                if tap is not None:
                    tap(event)  # type: ignore[arg-type]
            elif kind is Reply:
                verdict = self._on_reply(event)  # type: ignore[arg-type]
                if verdict is not None:
                    await ws.close()
                    return verdict

    def _on_reply(self, reply: Reply) -> tuple[CloseKind, str] | None:
        request = self._pending.pop(reply.seq_id, None) if reply.seq_id is not None else None
        if reply.cmd_id == Cmd.HEARTBEAT_REPLY:
            self._heartbeat_outstanding = None
            self._last_heartbeat_ok = self.clock()
            return None
        if reply.ret == ErrorCode.OK:
            self.rate_limit.forgive()
            if request is not None and request.cmd_id == Cmd.SUBSCRIBE_TRADES:
                self._last_data_at = max(self._last_data_at, self.clock())
                self.events.on_subscribed(self.index, len(self.plan.trades))
            return None
        log.warning("connection %d: server answered %d %s", self.index, reply.ret, reply.msg)
        self.events.on_error_reply(self.index, reply, request)
        if reply.ret == ErrorCode.TOKEN_INVALID:
            return CloseKind.FATAL, "the server rejected the API token (401)"
        if reply.ret == ErrorCode.TOO_MANY_AND_CLOSED:
            return (
                CloseKind.RATE_LIMITED,
                "too many requests: the server closed the connection (606)",
            )
        if reply.ret in (ErrorCode.RATE_LIMIT, ErrorCode.TOO_MANY_REQUESTS) and request:
            hold = self.rate_limit.penalise(self.clock())
            log.info("connection %d: rate limited; holding requests %.1f s", self.index, hold)
            self._forget(request)
        return None

    def _forget(self, request: OutgoingRequest) -> None:
        """Re-send this set later: forget what we think the server has."""
        if request.cmd_id == Cmd.SUBSCRIBE_TRADES:
            self._sent_trades = None
        elif request.cmd_id == Cmd.SUBSCRIBE_DEPTH:
            self._sent_depth = None
        self._plan_changed.set()

    def resend(self) -> None:
        """Send the full set again (after the service changed what it wants from a reply)."""
        self._sent_trades = self._sent_depth = None
        self._plan_changed.set()

    async def _send(
        self, ws: ClientConnection, request: OutgoingRequest, *, subscribe: bool = False
    ) -> None:
        """Send one request ≥ `request_spacing_s` after the previous one, later when rate-limited,
        and a subscribe ≥ `stagger_s` after another connection's (§1.7)."""
        async with self._send_lock:
            now = self.clock()
            wait = max(
                self._last_request_at + self.settings.request_spacing_s - now,
                self.rate_limit.wait_s(now),
            )
            if wait > 0:
                await asyncio.sleep(wait)
            if subscribe:
                await self.stagger.turn(self.index)
            self._pending[request.seq_id] = request
            if len(self._pending) > 64:
                self._pending.pop(next(iter(self._pending)))
            self._last_request_at = self.clock()
            self.sent_log.append((self._last_request_at, request.cmd_id))
            await ws.send(request.text)

    async def _subscriber(self, ws: ClientConnection) -> None:
        """Send the full trade and depth sets whenever they differ from what the server has."""
        while True:
            await self._plan_changed.wait()
            self._plan_changed.clear()
            plan = self.plan
            if plan.trades != self._sent_trades:
                # An empty set on a fresh socket needs no request: the server starts empty.
                needs_request = bool(plan.trades) or bool(self._sent_trades)
                self._sent_trades = plan.trades
                if needs_request:
                    await self._send(
                        ws, self.codec.subscribe_trades(list(plan.trades)), subscribe=True
                    )
            plan = self.plan  # may have changed while we waited for spacing
            if plan.depth != self._sent_depth:
                needs_request = bool(plan.depth) or bool(self._sent_depth)
                self._sent_depth = plan.depth
                if needs_request:
                    await self._send(
                        ws, self.codec.subscribe_depth(list(plan.depth)), subscribe=True
                    )
            if self.plan.trades != self._sent_trades or self.plan.depth != self._sent_depth:
                self._plan_changed.set()

    async def _heartbeat(self, ws: ClientConnection) -> None:
        """22000 every `heartbeat_s`; abort the socket when 22001 stops coming (§1.6)."""
        settings = self.settings
        step = min(settings.heartbeat_s, settings.dead_after_s) / 4
        next_beat = self.clock() + settings.heartbeat_s
        while True:
            await asyncio.sleep(step)
            now = self.clock()
            outstanding = self._heartbeat_outstanding
            # Frames still queued unread may hold the reply: judge the server only once caught up.
            caught_up = not ws.recv_messages.frames
            if outstanding is not None and now - outstanding > settings.dead_after_s and caught_up:
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
            if now >= next_beat:
                await self._send(ws, self.codec.heartbeat())
                next_beat = self.clock() + settings.heartbeat_s
                if self._heartbeat_outstanding is None:
                    self._heartbeat_outstanding = self.clock()

    def _is_mute(self, now: float) -> bool:
        """Heartbeats fine, subscribed, a market open, yet no data for `mute_after_s` (§4.2.5)."""
        plan = self.plan
        if self.settings.mute_after_s <= 0 or not plan.trades or self._sent_trades is None:
            return False
        if now - self._last_data_at <= self.settings.mute_after_s:
            return False
        markets = {symbol.market for symbol in plan.trades}
        return any(self.market_open(market) for market in markets)


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

"""One AllTick connection's protocol state, sans I/O: text and time in, events and frames out.

In the manner of websockets' `ClientProtocol`: the I/O layer feeds `receive_text(text, now, wall_ms)`,
takes typed `events()`, sends what `data_to_send(now)` returns and sleeps until
`next_deadline()`. The session owns what the connection wants and what it sent and the server
accepted, the pending replies (seq_id → request), request pacing and the error-code policy.
Reference §1.5–1.8 and §4.2: every subscribe carries the connection's FULL set (it replaces the
previous one), requests are ≥ 1 s apart, 22000 goes out every 10 s, a connection with no 22001
for 20 s is dead, and after every (re)open the whole set is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick import AllTickCodec, DecodeStats, OutgoingRequest, Reply
from desktop.protocol.alltick_wire import Cmd, ErrorCode
from desktop.protocol.backoff import CloseKind
from desktop.protocol.pacing import RateLimitBackoff, Stagger, SubscribeStagger
from desktop.protocol.subscriptions import ConnectionPlan

__all__ = [
    "AllTickSession",
    "ErrorDecision",
    "HeartbeatAck",
    "ServerError",
    "SessionEvent",
    "SessionTiming",
    "Subscribed",
]

_MAX_PENDING = 64
"""Replies the session waits for at most; older requests are forgotten (a server that never
answers must not grow memory)."""


@dataclass(frozen=True, slots=True)
class SessionTiming:
    """The protocol's timing rules for one connection; tests shrink them."""

    heartbeat_s: float = 10.0
    """22000 every this many seconds (§1.6)."""
    dead_after_s: float = 20.0
    """No 22001 for this long: the connection is dead (well before the server's 30 s)."""
    request_spacing_s: float = 1.2
    """Requests at least this far apart: the rule is 1 s (§1.7), plus margin."""
    rate_limit_first_s: float = 2.0
    rate_limit_cap_s: float = 30.0


class ErrorDecision(Enum):
    """What the I/O layer must do about a server error reply (§1.8, §4.1)."""

    STOP = "stop"
    """401: the token is refused; stop reconnecting and tell the user."""
    RECONNECT_LATER = "reconnect later"
    """606: the server closes the connection; reconnect after a long backoff."""
    HOLD_AND_RESEND = "hold and resend"
    """429/605: the session holds its requests for a while, then resends the full set itself."""
    FIND_REFUSED = "find refused codes"
    """600/604: a code in the request is unknown or not entitled; find which and drop it."""
    REPORT = "report"
    """Anything else: report it; nothing to change."""


_DECISIONS: dict[int, ErrorDecision] = {
    ErrorCode.TOKEN_INVALID: ErrorDecision.STOP,
    ErrorCode.TOO_MANY_AND_CLOSED: ErrorDecision.RECONNECT_LATER,
    ErrorCode.RATE_LIMIT: ErrorDecision.HOLD_AND_RESEND,
    ErrorCode.TOO_MANY_REQUESTS: ErrorDecision.HOLD_AND_RESEND,
    ErrorCode.CODE_INVALID: ErrorDecision.FIND_REFUSED,
    ErrorCode.CODE_UNAUTHORIZED: ErrorDecision.FIND_REFUSED,
}


@dataclass(frozen=True, slots=True)
class HeartbeatAck:
    """The server answered a 22000: the connection is alive at `at`."""

    at: float


@dataclass(frozen=True, slots=True)
class Subscribed:
    """The server accepted a full-set subscribe (`cmd_id` 22004 trades or 22002 depth)."""

    cmd_id: int
    symbols: tuple[Symbol, ...]


@dataclass(frozen=True, slots=True)
class ServerError:
    """An error reply, the request it answers (None if unknown) and what to do about it."""

    reply: Reply
    request: OutgoingRequest | None
    decision: ErrorDecision

    @property
    def symbols(self) -> tuple[Symbol, ...]:
        """The codes the refused request listed (empty for a heartbeat or an unknown request)."""
        return self.request.symbols if self.request is not None else ()

    @property
    def close(self) -> tuple[CloseKind, str] | None:
        """How the connection ends because of this error, or None when it stays open."""
        if self.decision is ErrorDecision.STOP:
            return CloseKind.FATAL, "the server rejected the API token (401)"
        if self.decision is ErrorDecision.RECONNECT_LATER:
            return (
                CloseKind.RATE_LIMITED,
                "too many requests: the server closed the connection (606)",
            )
        return None


SessionEvent = Tick | DepthSnapshot | HeartbeatAck | Subscribed | ServerError


class AllTickSession:
    """Protocol state of one AllTick connection; never does I/O and never reads the clock."""

    def __init__(
        self,
        index: int = 0,
        timing: SessionTiming | None = None,
        stagger: Stagger | None = None,
        codec: AllTickCodec | None = None,
    ) -> None:
        self.index = index
        self.timing = timing or SessionTiming()
        self.stagger: Stagger = stagger or SubscribeStagger(0.0)
        """Shared by every connection of a token: subscribes of different ones are spaced."""
        self.codec = codec or AllTickCodec()
        self.rate_limit = RateLimitBackoff(
            self.timing.rate_limit_first_s, self.timing.rate_limit_cap_s
        )
        self.plan = ConnectionPlan(index)
        self.pending: dict[int, OutgoingRequest] = {}
        """seq_id → the request whose reply has not come yet (oldest first)."""
        self.sent_trades: tuple[Symbol, ...] | None = None
        """The trade set last sent on this socket (None: nothing, so the plan is due)."""
        self.sent_depth: tuple[tuple[Symbol, int], ...] | None = None
        self.accepted_trades: tuple[Symbol, ...] | None = None
        """The trade set the server last accepted (200) on this socket."""
        self.accepted_depth: tuple[Symbol, ...] | None = None
        self.last_data_at = 0.0
        """When the last trade or book arrived (or a trade subscribe was accepted)."""
        self.last_heartbeat_ok = 0.0
        self.is_open = False
        self._events: list[SessionEvent] = []
        self._last_request_at = -1e18
        self._next_beat = 0.0
        self._held_until = 0.0
        """A depth subscribe held back for other connections' trade sets looks again then."""
        self._heartbeat_outstanding: float | None = None

    # -- the connection's life ------------------------------------------------------------------
    def connection_opened(self, now: float) -> None:
        """A fresh socket: the server knows nothing, so the whole plan is due again."""
        self.is_open = True
        self.sent_trades = self.sent_depth = None
        self.accepted_trades = self.accepted_depth = None
        self.pending.clear()
        self._events.clear()
        self._heartbeat_outstanding = None
        self._last_request_at = -1e18
        self._next_beat = now + self.timing.heartbeat_s
        self.last_data_at = now
        self.rate_limit.forgive()

    def connection_closed(self) -> None:
        """The socket is gone: nothing is due until the next open."""
        self.stagger.want_trades(self.index, False)  # a closed socket holds no one back
        self.is_open = False

    def set_plan(self, plan: ConnectionPlan) -> None:
        """Desire a new full set; the next paced subscribe carries it."""
        self.plan = plan

    def resend(self) -> None:
        """Send the full sets again, as if the server had forgotten them."""
        self.sent_trades = self.sent_depth = None

    # -- incoming ---------------------------------------------------------------------------------
    @property
    def stats(self) -> DecodeStats:
        """What the decoder saw; malformed frames are counted here, never raised."""
        return self.codec.stats

    def receive_text(
        self, text: str | bytes, now: float, wall_ms: int, *, binary: bool = False
    ) -> None:
        """One received frame at monotonic `now` and wall-clock `wall_ms` (a trade or book
        stamped more than a day from it is refused); `text` is a text frame (bytes are its
        UTF-8), `binary` marks a binary WebSocket message, which is refused. Its events wait in
        `events()`."""
        event = self.codec.decode(text, wall_ms, binary=binary)
        if event is None:
            return
        kind = type(event)
        if kind is Tick or kind is DepthSnapshot:
            self.last_data_at = now
            self._events.append(event)  # type: ignore[arg-type]
            return
        self._on_reply(event, now)  # type: ignore[arg-type]

    def events(self) -> list[SessionEvent]:
        """The events received since the last call, oldest first."""
        events = self._events
        if events:
            self._events = []
        return events

    def _on_reply(self, reply: Reply, now: float) -> None:
        request = self.pending.pop(reply.seq_id, None) if reply.seq_id is not None else None
        if reply.cmd_id == Cmd.HEARTBEAT_REPLY:
            self._heartbeat_outstanding = None
            self.last_heartbeat_ok = now
            self._events.append(HeartbeatAck(now))
            return
        if reply.ret == ErrorCode.OK:
            self.rate_limit.forgive()
            if request is not None and request.cmd_id == Cmd.SUBSCRIBE_TRADES:
                self.accepted_trades = request.symbols
                self.last_data_at = max(self.last_data_at, now)
                self._events.append(Subscribed(request.cmd_id, request.symbols))
            elif request is not None and request.cmd_id == Cmd.SUBSCRIBE_DEPTH:
                self.accepted_depth = request.symbols
                self._events.append(Subscribed(request.cmd_id, request.symbols))
            return
        decision = _DECISIONS.get(reply.ret, ErrorDecision.REPORT)
        if decision is ErrorDecision.HOLD_AND_RESEND:
            if request is None:
                decision = ErrorDecision.REPORT
            else:
                self.rate_limit.penalise(now)
                self._forget(request)
        self._events.append(ServerError(reply, request, decision))

    def _forget(self, request: OutgoingRequest) -> None:
        """Send this set again later: forget what we think the server has."""
        if request.cmd_id == Cmd.SUBSCRIBE_TRADES:
            self.sent_trades = None
        elif request.cmd_id == Cmd.SUBSCRIBE_DEPTH:
            self.sent_depth = None

    # -- outgoing ---------------------------------------------------------------------------------
    def data_to_send(self, now: float) -> list[OutgoingRequest]:
        """The requests to send now (at most one: requests are paced); mark them as sent."""
        if not self.is_open or now < self._may_send_at():
            return []
        if now >= self._next_beat:
            request = self.codec.heartbeat()
            self._next_beat = now + self.timing.heartbeat_s
            if self._heartbeat_outstanding is None:
                self._heartbeat_outstanding = now
            return [self._sent(request, now)]
        subscribe = self._next_subscribe(now)
        return [] if subscribe is None else [self._sent(subscribe, now)]

    def _next_subscribe(self, now: float) -> OutgoingRequest | None:
        """The full trade set, then the full depth set, when they differ from what was sent."""
        plan = self.plan
        while plan.trades != self.sent_trades or plan.depth != self.sent_depth:
            trades = plan.trades != self.sent_trades
            # An empty set on a fresh socket needs no request: the server starts empty.
            needed = (
                bool(plan.trades or self.sent_trades)
                if trades
                else bool(plan.depth or self.sent_depth)
            )
            if not needed:
                if trades:
                    self.sent_trades = plan.trades
                else:
                    self.sent_depth = plan.depth
                continue
            self.stagger.want_trades(self.index, trades)
            held = not trades and self.stagger.trades_waiting_elsewhere(self.index)
            if held:  # look again a little later: another connection's trade set goes first
                self._held_until = now + max(0.05, self.stagger.spacing_s / 6)
            if held or not self.stagger.try_claim(self.index, now):
                self.stagger.count_wait()
                return None
            if trades:
                self.stagger.want_trades(self.index, False)
                self.sent_trades = plan.trades
                return self.codec.subscribe_trades(list(plan.trades))
            self.sent_depth = plan.depth
            return self.codec.subscribe_depth(list(plan.depth))
        return None

    def _sent(self, request: OutgoingRequest, now: float) -> OutgoingRequest:
        self._last_request_at = now
        self.pending[request.seq_id] = request
        if len(self.pending) > _MAX_PENDING:
            self.pending.pop(next(iter(self.pending)))
        return request

    def _may_send_at(self) -> float:
        spacing_until = self._last_request_at + self.timing.request_spacing_s
        return max(spacing_until, self.rate_limit.until)

    @property
    def subscribe_due(self) -> bool:
        """A set differs from what this socket was last sent (an empty set on a fresh one does
        not count: the server starts empty)."""
        plan = self.plan
        trades = plan.trades != self.sent_trades and bool(plan.trades or self.sent_trades)
        return trades or (plan.depth != self.sent_depth and bool(plan.depth or self.sent_depth))

    def next_deadline(self) -> float | None:
        """When to call `data_to_send` or `heartbeat_timed_out` next (None: nothing to wait for)."""
        if not self.is_open:
            return None
        may_send = self._may_send_at()
        deadline = max(may_send, self._next_beat)
        if self.subscribe_due:
            stagger_at = self.stagger.wait_s(self.index, may_send) + may_send
            deadline = min(deadline, max(stagger_at, self._held_until))
        if self._heartbeat_outstanding is not None:
            deadline = min(deadline, self._heartbeat_outstanding + self.timing.dead_after_s)
        return deadline

    def heartbeat_timed_out(self, now: float) -> bool:
        """No 22001 for `dead_after_s` since a 22000 went out: declare the connection dead.

        Ask only once every received frame was fed in: one still queued may hold the reply.
        """
        outstanding = self._heartbeat_outstanding
        return outstanding is not None and now - outstanding >= self.timing.dead_after_s

"""The feed as the app sees it: desired symbols in, a live `QuoteBook` and a `FeedStatus` out.

Owns up to the plan's number of connections, splits the desired sets across them
(`protocol.subscriptions`), and takes REST snapshots for new symbols and after every reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import msgspec

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionEvents, ConnectionSettings, FeedConnection, FeedTap
from desktop.feed.redact import redact
from desktop.feed.rest import AllTickRestClient, rest_base_from_ws
from desktop.protocol.alltick import OutgoingRequest, Reply
from desktop.protocol.alltick_rest import RestError
from desktop.protocol.plans import PlanProfile
from desktop.protocol.subscriptions import SubscriptionPlan, plan_subscriptions

__all__ = ["FeedService", "FeedStats"]

log = logging.getLogger(__name__)

_WORST_FIRST = ("rejected", "reconnecting", "connecting", "live")


class FeedStats(msgspec.Struct):
    """Totals across connections, for the status bar, smoke mode and tests."""

    frames: int = 0
    bad_frames: int = 0
    error_replies: int = 0
    rest_failures: int = 0
    reconnects: int = 0
    connections: int = 0


class FeedService:
    """Streams the desired symbols into `book`, healing connections, and reports status."""

    def __init__(
        self,
        book: QuoteBook,
        ws_url: str,
        token: str,
        profile: PlanProfile,
        *,
        demo: bool = False,
        settings: ConnectionSettings | None = None,
        on_status: Callable[[FeedStatus], None] | None = None,
        rest: AllTickRestClient | None = None,
        tap: FeedTap | None = None,
    ) -> None:
        self.book = book
        self.tap = tap
        """Sees every accepted tick, book and REST reference (the tick recorder)."""
        self.profile = profile
        self.demo = demo
        self._ws_url = f"{ws_url}{'&' if '?' in ws_url else '?'}{urlencode({'token': token})}"
        self.settings = settings or ConnectionSettings(reconnect_floor_s=profile.reconnect_floor_s)
        self.rest = rest or AllTickRestClient(rest_base_from_ws(ws_url), token, profile)
        self._on_status = on_status or (lambda status: None)
        self._connections: list[FeedConnection] = []
        self._states: dict[int, tuple[str, str, float | None]] = {}
        self._plan: SubscriptionPlan | None = None
        self._trades: list[Symbol] = []
        self._depth: list[Symbol] = []
        self._snapshotted: set[Symbol] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._error_replies = 0
        self.last_error = ""
        self.status = FeedStatus(FeedState.CONNECTING, demo=demo)
        self._started = False
        log.info("feed: %s, plan %s", redact(self._ws_url), profile.label)

    # -- desired state ------------------------------------------------------------------------
    def set_symbols(self, trades: Sequence[Symbol], depth: Sequence[Symbol] = ()) -> None:
        """The full desired trade and depth sets; connections converge on them, paced."""
        self._trades = list(dict.fromkeys(trades))
        self._depth = list(dict.fromkeys(depth))
        for symbol in self._trades:
            self.book.track(str(symbol))
        self._plan = plan_subscriptions(self._trades, self._depth, self.profile, self._plan)
        if self._started:
            self._apply_plan()

    @property
    def over_limit(self) -> set[str]:
        """Symbols the plan cannot stream (shown as "not streaming — plan limit")."""
        if self._plan is None:
            return set()
        return {str(s) for s in self._plan.over_limit_trades}

    def _apply_plan(self) -> None:
        plan = self._plan
        if plan is None:
            return
        for conn_plan in plan.connections:
            if conn_plan.index >= len(self._connections):
                if conn_plan.empty:
                    continue
                while len(self._connections) <= conn_plan.index:
                    self._connections.append(self._new_connection(len(self._connections)))
            connection = self._connections[conn_plan.index]
            connection.set_plan(conn_plan)
            if not conn_plan.empty:
                connection.start()
        fresh = [
            s
            for s in self._trades
            if s not in self._snapshotted and s not in plan.over_limit_trades
        ]
        if fresh:
            self._snapshotted.update(fresh)
            self._spawn(self._snapshot(fresh))

    def _new_connection(self, index: int) -> FeedConnection:
        events = ConnectionEvents(self._on_conn_state, self._on_opened, self._on_error_reply)
        return FeedConnection(index, self._ws_url, self.book, events, self.settings, tap=self.tap)

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect and subscribe (idempotent)."""
        self._started = True
        self._apply_plan()
        self._publish()

    async def stop(self) -> None:
        """Close every connection and the REST client."""
        self._started = False
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(c.stop() for c in self._connections), return_exceptions=True)
        await self.rest.aclose()

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _snapshot(self, symbols: list[Symbol]) -> None:
        """Paint the board from REST: names, previous close, day bar, latest trade and book."""
        try:
            refs, _trades, problems = await self.rest.references(symbols)
        except RestError as exc:
            problems, refs = [str(exc)], []
        now = time.monotonic()
        for ref in refs:
            self.book.apply_reference(ref, now)
            if self.tap is not None:
                self.tap(ref)
        depth = [s for s in symbols if s in self._depth]
        if depth:
            try:
                for book in await self.rest.latest_books(depth):
                    self.book.apply_depth(book, now)
            except RestError as exc:
                problems.append(f"books: {exc}")
        if problems:
            self.last_error = "REST snapshot: " + "; ".join(problems)
            log.warning("%s", redact(self.last_error))

    # -- connection callbacks -----------------------------------------------------------------
    def _on_conn_state(self, index: int, state: str, reason: str, retry_in: float | None) -> None:
        self._states[index] = (state, reason, retry_in)
        if reason:
            self.last_error = reason
        self._publish()

    def _on_opened(self, index: int, is_reconnect: bool) -> None:
        self._states[index] = ("live", "", None)
        if is_reconnect and self._plan is not None:
            symbols = list(self._plan.trades_of(index))
            if symbols:
                self._spawn(self._snapshot(symbols))  # fill what the gap missed
        self._publish()

    def _on_error_reply(self, index: int, reply: Reply, request: OutgoingRequest | None) -> None:
        self._error_replies += 1
        self.last_error = f"server answered {reply.ret} {reply.msg}".strip()
        self._publish()

    def _publish(self) -> None:
        active = [
            self._states.get(c.index, ("connecting", "", None))
            for c in self._connections
            if c.running or c.index in self._states
        ]
        if not active:
            status = FeedStatus(FeedState.CONNECTING, demo=self.demo)
        else:
            worst = min(
                active, key=lambda s: _WORST_FIRST.index(s[0]) if s[0] in _WORST_FIRST else 0
            )
            state, reason, retry = worst
            if state == "rejected":
                status = FeedStatus(FeedState.TOKEN_REJECTED, reason=reason, demo=self.demo)
            elif state == "reconnecting":
                attempt = max(c.backoff.attempt for c in self._connections)
                status = FeedStatus(
                    FeedState.RECONNECTING,
                    reason=reason,
                    attempt=attempt,
                    retry_in_s=retry,
                    demo=self.demo,
                )
            elif state == "connecting":
                status = FeedStatus(FeedState.CONNECTING, reason=reason, demo=self.demo)
            else:
                status = FeedStatus(FeedState.LIVE, demo=self.demo)
        if status != self.status:
            self.status = status
            self._on_status(status)

    # -- numbers ------------------------------------------------------------------------------
    def stats(self) -> FeedStats:
        """Totals across all connections so far."""
        conns = self._connections
        return FeedStats(
            frames=sum(c.frames for c in conns),
            bad_frames=sum(c.codec.stats.bad for c in conns),
            error_replies=self._error_replies,
            rest_failures=self.rest.failures,
            reconnects=sum(c.reconnects for c in conns),
            connections=sum(1 for c in conns if c.running),
        )

"""The feed as the app sees it: desired symbols in, a live `QuoteBook` and a `FeedStatus` out.

Owns up to the plan's number of connections, splits the desired sets across them
(`protocol.subscriptions`), staggers their subscribes, takes REST snapshots for new symbols and
after every reconnect, finds codes the server refuses, and reports health (`feed.health`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Coroutine, Sequence
from typing import Any
from urllib.parse import urlencode

import msgspec

from desktop.aio.task_set import TaskSet
from desktop.domain.feed_status import FeedStatus, ReconnectNotice
from desktop.domain.gaps import Gap, GapLedger, gap_note
from desktop.domain.market_data import DepthSnapshot
from desktop.domain.provenance import Source
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import SessionPhase, SessionSource
from desktop.domain.subscription_report import SubscriptionReport, build_report
from desktop.domain.symbols import Market, Symbol
from desktop.domain.truth import FeedConditions, FeedMode
from desktop.feed.connection import ConnectionEvents, FeedConnection, FeedTap
from desktop.feed.connection_host import ConnectionHost
from desktop.feed.health import FeedHealth
from desktop.feed.ingest_process import IngestProcess
from desktop.feed.not_streaming import NotStreaming, RejectedCodeFinder
from desktop.feed.redact import redact, remember_secret
from desktop.feed.remote_connection import RemoteConnection
from desktop.feed.rest import AllTickRestClient, rest_base_from_ws
from desktop.feed.timing import ConnectionSettings, IngestMode
from desktop.protocol.alltick import Reply
from desktop.protocol.alltick_rest import RestError
from desktop.protocol.alltick_session import ErrorDecision, ServerError
from desktop.protocol.plans import PlanProfile
from desktop.protocol.subscriptions import SubscriptionPlan, plan_subscriptions

__all__ = ["FeedService", "FeedStats"]

log = logging.getLogger(__name__)


class FeedStats(msgspec.Struct):
    """Totals across connections, for the status bar, smoke mode and tests."""

    frames: int = 0
    data_frames: int = 0
    bad_frames: int = 0
    error_replies: int = 0
    rest_failures: int = 0
    reconnects: int = 0
    connections: int = 0
    backlog: int = 0
    max_backlog: int = 0
    mute_reconnects: int = 0
    dead_reconnects: int = 0


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


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
        sessions: SessionSource | None = None,
        on_notes: Callable[[dict[str, str]], None] | None = None,
        on_reconnected: Callable[[ReconnectNotice], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = _wall_ms,
        tap: FeedTap | None = None,
        on_connections: Callable[[], None] | None = None,
        on_gap: Callable[[Gap], None] | None = None,
        on_rest_book: Callable[[DepthSnapshot], None] | None = None,
        ingest: IngestMode = IngestMode.LOOP,
        ingest_workers: int = 1,
    ) -> None:
        self.book = book
        self._on_rest_book = on_rest_book
        """Sees each REST book the book accepted (the desk gateway streams them to its boards)."""
        self._on_connections = on_connections or (lambda: None)
        """Called whenever a connection opens or drops (the truth monitor re-judges at once)."""
        self._on_gap = on_gap or (lambda gap: None)
        """Called when an outage starts, ends, or learns what was missed (the gap ledger)."""
        self.gaps = GapLedger()
        self._missed: dict[int, dict[str, int]] = {}
        self.tap = tap
        """Sees every accepted tick, book and REST reference (the tick recorder)."""
        self.profile = profile
        self.demo = demo
        remember_secret(token)  # a server echoing it bare (not as token=…) is redacted too
        self._ws_url = f"{ws_url}{'&' if '?' in ws_url else '?'}{urlencode({'token': token})}"
        self.settings = settings or ConnectionSettings(reconnect_floor_s=profile.reconnect_floor_s)
        self.rest = rest or AllTickRestClient(rest_base_from_ws(ws_url), token, profile)
        self.clock = clock
        self._wall_ms = wall_ms
        self.sessions = sessions
        """None until the calendars are loaded: no mute detection before then."""
        self._on_status = on_status or (lambda status: None)
        self._on_notes = on_notes or (lambda notes: None)
        self._on_reconnected = on_reconnected or (lambda notice: None)
        self.health = FeedHealth(demo=demo, clock=clock)
        self.host = ConnectionHost(
            book,
            self._ws_url,
            self.settings,
            tap=tap,
            market_open=self._market_open,
            clock=clock,
            wall_ms=wall_ms,
            ingest=ingest,
            ingest_workers=ingest_workers,
        )
        """Where the sockets and decoding run: this loop, or `ingest_workers` processes."""
        self.not_streaming = NotStreaming()
        self.finder = RejectedCodeFinder(self.rest)
        self._connections: list[FeedConnection | RemoteConnection] = []
        self._plan: SubscriptionPlan | None = None
        self._trades: list[Symbol] = []
        self._depth: list[Symbol] = []
        self._full_depth: set[Symbol] | None = None
        self._snapshotted: set[Symbol] = set()
        self._tasks = TaskSet("feed")
        self._checking = False
        self._error_replies = 0
        self._notes: dict[str, str] = {}
        self.status = self.health.status()
        self._started = False
        log.info("feed: %s, plan %s", redact(self._ws_url), profile.label)

    # -- desired state ------------------------------------------------------------------------
    def set_symbols(
        self,
        trades: Sequence[Symbol],
        depth: Sequence[Symbol] = (),
        full_depth: Collection[Symbol] | None = None,
    ) -> None:
        """The full desired trade and depth sets; connections converge on them, paced.

        `full_depth` (the symbols with a ladder open) get the plan's full depth levels and every
        other depth symbol one level; None gives every depth symbol full levels.
        """
        self._trades = list(dict.fromkeys(trades))
        self._depth = list(dict.fromkeys(depth))
        for symbol in self._trades:
            self.book.track(str(symbol))
        self.not_streaming.keep_only(self._trades)
        wider = set(full_depth or ()) - set(self._full_depth or ())
        self._full_depth = set(full_depth) if full_depth is not None else None
        # A ladder opened on a symbol already streaming: paint its full book now, not at the next
        # push (a symbol new to the feed gets its book with its first snapshot).
        wider_known = [s for s in self._depth if s in wider and s in self._snapshotted]
        self._replan()
        if self._started and wider_known:
            self._spawn(self._books(wider_known))

    def _replan(self) -> None:
        refused = self.not_streaming.is_refused
        trades = [s for s in self._trades if not refused(s)]
        depth = [s for s in self._depth if not refused(s)]
        self._plan = plan_subscriptions(trades, depth, self.profile, self._plan, self._full_depth)
        self.not_streaming.set_over_limit(self._plan.over_limit_trades)
        self._publish_notes()
        if self._started:
            self._apply_plan()

    def notes(self) -> dict[str, str]:
        """Symbol → why its row shows no live price (plan limit, refused code)."""
        return dict(self._notes)

    def _publish_notes(self) -> None:
        notes = self.not_streaming.notes()
        if notes != self._notes:
            self._notes = notes
            self._on_notes(dict(notes))

    def set_sessions(self, sessions: SessionSource) -> None:
        """Judge "connected but mute" by these market hours from now on."""
        self.sessions = sessions

    def set_stale(self, count: int) -> None:
        """How many streamed symbols are stale now (Live becomes "Degraded (N stale)")."""
        if count != self.health.stale:
            self.health.stale = count
            self._publish()

    def _market_open(self, market: Market) -> bool:
        sessions = self.sessions
        return sessions is not None and sessions.phase(market, self._wall_ms()) is SessionPhase.OPEN

    @property
    def over_limit_depth(self) -> set[str]:
        """Symbols whose depth the plan cannot stream (a ladder for one says so)."""
        if self._plan is None:
            return set()
        return {str(s) for s in self._plan.over_limit_depth}

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
            if s not in self._snapshotted
            and s not in plan.over_limit_trades
            and not self.not_streaming.is_refused(s)
        ]
        if fresh:
            self._snapshotted.update(fresh)
            self._spawn(self._snapshot(fresh))

    def _new_connection(self, index: int) -> FeedConnection | RemoteConnection:
        events = ConnectionEvents(
            self._on_conn_state,
            self._on_opened,
            self._on_error,
            self._on_subscribed,
            self._on_bad_frame,
        )
        return self.host.new(index, events)

    def _on_bad_frame(self, index: int, kind: str) -> None:
        """A new kind of bad frame was dropped: say so in the tooltip (the feed stays up)."""
        self.health.error(f"dropped a bad frame from the server ({kind}); the feed goes on")
        self._publish()

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect and subscribe (idempotent)."""
        self._started = True
        self._apply_plan()
        self._publish()

    async def stop(self) -> None:
        """Close every connection and the REST client."""
        self._started = False
        # Connections first: a connection closing may still report a gap, whose re-snapshot
        # must not start once the tasks are cancelled and the REST client is closed.
        await asyncio.gather(*(c.stop() for c in self._connections), return_exceptions=True)
        await self.host.close()
        await self._tasks.close()
        await self.rest.aclose()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        if not self._started:
            coro.close()  # a stopped feed starts no new work
            return
        self._tasks.spawn(coro)

    async def _snapshot(self, symbols: list[Symbol]) -> dict[str, int]:
        """Paint the board from REST: names, previous close, day bar, latest trade and book.

        Returns, per symbol, the shares the day bar counted beyond the pushes seen (after an
        outage: roughly what traded while the board was not listening)."""
        try:
            refs, _trades, problems = await self.rest.references(symbols)
        except RestError as exc:
            problems, refs = [str(exc)], []
        now = self.clock()
        missed: dict[str, int] = {}
        for ref in refs:
            missed[ref.symbol] = self.book.apply_reference(ref, now)
            if self.tap is not None:
                self.tap(ref)
        depth = [s for s in symbols if s in self._depth]
        if depth:
            problems.extend(await self._books(depth, report=False))
        if problems:
            self.health.error("REST snapshot: " + "; ".join(problems))
            log.warning("%s", redact(self.health.last_error))
            self._publish()
        return missed

    async def _books(self, symbols: list[Symbol], report: bool = True) -> list[str]:
        """Apply the latest REST books, unless a pushed book is already newer."""
        try:
            books = await self.rest.latest_books(symbols)
        except RestError as exc:
            problem = f"books: {exc}"
            if report:
                self.health.error("REST snapshot: " + problem)
                log.warning("%s", redact(self.health.last_error))
                self._publish()
            return [problem]
        now = self.clock()
        for book in books:
            applied = self.book.apply_depth(book, now, Source.SNAPSHOT)  # only if newer
            if applied and self._on_rest_book is not None:
                self._on_rest_book(book)
        return []

    # -- connection callbacks -----------------------------------------------------------------
    def _on_conn_state(self, index: int, state: str, reason: str, retry_in: float | None) -> None:
        conn = self._connections[index] if index < len(self._connections) else None
        was_live = self.health.connections.get(index) is not None and (
            self.health.connections[index].state == "live"
        )
        if was_live and state != "live" and self._started and not self.gaps.is_open(index):
            symbols = [str(s) for s in self._plan.trades_of(index)] if self._plan else []
            self._on_gap(self.gaps.open(index, self._wall_ms(), symbols, reason))
        self.health.report(
            index,
            state,
            reason,
            retry_in,
            attempt=conn.backoff.attempt if conn else 0,
            failed_opens=conn.failed_opens if conn else 0,
        )
        if state == "rejected":  # the token is bad for every connection: stop them all
            for other in self._connections:
                if other.index != index and other.running:
                    self._spawn(other.stop())
                    self.health.report(other.index, "rejected", reason, None)
        self._publish()
        self._on_connections()

    def _on_opened(self, index: int, is_reconnect: bool) -> None:
        self.health.opened(index)
        if is_reconnect and self._plan is not None:
            symbols = list(self._plan.trades_of(index))
            if symbols:
                self._spawn(self._resnapshot(index, symbols))  # fill what the gap missed
        self._publish()
        self._on_connections()

    async def _resnapshot(self, index: int, symbols: list[Symbol]) -> None:
        """After a reconnect: REST snapshots of the connection's symbols, and what was missed."""
        missed = await self._snapshot(symbols)
        self._missed[index] = missed
        closed = [g for g in self.gaps.recent() if g.connection == index and g.end_ms is not None]
        if closed and not self.gaps.is_open(index):
            self._on_gap(self.gaps.reconcile(closed[0], self._missed.pop(index)))

    def _on_subscribed(self, index: int, count: int) -> None:
        gap = self.gaps.close(index, self._wall_ms())
        if gap is not None:
            missed = self._missed.pop(index, None)
            self._on_gap(gap if missed is None else self.gaps.reconcile(gap, missed))
        notice = self.health.subscribed(index, count)
        self._on_connections()  # its symbols are live again: the views say so at once
        if notice is not None:
            log.info("%s", notice.text)
            self._on_reconnected(notice)

    def _on_error(self, index: int, error: ServerError) -> None:
        self._error_replies += 1
        self.health.error(_sentence(error.reply))
        codes = error.symbols
        if error.decision is ErrorDecision.FIND_REFUSED and codes and not self._checking:
            self._checking = True
            self._spawn(self._find_refused(index, codes))
        self._publish()

    async def _find_refused(self, index: int, codes: Sequence[Symbol]) -> None:
        """Bisect the refused request over REST, drop the culprits and subscribe the rest."""
        try:
            found = await self.finder.find(codes)
            if found:
                names = ", ".join(str(s) for s in found)
                self.health.error(f"the server refused {names}; they are not streamed")
                self.not_streaming.refuse(found)
                self._replan()
            else:
                self.health.error("the server refused a subscription but no single code")
                await asyncio.sleep(self.settings.long_backoff_s)
                if index < len(self._connections):
                    self._connections[index].resend()
            self._publish()
        finally:
            self._checking = False

    def _publish(self) -> None:
        status = self.health.status()
        if status != self.status:
            self.status = status
            self._on_status(status)

    def subscription_report(self) -> SubscriptionReport:
        """Per connection: the codes sent, accepted by the server and actually ticking."""
        profile = self.profile
        rows = []
        for conn in self._connections:
            session = conn.session
            health = self.health.connections.get(conn.index)
            rows.append(
                (
                    conn.index,
                    health.state if health is not None else "idle",
                    [str(s) for s in session.plan.trades],
                    [str(s) for s in session.accepted_trades or ()],
                )
            )
        return build_report(
            self.book, profile.label, profile.connections, profile.symbols_per_connection, rows
        )

    def reconnect_now(self) -> None:
        """Reconnect now: every waiting connection tries again as soon as the floor allows."""
        for connection in self._connections:
            if connection.running:
                connection.reconnect_now()

    def truth_conditions(self, mode: FeedMode = FeedMode.LIVE) -> FeedConditions:
        """What the truth judge needs to know about the connections, now."""
        live_since: dict[int, float | None] = {}
        reason = ""
        for index, conn in self.health.connections.items():
            live = conn.state == "live" and conn.live_since is not None
            live_since[index] = conn.live_since if live else None
            if not live and not reason:
                resubscribing = conn.state == "live"
                reason = "resubscribing" if resubscribing else conn.reason or "connection down"
        connection_of: dict[str, int] = {}
        if self._plan is not None:
            for conn_plan in self._plan.connections:
                for symbol in conn_plan.trades:
                    connection_of[str(symbol)] = conn_plan.index
        return FeedConditions(
            mode=mode,
            live_since=live_since,
            connection_of=connection_of,
            feed_down=not self._started,
            down_reason=reason if self._started else "the feed is stopped",
            not_streaming=self._notes,
            codes_per_connection=self.profile.symbols_per_connection,
            gap_notes=self.gap_notes(),
        )

    def gap_notes(self, within_ms: int = 300_000) -> dict[str, str]:
        """Symbols whose connection came back from an outage in the last `within_ms`: the note."""
        since = self._wall_ms() - within_ms
        notes: dict[str, str] = {}
        for gap in reversed(self.gaps.recent()):  # oldest first: the newest gap wins
            if gap.end_ms is not None and gap.end_ms >= since:
                for symbol in gap.symbols:
                    notes[symbol] = gap_note(gap, symbol)
        return notes

    # -- numbers ------------------------------------------------------------------------------
    @property
    def workers(self) -> list[IngestProcess]:
        """The ingest worker processes (none on the loop, or before the first connection)."""
        return self.host.workers

    def connections(self) -> list[FeedConnection | RemoteConnection]:
        """The connections opened so far (tests and the reliability report read them)."""
        return list(self._connections)

    def stats(self) -> FeedStats:
        """Totals across all connections so far."""
        conns = self._connections
        return FeedStats(
            frames=sum(c.frames for c in conns),
            data_frames=sum(c.data_frames for c in conns),
            bad_frames=sum(c.session.stats.bad for c in conns),
            error_replies=self._error_replies,
            rest_failures=self.rest.failures,
            reconnects=sum(c.reconnects for c in conns),
            connections=sum(1 for c in conns if c.running),
            backlog=sum(c.backlog for c in conns),
            max_backlog=max((c.max_backlog for c in conns), default=0),
            mute_reconnects=sum(c.mute_reconnects for c in conns),
            dead_reconnects=sum(c.dead_reconnects for c in conns),
        )


def _sentence(reply: Reply) -> str:
    """A server error reply as words for the tooltip."""
    text = reply.msg.strip() or "no message"
    return f"the server answered {reply.ret} ({text})"

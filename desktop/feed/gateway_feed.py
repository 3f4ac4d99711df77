"""A board's feed from the desk gateway (Redis) instead of AllTick, with `FeedService`'s surface.

The rest of the board cannot tell the difference: desired symbols in (`set_symbols`), a live
`QuoteBook`, a `FeedStatus` and "not streaming" notes out. Underneath, `GatewayReader` applies
the cache and the streams; this class registers the board's interest (refreshed before it
expires), watches the gateway's heartbeat — missing for longer than its TTL (≈1.5 s) or Redis
unreachable means "Gateway down" — and relays the gateway's upstream status and its per-board
answer (plan limits, refused codes, the board cap). No token on a board: its bars (`rest`) come
from the gateway's cache.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from redis.exceptions import RedisError

from desktop.aio.task_set import TaskSet
from desktop.domain.feed_status import FeedState, FeedStatus, ReconnectNotice
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import SessionSource
from desktop.domain.subscription_report import SubscriptionReport, build_report
from desktop.domain.symbols import Symbol
from desktop.domain.truth import FeedConditions, FeedMode
from desktop.feed.bar_source import GatewayBars
from desktop.feed.connection import FeedTap
from desktop.feed.gateway_reader import GatewayReader
from desktop.feed.redis_link import RedisLink
from desktop.feed.service import FeedStats
from desktop.protocol.gateway_wire import BoardAdmission, BoardInterest, GatewayBeat, GatewayKeys
from desktop.protocol.plans import PLANS, Plan, PlanProfile

__all__ = ["GatewayFeed", "GatewaySettings"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """Timing of a board's gateway feed; tests shrink these instead of sleeping."""

    check_s: float = 0.25
    """How often the heartbeat and the gateway's answer are read."""
    interest_ttl_s: float = 30.0
    """A board's interest expires this long after its last refresh (a dead board frees codes)."""
    interest_refresh_s: float = 10.0
    block_ms: int = 100
    count: int = 500
    retry_s: float = 0.25
    retry_cap_s: float = 2.0


def default_board_id() -> str:
    """This board's name in the gateway's audit log: host and process."""
    return f"{socket.gethostname()}-{os.getpid()}"


class GatewayFeed:
    """Streams the desired symbols from the desk gateway into `book` and reports status."""

    def __init__(
        self,
        book: QuoteBook,
        link: RedisLink,
        *,
        board_id: str | None = None,
        settings: GatewaySettings | None = None,
        keys: GatewayKeys | None = None,
        on_status: Callable[[FeedStatus], None] | None = None,
        on_notes: Callable[[dict[str, str]], None] | None = None,
        on_reconnected: Callable[[ReconnectNotice], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        tap: FeedTap | None = None,
        on_connections: Callable[[], None] | None = None,
    ) -> None:
        self.book = book
        self.link = link
        self.board_id = board_id or default_board_id()
        self.settings = settings or GatewaySettings()
        self.keys = keys or GatewayKeys()
        self.clock = clock
        self.tap = tap
        self.redis = link.connect(name=f"quoteboard-board-{self.board_id}")
        self.sessions: SessionSource | None = None
        self.demo = False
        self.profile: PlanProfile = PLANS[Plan.PROFESSIONAL]
        self.reader = GatewayReader(
            self.redis,
            book,
            keys=self.keys,
            clock=clock,
            tap=tap,
            count=self.settings.count,
            block_ms=self.settings.block_ms,
            on_missed=self._missed,
        )
        self._on_status = on_status or (lambda status: None)
        self._on_notes = on_notes or (lambda notes: None)
        self._on_reconnected = on_reconnected or (lambda notice: None)
        self._on_connections = on_connections or (lambda: None)
        self._live_since: float | None = None
        self._trades: list[str] = []
        self._depth: list[str] = []
        self._full_depth: list[str] | None = None
        self._beat: GatewayBeat | None = None
        self._admission: BoardAdmission | None = None
        self._redis_error = ""
        self._down_since: float | None = None
        self._was_up = False
        self._stale = 0
        self._notes: dict[str, str] = {}
        self.reconnects = 0
        self.last_error = ""
        self.status = FeedStatus(FeedState.CONNECTING)
        self._reading = asyncio.Event()
        self._reading.set()
        self.reading_paused = False
        """True while `pause_reading` holds the reader (it has finished its last read)."""
        self._interest_dirty = dirty = asyncio.Event()
        self.rest = GatewayBars(self.redis, self.keys, lambda: self._trades, dirty.set)
        self._check_now = asyncio.Event()
        self._tasks = TaskSet("gateway-feed")
        self._started = False

    # -- desired state (as FeedService) -----------------------------------------------------------
    def set_symbols(
        self,
        trades: Sequence[Symbol],
        depth: Sequence[Symbol] = (),
        full_depth: Collection[Symbol] | None = None,
    ) -> None:
        """The full desired trade and depth sets; the gateway is told at once."""
        self._trades = list(dict.fromkeys(str(s) for s in trades))
        self._depth = list(dict.fromkeys(str(s) for s in depth))
        self._full_depth = None if full_depth is None else sorted(str(s) for s in full_depth)
        for symbol in self._trades:
            self.book.track(symbol)
        self.reader.set_wanted(set(self._trades) | set(self._depth))
        self._interest_dirty.set()

    def notes(self) -> dict[str, str]:
        """Symbol → why its row shows no live price (from the gateway's answer)."""
        return dict(self._notes)

    @property
    def over_limit_depth(self) -> set[str]:
        """Symbols whose depth the gateway's plan cannot stream."""
        return set(self._admission.depth_blocked) if self._admission else set()

    def set_sessions(self, sessions: SessionSource) -> None:
        """Market hours (kept for the same surface; the gateway judges "mute" upstream)."""
        self.sessions = sessions

    def set_stale(self, count: int) -> None:
        """How many streamed symbols are stale now (Live becomes "Degraded (N stale)")."""
        if count != self._stale:
            self._stale = count
            self._publish()

    def connections(self) -> list[object]:
        """A board on the gateway holds no provider connection."""
        return []

    def stats(self) -> FeedStats:
        """Totals, in `FeedService`'s terms: frames are the events read from the streams."""
        reader = self.reader
        return FeedStats(
            frames=reader.events,
            data_frames=reader.events,
            bad_frames=reader.codec.bad,
            reconnects=self.reconnects,
            connections=1 if self._is_up() else 0,
        )

    @property
    def missed(self) -> int:
        """How many times this board fell behind and re-read the cache."""
        return self.reader.missed

    # -- a stalled reader (a board that stops reading: tests, a suspended process) ---------------
    def pause_reading(self) -> None:
        """Stop reading the streams; the interest and heartbeat checks go on."""
        self._reading.clear()

    def resume_reading(self) -> None:
        """Read again from where it stopped (re-reading the cache if the streams moved on)."""
        self._reading.set()

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start reading, registering interest and watching the heartbeat (idempotent)."""
        if self._started:
            return
        self._started = True
        self._since_ms = time.time_ns() // 1_000_000
        self._tasks.spawn(self._read_loop(), name="gateway-read")
        self._tasks.spawn(self._control_loop(), name="gateway-control")
        self._tasks.spawn(self._interest_loop(), name="gateway-interest")
        self._publish()

    async def stop(self) -> None:
        """Stop reading and withdraw this board's interest (its codes are free at once)."""
        self._started = False
        await self._tasks.close()
        try:
            await asyncio.wait_for(self.redis.delete(self.keys.interest(self.board_id)), 1.0)
        except (RedisError, OSError, TimeoutError):
            pass  # it expires on its own
        await self.redis.aclose()

    async def _read_loop(self) -> None:
        delay = self.settings.retry_s
        while self._started:  # not only cancellation: redis-py may swallow a cancel
            if not self._reading.is_set():
                self.reading_paused = True
                await self._reading.wait()
                self.reading_paused = False
            try:
                await self.reader.step()
                delay = self.settings.retry_s
            except (RedisError, OSError) as exc:
                self.reader.needs_join = True
                self._redis_failed(exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.retry_cap_s)

    async def _interest_loop(self) -> None:
        while self._started:  # not only cancellation: redis-py may swallow a cancel
            try:
                await asyncio.wait_for(
                    self._interest_dirty.wait(), self.settings.interest_refresh_s
                )
            except TimeoutError:
                pass
            self._interest_dirty.clear()
            try:
                await self._write_interest()
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
                self._interest_dirty.set()
                await asyncio.sleep(self.settings.retry_s)

    async def _write_interest(self) -> None:
        interest = BoardInterest(
            self.board_id,
            self._trades,
            self._depth,
            self._full_depth,
            user=self.link.username or "default",
            host=socket.gethostname(),
            since_ms=self._since_ms,
            bars=self.rest.wanted(),
        )
        await self.redis.set(
            self.keys.interest(self.board_id),
            self.reader.codec.encode(interest),
            px=int(self.settings.interest_ttl_s * 1000),
        )

    async def _control_loop(self) -> None:
        codec = self.reader.codec
        while self._started:  # not only cancellation: redis-py may swallow a cancel
            try:
                pipe = self.redis.pipeline(transaction=False)
                pipe.get(self.keys.heartbeat)
                pipe.get(self.keys.board(self.board_id))
                raw_beat, raw_answer = await pipe.execute()
                self._redis_error = ""
                self._on_beat(codec.beat(raw_beat), codec.admission(raw_answer))
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
            try:
                await asyncio.wait_for(self._check_now.wait(), self.settings.check_s)
            except TimeoutError:
                pass
            self._check_now.clear()

    def reconnect_now(self) -> None:
        """Reconnect now: ask Redis for the gateway's heartbeat at once instead of at the next check."""
        self._check_now.set()

    def subscription_report(self) -> SubscriptionReport:
        """The gateway as one connection: symbols asked for, admitted by it, and actually ticking."""
        wanted = tuple(self._trades)
        accepted = [code for code in wanted if code not in self._notes]
        state = "live" if self._is_up() else "down"
        profile = self.profile
        return build_report(
            self.book,
            f"desk gateway ({self.profile_name()})",
            profile.connections,
            profile.symbols_per_connection,
            [(0, state, wanted, accepted)],
        )

    def profile_name(self) -> str:
        """The upstream plan the gateway announces in its heartbeat."""
        return self._beat.plan if self._beat is not None else "unknown plan"

    # -- status ---------------------------------------------------------------------------------
    def _on_beat(self, beat: GatewayBeat | None, answer: BoardAdmission | None) -> None:
        if beat is not None:
            if self._beat is not None and beat.run != self._beat.run:
                self.reader.needs_join = True
            self.demo = beat.demo
            try:
                self.profile = PLANS[Plan(beat.plan)]
            except ValueError:
                pass
        self._beat = beat
        if answer is not None:
            self._admission = answer
            notes = dict(answer.notes)
            if notes != self._notes:
                self._notes = notes
                self._on_notes(dict(notes))
        self._publish()

    def _redis_failed(self, exc: BaseException) -> None:
        text = f"Redis unreachable ({type(exc).__name__}: {exc})"
        if text != self._redis_error:
            log.warning("gateway feed: %s", self.link.redacted + ": " + text)
        self._redis_error = self.last_error = text
        self._publish()

    def _missed(self, problem: str) -> None:
        self.last_error = problem
        self._publish()

    def _is_up(self) -> bool:
        return not self._redis_error and self._beat is not None

    def _current(self) -> FeedStatus:
        last = self.last_error
        if self._redis_error:
            return FeedStatus(
                FeedState.GATEWAY_DOWN, reason="Redis unreachable", demo=self.demo, last_error=last
            )
        beat = self._beat
        if beat is None:
            return FeedStatus(
                FeedState.GATEWAY_DOWN, reason="no heartbeat", demo=self.demo, last_error=last
            )
        answer = self._admission
        if answer is not None and not answer.admitted:
            return FeedStatus(
                FeedState.OFFLINE, reason=answer.reason, demo=beat.demo, last_error=last
            )
        try:
            upstream = FeedState(beat.state)
        except ValueError:
            upstream = FeedState.CONNECTING
        if upstream is FeedState.LIVE and self._stale:
            return FeedStatus(
                FeedState.DEGRADED, stale=self._stale, demo=beat.demo, last_error=last
            )
        if upstream in (FeedState.LIVE, FeedState.DEGRADED):
            return FeedStatus(upstream, stale=self._stale, demo=beat.demo, last_error=last)
        return FeedStatus(upstream, reason=beat.status, demo=beat.demo, last_error=last)

    def truth_conditions(self, mode: FeedMode = FeedMode.LIVE) -> FeedConditions:
        """The gateway as the truth judge sees it: one connection, down while its heartbeat is."""
        up = self._is_up() and self._started
        return FeedConditions(
            mode=mode,
            live_since={0: self._live_since if up else None},
            connection_of=dict.fromkeys(self._trades, 0),
            feed_down=not up,
            down_reason="" if up else self._current().text,
            not_streaming=dict(self._notes),
        )

    def _publish(self) -> None:
        status = self._current()
        up = self._is_up()
        now = self.clock()
        if not up and self._was_up:
            self._down_since = now
        elif up and not self._was_up and self._down_since is not None:
            self.reconnects += 1
            gap = now - self._down_since
            self._down_since = None
            self.reader.needs_join = True
            self._interest_dirty.set()  # a Redis that restarted empty lost it
            notice = ReconnectNotice(len(self._trades), gap)
            log.info("gateway feed: %s", notice.text)
            self._on_reconnected(notice)
        if up != self._was_up:
            self._live_since = now if up else None
            self._was_up = up
            self._on_connections()  # the truth monitor re-judges at once, not on its next tick
        if status != self.status:
            self.status = status
            self._on_status(status)

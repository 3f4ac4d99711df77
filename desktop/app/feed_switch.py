"""The board's one feed, switched without a restart, and the signals that announce each switch.

`FeedSwitch` builds one `FeedService` at a time — the demo simulator, AllTick, or a replay — and
announces every switch: `feedStopping` before the old feed stops (listeners may hold the stop until
their own work through that feed is done), `feedStarted(RunningFeed)` once the new one is in
place. Ladders, insights, recording and settings subscribe in their own constructors; the switch
knows none of them. It also owns what belongs to the feed itself: the bridge to Qt, what the feed
streams, the rows' "not streaming" notes, every quote's truth state (`TruthMonitor`: judged once a
second and at once when a connection drops or comes back), the gap ledger and the backlog.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.app.feed_source import FeedSource, FeedTarget
from desktop.domain.feed_status import FeedStatus, ReconnectNotice
from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import CALENDARS, AlwaysOpen, SessionSource, load_exchange_sessions
from desktop.domain.symbols import Symbol
from desktop.domain.truth import FeedConditions, FeedMode, TruthJudge
from desktop.feed.redis_link import RedisLink
from desktop.feed.service import FeedService
from desktop.feed.timing import IngestMode
from desktop.protocol.plans import PLANS
from desktop.qt.gap_keeper import GapKeeper
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.truth_monitor import TruthMonitor
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.widgets.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.feed.gateway_feed import GatewayFeed

__all__ = ["BoardFeed", "FeedStopping", "FeedSubscriptions", "FeedSwitch", "RunningFeed"]

BoardFeed: TypeAlias = "FeedService | GatewayFeed"
"""The board's feed: straight to the provider (or the simulator), or through the desk gateway
(whose module, and redis-py with it, loads only when a gateway feed is chosen)."""

log = logging.getLogger("desktop")
DEMO_PRICES = "demo-prices.json"
"""The demo market's last prices in the data folder (resumed on the same day)."""


class FeedSubscriptions:
    """What the feed streams: every watchlist's symbols (one depth level, for bid/ask) plus the
    open depth ladders' symbols (the plan's full depth, which the plan budgets). One update per change."""

    def __init__(self, service: BoardFeed | None = None) -> None:
        self.service = service
        self._lists: list[Symbol] = []
        self._ladders: list[Symbol] = []

    def attach(self, service: BoardFeed) -> None:
        """Stream through this service from now on (a new feed: the live one, or a replay)."""
        self.service = service
        self._apply()

    def follow(self, session: WatchlistSession) -> None:
        """Stream the union of every list from now on: one feed update per list edit."""
        session.symbolsChanged.connect(self.set_lists)
        self.set_lists(session.all_symbols())

    def set_lists(self, codes: list[str]) -> None:
        """The union of all watchlists changed."""
        self._lists = [Symbol.parse(code) for code in codes]
        self._apply()

    def set_ladders(self, codes: list[str]) -> None:
        """The symbols with a depth ladder open changed."""
        self._ladders = [Symbol.parse(code) for code in codes]
        self._apply()

    def _apply(self) -> None:
        if self.service is None:
            return
        wanted = list(dict.fromkeys([*self._lists, *self._ladders]))
        self.service.set_symbols(wanted, wanted, full_depth=self._ladders)


@dataclass(slots=True)
class FeedStopping:
    """`feedStopping`'s argument: a listener that must finish work through the old feed first
    (history requests through its REST client) hands that work to `hold`."""

    held: list[Coroutine[Any, Any, None]] = field(default_factory=list)

    def hold(self, work: Coroutine[Any, Any, None]) -> None:
        """The old feed stops only after `work` has finished."""
        self.held.append(work)


@dataclass(frozen=True, slots=True)
class RunningFeed:
    """`feedStarted`'s argument: the new feed, where it streams from, and its market hours."""

    service: BoardFeed
    target: FeedTarget
    sessions: SessionSource | None


class FeedSwitch(QObject):
    """Owns the running feed and announces every switch; the settings' `FeedControl`."""

    feedStopping = Signal(object)
    """A `FeedStopping`: the current feed is about to stop."""
    feedStarted = Signal(object)
    """A `RunningFeed`: a new feed is in place (emitted just before it connects)."""
    sessionsLoaded = Signal(object)
    """A `SessionSource`: exchange hours arrived for the live feed."""
    resumeRequested = Signal()
    """Back to what the settings ask for (a replay stopped)."""
    reconnected = Signal(object)
    """A `ReconnectNotice`: the feed's connection came back after a gap (tapes mark it)."""

    def __init__(
        self,
        book: QuoteBook,
        session: WatchlistSession,
        window: MainWindow,
        tap: Callable[[Tick | DepthSnapshot | ReferenceData], None],
        *,
        seed: int | None = None,
        ingest: IngestMode = IngestMode.LOOP,
        ingest_workers: int = 1,
        gaps: GapKeeper | None = None,
        demo_prices: Path | None = None,
    ) -> None:
        super().__init__(window)
        self.gaps = gaps
        """Keeps every outage in the app database (None: not kept)."""
        self._demo_prices = demo_prices
        self._mode = FeedMode.LIVE
        self.book = book
        self.session = session
        self.window = window
        self._tap = tap
        self._seed = seed
        self._ingest = ingest
        """Where a provider or simulator feed's sockets and decoding run (`--ingest`)."""
        self._ingest_workers = ingest_workers
        """How many worker processes share the connections in process mode (`--ingest-workers`)."""
        self.simulator: EmbeddedSimulator | None = None
        self.service: BoardFeed | None = None
        self.exchange_sessions: SessionSource | None = None
        self._source: FeedSource | None = None
        self.subscriptions = FeedSubscriptions()
        self.subscriptions.follow(session)
        self.bridge = bridge = StreamBridge(book, session.models(), self.frames)
        session.modelAdded.connect(bridge.add_model)
        session.modelRemoved.connect(bridge.remove_model)
        self.rows = rows = session.rows()  # every list's rows: truth states and notes
        session.modelAdded.connect(lambda _model: rows.set_notes(self._notes()))
        # The demo simulator and a replay trade around the clock: they are judged by its clock.
        # Each switch gives the monitor the clock of the new feed (exchange hours once loaded).
        self.monitor = monitor = TruthMonitor(
            book, rows, TruthJudge(None), conditions=self.truth_conditions
        )
        monitor.staleCountChanged.connect(
            lambda count: self.service.set_stale(count) if self.service else None
        )
        self._backlog = backlog = QTimer(self)
        backlog.setInterval(1000)
        backlog.timeout.connect(lambda: window.feed_status_bar().set_backlog(self.backlog()))

    def truth_conditions(self) -> FeedConditions:
        """The current feed's connections as the truth monitor judges them."""
        if self.service is None:
            return FeedConditions(mode=self._mode, feed_down=True, down_reason="no feed")
        return self.service.truth_conditions(self._mode)

    def reconnect_now(self) -> None:
        """The status bar's Reconnect now: the current feed retries without waiting out its timer."""
        if self.service is not None:
            self.service.reconnect_now()

    def _notes(self) -> dict[str, str]:
        return self.service.notes() if self.service else {}

    def frames(self) -> int:
        """Frames the current feed has received (0 with none): the rate and Performance show it."""
        return self.service.stats().frames if self.service else 0

    def backlog(self) -> int:
        """Frames received and not yet decoded by the current feed (0 with none): the status bar."""
        return self.service.stats().backlog if self.service else 0

    # -- the feed as the settings see it (`FeedControl`) ---------------------------------------
    def current_source(self) -> FeedSource | None:
        """What streams now (None while paused or replaying)."""
        return self._source

    def on_resume_requested(self, slot: Callable[[], None]) -> None:
        """Call `slot` when a replay stops and the settings' feed should come back."""
        self.resumeRequested.connect(slot)

    async def use_source(self, source: FeedSource) -> None:
        """Switch the board to `source` (Settings' Save, start-up, a probe's resume)."""
        target = await asyncio.to_thread(self._target, source)
        await self.switch_to(target)
        self._source = source
        if not source.demo and self.exchange_sessions is None:
            self._load_sessions()  # ≈ 0.75 s, off the GUI thread

    async def pause_feed(self) -> None:
        """Stop streaming until the next `use_source` (a probe needs the token's connection)."""
        self._source = None
        await self.stop()

    def resume(self) -> None:
        """Ask whoever decides the normal feed (the settings) to bring it back (Stop Replay)."""
        self.resumeRequested.emit()

    def _target(self, source: FeedSource) -> FeedTarget:
        """The feed for `source`; blocks while a demo simulator starts (call it in a thread)."""
        if source.gateway_url:  # the desk gateway: no provider socket, no token here
            return FeedTarget(
                "",
                "",
                False,
                source.plan,
                [],
                gateway_url=source.gateway_url,
                redis_password=source.redis_password,
            )
        if not source.demo:  # AllTick: the stock WS path on the host; REST is derived from it
            return FeedTarget(source.ws_url, source.token, False, source.plan, [])
        seed = self._seed if self._seed is not None else int(time.time())
        # Demo lists may hold any code the search offers: the simulator invents the ones it lacks
        # (with their real names); it resumes today's prices after a restart.
        simulator = EmbeddedSimulator(
            SimulatorConfig(seed=seed, synthesise_unknown=True, prices_path=self._demo_prices)
        )
        endpoints = simulator.start()
        return FeedTarget(endpoints.ws_url, endpoints.token, True, source.plan, [], simulator)

    # -- running ------------------------------------------------------------------------------
    def start_monitoring(self) -> None:
        """Judge every quote's truth and show the feed's backlog from now on."""
        self.monitor.start()
        self._backlog.start()

    def stop_monitoring(self) -> None:
        """Stop judging and showing the backlog (at shutdown)."""
        self.monitor.stop()
        self._backlog.stop()

    async def switch_to(self, target: FeedTarget) -> None:
        """Stream from `target`: the old feed stops, the rows reset, listeners hear of both."""
        self._source = None  # `use_source` sets it again
        await self.stop()
        self.simulator = target.simulator
        self.session.clear_rows(self._forget_book)
        around_the_clock = target.demo or target.replay_label is not None
        sessions = AlwaysOpen() if around_the_clock else self.exchange_sessions
        window = self.window
        service: BoardFeed
        if target.gateway_url:
            from desktop.feed.gateway_feed import GatewayFeed

            service = GatewayFeed(
                self.book,
                RedisLink.parse(target.gateway_url, target.redis_password or None),
                on_status=self.bridge.publish_status,
                on_notes=self.rows.set_notes,
                on_reconnected=self._on_reconnected,
                tap=self._tap,
                on_connections=self.monitor.poke,
            )
        else:
            service = FeedService(
                self.book,
                target.url,
                target.token,
                PLANS[target.plan],
                demo=target.demo,
                on_status=self.bridge.publish_status,
                sessions=sessions,
                on_notes=self.rows.set_notes,
                on_reconnected=self._on_reconnected,
                tap=self._tap,
                on_connections=self.monitor.poke,
                on_gap=self.gaps.on_gap if self.gaps is not None else None,
                ingest=self._ingest,
                ingest_workers=self._ingest_workers,
            )
        self.service = service
        self._mode = (
            FeedMode.REPLAY
            if target.replay_label is not None
            else FeedMode.DEMO
            if target.demo
            else FeedMode.LIVE
        )
        self.monitor.set_sessions(sessions)
        window.set_status(FeedStatus(service.status.state, demo=target.demo))
        self.subscriptions.attach(service)
        self.feedStarted.emit(RunningFeed(service, target, sessions))
        await service.start()

    def _on_reconnected(self, notice: ReconnectNotice) -> None:
        """The banner says it; listeners (the tapes' gap dividers) hear it."""
        self.window.show_banner(notice.text)
        self.reconnected.emit(notice)

    def _forget_book(self) -> None:
        """Drop every symbol's state: a new feed must not show the old one's prices."""
        for symbol in self.book.symbols():
            self.book.untrack(symbol)

    async def stop(self) -> None:
        """Announce the stop, let listeners finish, then stop the feed and its simulator."""
        stopping = FeedStopping()
        self.feedStopping.emit(stopping)
        for work in stopping.held:
            await work
        if self.service is not None:
            await self.service.stop()
        if self.simulator is not None:
            simulator, self.simulator = self.simulator, None
            await asyncio.to_thread(simulator.stop)

    def _load_sessions(self) -> None:
        """Load XNYS/XHKG hours in a worker thread, then judge quotes and mute by them."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, load_exchange_sessions, time.time_ns() // 1_000_000)

        def loaded(done: asyncio.Future[Any]) -> None:
            if done.cancelled() or done.exception() is not None:
                log.warning("market hours unavailable: %s", done.exception())
                return
            log.info("market hours loaded (%s)", ", ".join(CALENDARS.values()))
            self.exchange_sessions = done.result()
            service = self.service
            if service is not None and not service.demo and self.simulator is None:
                service.set_sessions(done.result())  # a live feed, not the demo or a replay
                self.monitor.set_sessions(done.result())
                self.sessionsLoaded.emit(done.result())

        future.add_done_callback(loaded)

"""The composition root's feed half: which source streams, and what a switch resets on the board.

Part of the app layer, between `app.py` and the modules it drives (`app_recording`,
`app_insights`, `app_support`, `control` in the import-linter contract). It builds one
`FeedService` at a time — the demo simulator, AllTick, or a replay — is Settings' `FeedControl`,
and on every switch blanks the rows, re-subscribes lists and ladders, and hands the feed's market
hours to the freshness monitor and the alerts. `app.py` builds the widgets and runs the board.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from desktop.app_recording import AppRecording, FeedTarget, replay_target
from desktop.app_support import FeedSubscriptions
from desktop.control.feed_source import FeedSource
from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import CALENDARS, AlwaysOpen, SessionSource, load_exchange_sessions
from desktop.domain.symbols import Symbol
from desktop.domain.truth import FeedConditions, FeedMode, TruthJudge
from desktop.feed.service import FeedService
from desktop.persistence.paths import resolve_data_dir
from desktop.protocol.plans import PLANS, Plan
from desktop.qt.gap_keeper import GapKeeper
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.truth_monitor import TruthMonitor
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.replay import RecordingError
from desktop.widgets.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.app_insights import Insights
    from desktop.control.settings_controller import SettingsController
    from desktop.widgets.depth_windows import DepthWindowManager
    from desktop.widgets.watchlist_panel import WatchlistPanel

__all__ = ["AppFeed", "replay_at_start"]

log = logging.getLogger("desktop")
DEMO_PRICES = "demo-prices.json"
"""The demo market's last prices in the data folder (resumed on the same day)."""


def replay_at_start(args: argparse.Namespace) -> FeedTarget | None:
    """The feed `--replay` asks for (None without it); a file that cannot be replayed exits."""
    if args.replay is None:
        return None
    try:
        return replay_target(args.replay, None, None, args.speed)
    except RecordingError as exc:
        raise SystemExit(f"--replay: {exc}") from None


class AppFeed:
    """The board's one feed: built from Settings' source or a replay, switched without a restart."""

    def __init__(
        self,
        args: argparse.Namespace,
        book: QuoteBook,
        session: WatchlistSession,
        panel: WatchlistPanel,
        window: MainWindow,
    ) -> None:
        self.args = args
        self.book = book
        self.session = session
        self.panel = panel
        self.window = window
        self.simulator: EmbeddedSimulator | None = None
        self.service: FeedService | None = None
        self.subscriptions = FeedSubscriptions()
        self.exchange_sessions: SessionSource | None = None
        # Set by the app once it has built them: a switch tells the ladders and insights about the
        # new feed, and Stop Replay returns to what the settings ask for.
        self.ladders: DepthWindowManager | None = None
        self.insights: Insights | None = None
        self.settings: SettingsController | None = None
        self.gaps: GapKeeper | None = None
        """Keeps every outage in the app database (set by the app once the database is open)."""
        self._source: FeedSource | None = None
        self._ladder_symbols: list[str] = []
        self.bridge = bridge = StreamBridge(book, session.models(), self.frames)
        session.modelAdded.connect(bridge.add_model)
        session.modelRemoved.connect(bridge.remove_model)
        self.rows = rows = session.rows()  # every list's rows: freshness and "not streaming" notes
        session.modelAdded.connect(
            lambda _model: rows.set_notes(self.service.notes() if self.service else {})
        )
        # -- recording and replay (issue 10): the recorder taps every FeedService we build ----
        self.recording = AppRecording(args, window, self.switch_feed)
        # -- reliability (issue 3): row notes, reconnect banner, freshness, market hours -------
        # The demo simulator and a replay trade around the clock: they are judged by its clock.
        # switch_feed gives the monitor the clock of each feed (exchange hours once loaded).
        self._mode = FeedMode.LIVE
        self.monitor = monitor = TruthMonitor(
            book, rows, TruthJudge(None), conditions=self.truth_conditions
        )
        monitor.staleCountChanged.connect(
            lambda count: self.service.set_stale(count) if self.service else None
        )
        self._backlog = backlog = QTimer(window)
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

    def frames(self) -> int:
        """Frames the current feed has received (0 with none): the rate and Performance show it."""
        return self.service.stats().frames if self.service else 0

    def backlog(self) -> int:
        """Frames received and not yet decoded by the current feed (0 with none): the status bar."""
        return self.service.stats().backlog if self.service else 0

    # -- the feed as Settings see it (issue 7: `FeedControl`) -------------------------------------
    def current_source(self) -> FeedSource | None:
        """What streams now (None while paused or replaying)."""
        return self._source

    async def use_source(self, source: FeedSource) -> None:
        """Switch the board to `source` (Settings' Save, start-up, a probe's resume)."""
        target = await asyncio.to_thread(self._target, source)
        await self.switch_feed(target)
        self._source = source
        if not source.demo and self.exchange_sessions is None:
            self._load_sessions()  # ≈ 0.75 s, off the GUI thread

    async def pause_feed(self) -> None:
        """Stop streaming until the next `use_source` (a probe needs the token's connection)."""
        self._source = None
        if self.insights is not None:
            await self.insights.detach_feed()
        await self.stop()

    def _settings_target(self) -> FeedTarget:
        """What Settings ask for: AllTick or the demo (Stop Replay; blocks, call it in a thread)."""
        if self.settings is not None:
            source = self.settings.desired_source()
        else:
            source = FeedSource.simulator(Plan(self.args.plan or "professional"))
        self._source = source
        return self._target(source)

    def _target(self, source: FeedSource) -> FeedTarget:
        """The feed for `source`; blocks while a demo simulator starts (call it in a thread)."""
        symbols: list[Symbol] = []  # a live feed streams what the watchlists hold
        if not source.demo:  # AllTick: the stock WS path on the host; REST is derived from it
            return FeedTarget(source.ws_url, source.token, False, source.plan, symbols)
        seed = self.args.seed if self.args.seed is not None else int(time.time())
        # Demo lists may hold any code the search offers: the simulator invents the ones it lacks.
        # The demo market resumes today's prices after a restart (not in a throwaway smoke run).
        prices = None if self.args.smoke else resolve_data_dir(self.args.data_dir) / DEMO_PRICES
        simulator = EmbeddedSimulator(
            SimulatorConfig(seed=seed, synthesise_unknown=True, prices_path=prices)
        )
        endpoints = simulator.start()
        return FeedTarget(endpoints.ws_url, endpoints.token, True, source.plan, symbols, simulator)

    # -- running ------------------------------------------------------------------------------
    def start_monitoring(self) -> None:
        """Judge freshness and show the feed's backlog from now on."""
        self.monitor.start()
        self._backlog.start()

    def stop_monitoring(self) -> None:
        """Stop judging freshness and showing the backlog (at shutdown)."""
        self.monitor.stop()
        self._backlog.stop()

    # -- switching feeds (replay, issue 10) ---------------------------------------------------
    async def switch_feed(self, target: FeedTarget | None) -> None:
        """Stream from `target` (None: the normal feed): the old feed stops, the rows reset."""
        self._source = None  # `use_source` (or `_settings_target` for Stop Replay) sets it again
        if self.insights is not None:
            await self.insights.detach_feed()
        await self.stop()
        if target is None:
            target = await asyncio.to_thread(self._settings_target)  # Stop Replay
        self.simulator = target.simulator
        window, rows = self.window, self.rows
        self.session.clear_rows(self._forget_book)
        self.recording.show_target(target)
        around_the_clock = target.demo or target.replay_label is not None
        sessions = AlwaysOpen() if around_the_clock else self.exchange_sessions
        self.service = service = FeedService(
            self.book,
            target.url,
            target.token,
            PLANS[target.plan],
            demo=target.demo,
            on_status=self.bridge.publish_status,
            sessions=sessions,
            on_notes=rows.set_notes,
            on_reconnected=lambda notice: window.show_banner(notice.text),
            tap=self.recording.offer,
            on_connections=self.monitor.poke,
            on_gap=self.gaps.on_gap if self.gaps is not None else None,
        )
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
        self.set_ladders(self._ladder_symbols)
        if target.replay_label is not None:
            self._offer_replay_list(target)
        await service.start()
        if self.insights is not None:  # today's lines start afresh, from this feed's history
            self.insights.attach_feed(service.rest, self.session.all_symbols(), sessions)

    def _forget_book(self) -> None:
        """Drop every symbol's state: a new feed must not show the old one's prices."""
        for symbol in self.book.symbols():
            self.book.untrack(symbol)

    async def stop(self) -> None:
        """Stop the feed and the simulator behind it (nothing arrives after this)."""
        if self.service is not None:
            await self.service.stop()
        if self.simulator is not None:
            simulator, self.simulator = self.simulator, None
            await asyncio.to_thread(simulator.stop)

    def _load_sessions(self) -> None:
        """Load XNYS/XHKG hours in a worker thread, then judge freshness and mute by them."""
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
                if self.insights is not None:
                    self.insights.set_sessions(done.result())

        future.add_done_callback(loaded)

    def _offer_replay_list(self, target: FeedTarget) -> None:
        """A replay streams what was recorded: offer a list of it when the lists miss some."""
        on_lists = set(self.session.all_symbols())
        recorded = [str(s) for s in target.symbols]
        missing = [s for s in recorded if s not in on_lists]
        if not missing:
            return
        self.panel.notices.show_notice(
            "info",
            f"{len(missing)} of the {len(recorded)} recorded symbols are on no watchlist, so "
            "their replay is not shown.",
            [("Make a list of them", lambda: self.session.create_list("Replay", recorded))],
            timeout_ms=0,
        )

    def set_ladders(self, ladder_symbols: list[str]) -> None:
        """Trades for every list and ladder; 1 depth level for the lists' bid/ask, the plan's
        full depth only for symbols with a ladder open (issue 5's budget)."""
        self._ladder_symbols = list(ladder_symbols)
        ladders = self.ladders
        if self.service is None or ladders is None:
            return
        self.subscriptions.set_ladders(self._ladder_symbols)
        profile = self.service.profile
        blocked = self.service.over_limit_depth
        note = (
            f"Depth not streaming: the {profile.label} plan streams depth for "
            f"{profile.symbols_per_connection * profile.connections} symbols and ladders come "
            "first. Close another ladder to free a slot."
        )
        ladders.set_depth_notes({s: note for s in ladder_symbols if s in blocked})

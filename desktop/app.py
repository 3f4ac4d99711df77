"""Composition root: the only module that sees every layer. Builds, wires, starts and stops them."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from desktop import __version__
from desktop.app_recording import AppRecording, FeedTarget, replay_target
from desktop.app_support import (
    FeedSubscriptions,
    OpenedDatabase,
    configure_logging,
    open_database,
    redacting_handler,
)
from desktop.control.feed_source import FeedSource
from desktop.control.settings_controller import SettingsController
from desktop.domain.feed_status import FeedStatus
from desktop.domain.freshness import FreshnessJudge
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import CALENDARS, AlwaysOpen, SessionSource, load_exchange_sessions
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.domain.symbols import Symbol
from desktop.feed.service import FeedService
from desktop.persistence.layouts import LayoutRepository
from desktop.persistence.watchlists import WatchlistRepository
from desktop.protocol.plans import PLANS, Plan
from desktop.qt.freshness_monitor import FreshnessMonitor
from desktop.qt.perf_monitor import PerfMonitor
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.replay import RecordingError

if TYPE_CHECKING:
    from desktop.app_insights import Insights
    from desktop.widgets.depth_windows import DepthWindowManager

__all__ = [
    "DEFAULT_WATCHLISTS",
    "FeedSubscriptions",
    "OpenedDatabase",
    "QuoteBoardApp",
    "configure_logging",
    "open_database",
    "redacting_handler",
    "run",
]

log = logging.getLogger("desktop")

DEFAULT_WATCHLISTS: dict[str, list[str]] = {
    "US": [
        "AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US", "AMZN.US", "GOOGL.US",
        "META.US", "AMD.US", "NFLX.US", "JPM.US", "BRK.B.US", "V.US",
    ],
    "Hong Kong": [
        "00700.HK", "09988.HK", "00005.HK", "01299.HK", "00941.HK", "03690.HK",
        "00388.HK", "02318.HK", "01810.HK", "00939.HK", "01211.HK", "09618.HK",
    ],
}  # fmt: skip
"""The lists a first run starts with (an empty data folder only)."""
GEOMETRY_ENV = "QB_TEST_GEOMETRY_FILE"
"""When set, the app writes its widgets' screen rectangles there (the real-window drag test)."""


class QuoteBoardApp:
    """One running board: book, feed, models, window; `run()` returns the process exit code."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.smoke: float | None = args.smoke
        self.errors = 0
        self.book = QuoteBook()
        self.simulator: EmbeddedSimulator | None = None
        self.service: FeedService | None = None
        self.subscriptions = FeedSubscriptions()
        self._ladder_symbols: list[str] = []
        self.ladders: DepthWindowManager | None = None
        self.recording: AppRecording | None = None
        self.exchange_sessions: SessionSource | None = None
        self.insights: Insights | None = None
        self.feed_settings: SettingsController | None = None
        self._source: FeedSource | None = None
        self._done = asyncio.Event()

    # -- error accounting ---------------------------------------------------------------------
    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self.errors += 1
        log.error("unhandled error", exc_info=(kind, exc, tb))

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.errors += 1
        log.error(
            "unhandled error in a task: %s",
            context.get("message"),
            exc_info=context.get("exception"),
        )

    # -- start-up -----------------------------------------------------------------------------
    def _feed_endpoint(self, first: bool = True) -> FeedTarget:
        """A replay with --replay (at start), else what Settings ask for: AllTick or the demo."""
        if self.args.replay is not None and first:
            try:
                return replay_target(self.args.replay, None, None, self.args.speed)
            except RecordingError as exc:
                raise SystemExit(f"--replay: {exc}") from None
        if self.feed_settings is not None:
            source = self.feed_settings.desired_source()
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
        simulator = EmbeddedSimulator(SimulatorConfig(seed=seed, synthesise_unknown=True))
        endpoints = simulator.start()
        return FeedTarget(endpoints.ws_url, endpoints.token, True, source.plan, symbols, simulator)

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
            self._load_sessions(self.monitor)  # ≈ 0.75 s, off the GUI thread

    async def pause_feed(self) -> None:
        """Stop streaming until the next `use_source` (a probe needs the token's connection)."""
        self._source = None
        if self.insights is not None:
            await self.insights.detach_feed()
        await self._stop_feed()

    async def run(self) -> int:
        """Build everything, show the window, stream until quit (or the smoke time), shut down."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
        from desktop.widgets.main_window import MainWindow
        from desktop.widgets.resources import resource_path
        from desktop.widgets.watchlist_panel import WatchlistPanel

        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(self._loop_exception)
        sys.excepthook = self._excepthook
        qapp.setQuitOnLastWindowClosed(False)

        target = self._feed_endpoint() if self.args.replay is not None else None
        opened = open_database(self.args.data_dir, throwaway=self.smoke is not None)
        db = opened.db
        repo = WatchlistRepository(db)
        repo.seed(DEFAULT_WATCHLISTS)
        universe = SymbolUniverse.from_files(
            resource_path("symbols", name) for name in ("us.csv", "hk.csv")
        )
        self.session = session = WatchlistSession(repo, self.book, universe.name_of)
        self.panel = panel = WatchlistPanel(session, SymbolMatcher(universe))
        self.window = window = MainWindow(panel)
        if opened.notice:
            panel.notices.show_notice("warning", opened.notice, timeout_ms=0)
        self.bridge = bridge = StreamBridge(
            self.book, session.models(), lambda: self.service.stats().frames if self.service else 0
        )
        session.modelAdded.connect(bridge.add_model)
        session.modelRemoved.connect(bridge.remove_model)
        self.rows = rows = session.rows()  # every list's rows: freshness and "not streaming" notes
        session.modelAdded.connect(
            lambda _model: rows.set_notes(self.service.notes() if self.service else {})
        )
        bridge.statusChanged.connect(window.set_status)
        bridge.rateChanged.connect(window.set_rate)
        # -- recording and replay (issue 10): the recorder taps every FeedService we build ----
        self.recording = recording = AppRecording(self.args, window, self.switch_feed)
        recording.start()
        # -- View → Performance (issue 9): measures only while the panel is shown.
        perf = PerfMonitor(
            bridge,
            frames=lambda: self.service.stats().frames if self.service else 0,
            backlog=lambda: self.service.stats().backlog if self.service else 0,
            recorder_queue=lambda: recording.controller.queue_depth,
            parent=bridge,
        )
        perf.sampled.connect(window.performance_panel().show_sample)
        window.performance_panel().visibilityChanged.connect(perf.set_active)
        window.quitRequested.connect(self._done.set)
        qapp.aboutToQuit.connect(self._done.set)

        # -- reliability (issue 3): row notes, reconnect banner, freshness, market hours -------
        # The demo simulator and a replay trade around the clock: they are judged by its clock.
        # switch_feed gives the monitor the clock of each feed (exchange hours once loaded).
        self.monitor = monitor = FreshnessMonitor(
            self.book,
            rows,
            FreshnessJudge(None),
            not_streaming=lambda: set(self.service.notes()) if self.service else set(),
        )
        monitor.staleCountChanged.connect(
            lambda count: self.service.set_stale(count) if self.service else None
        )
        backlog = QTimer(window)
        backlog.setInterval(1000)
        backlog.timeout.connect(
            lambda: window.feed_status_bar().set_backlog(
                self.service.stats().backlog if self.service else 0
            )
        )
        # Depth ladders (issue 5): the dock follows the watchlist, pop-outs are saved and restored.
        self.ladders = ladders = DepthWindowManager(self.book, bridge, main_window=window)
        window.install_depth_dock(ladders.dock(), ladders.watchlist_group_menu(window))
        panel.currentSymbolChanged.connect(ladders.follow_selection)
        window.popOutRequested.connect(ladders.pop_out)
        ladders.ladderSymbolsChanged.connect(self._subscribe)
        self.subscriptions.follow(session)
        session.watch_external_changes()
        layouts = LayoutRepository(db)
        ladders.layoutChanged.connect(lambda: self._save_layouts(layouts, ladders))
        # -- issue 6: sparklines, charts, heatmap, alerts; `switch_feed` attaches each feed ----
        from desktop.app_insights import Insights

        self.insights = insights = Insights(self.book, session, window, bridge, db)
        # -- API token and provider (issue 7): QUOTEBOARD_TOKEN or the keyring; provider, plan and
        # host in app_state; a 401 opens Settings; Save switches demo <-> live without a restart.
        plan = Plan(self.args.plan) if self.args.plan else None
        self.feed_settings = settings = SettingsController(
            window, self, db, plan_override=plan, feed_url_override=self.args.feed_url
        )
        window.settingsRequested.connect(lambda: settings.open_dialog())
        bridge.statusChanged.connect(settings.on_status)
        window.show()
        ladders.restore(layouts.load(DEPTH_KIND))  # after the main window (AetherSDR #3324)
        insights.start()  # alerts, and the chart windows (after the main window, like ladders)
        if os.environ.get(GEOMETRY_ENV):
            from desktop.widgets.geometry_probe import GeometryProbe

            GeometryProbe(window, panel, Path(os.environ[GEOMETRY_ENV])).start()
        bridge.start()
        monitor.start()
        backlog.start()
        if target is not None:  # --replay; Settings still find the token for Stop Replay
            await self.switch_feed(target)
            if self.smoke is None:
                await settings.start(switch=False)
        elif self.smoke is not None:  # smoke mode: the built-in simulator, never the keyring
            await self.use_source(FeedSource.simulator(plan or Plan.PROFESSIONAL))
        else:
            await settings.start()
        view = panel.current_view()
        first = view.list_model().symbol_at(0) if view is not None else None
        if view is not None and first is not None:
            view.select_symbol(first)  # the ladder dock follows the selection from the start
        if self.smoke is not None:
            loop.call_later(self.smoke, self._done.set)
        await self._done.wait()

        await settings.close()

        bridge.flush()
        bridge.stop()
        monitor.stop()
        backlog.stop()
        await insights.stop()  # before the feed: its history requests use the feed's REST client
        session.watch_external_changes(False)
        panel.shutdown()
        await self._stop_feed()  # nothing arrives after this: the report and recording agree
        report = self._report(session, bridge) if self.smoke is not None else None
        if report is not None:
            report["sparklines"] = sum(
                1 for s in session.all_symbols() if insights.sparklines.version(s)
            )
            report["history_seeded"] = insights.history.seeded
        recorded = await recording.close()
        self._save_layouts(layouts, ladders)
        ladders.shutdown()
        window.close()
        db.close()
        if opened.scratch is not None:
            opened.scratch.cleanup()
        if report is None:
            return 0
        if recorded is not None:
            report["recorded"] = recorded
        if self.args.dump:
            self._dump(session, self.args.dump)
        print(json.dumps(report), flush=True)
        ok = (
            report["ticks"] > 0
            and report["rows_with_price"] == report["rows"]
            and report["errors"] == 0
            and report.get("recorded", report["ticks"]) == report["ticks"]
        )
        return 0 if ok else 1

    # -- switching feeds (replay, issue 10) ---------------------------------------------------
    async def switch_feed(self, target: FeedTarget | None) -> None:
        """Stream from `target` (None: the normal feed): the old feed stops, the rows reset."""
        self._source = None  # `use_source` (or `_feed_endpoint` for Stop Replay) sets it again
        if self.insights is not None:
            await self.insights.detach_feed()
        await self._stop_feed()
        if target is None:
            target = await asyncio.to_thread(self._feed_endpoint, False)  # Stop Replay
        self.simulator = target.simulator
        window, rows = self.window, self.rows
        self.session.clear_rows(self._forget_book)
        assert self.recording is not None
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
        )
        if sessions is not None:
            self.monitor.set_sessions(sessions)
        window.set_status(FeedStatus(service.status.state, demo=target.demo))
        self.subscriptions.attach(service)
        self._subscribe(self._ladder_symbols)
        if target.replay_label is not None:
            self._offer_replay_list(target)
        await service.start()
        if self.insights is not None:  # today's lines start afresh, from this feed's history
            self.insights.attach_feed(service.rest, self.session.all_symbols(), sessions)

    def _forget_book(self) -> None:
        """Drop every symbol's state: a new feed must not show the old one's prices."""
        for symbol in self.book.symbols():
            self.book.untrack(symbol)

    async def _stop_feed(self) -> None:
        if self.service is not None:
            await self.service.stop()
        if self.simulator is not None:
            simulator, self.simulator = self.simulator, None
            await asyncio.to_thread(simulator.stop)

    def _load_sessions(self, monitor: FreshnessMonitor) -> None:
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
                monitor.set_sessions(done.result())
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

    def _subscribe(self, ladder_symbols: list[str]) -> None:
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

    @staticmethod
    def _save_layouts(layouts: LayoutRepository, ladders: DepthWindowManager) -> None:
        """Save the open pop-outs; a failing disk costs the saved layout, never the session."""
        from desktop.widgets.depth_windows import DEPTH_KIND

        try:
            layouts.save(DEPTH_KIND, ladders.layouts())
        except sqlite3.Error as exc:
            log.error("could not save the window layout: %s", exc)

    # -- smoke mode ---------------------------------------------------------------------------
    def _report(self, session: WatchlistSession, bridge: StreamBridge) -> dict[str, Any]:
        assert self.service is not None
        stats = self.service.stats()
        symbols = session.all_symbols()
        priced = sum(1 for s in symbols if (state := self.book.get(s)) and state.last is not None)
        counters = self.book.counters
        return {
            "version": __version__,
            "seconds": self.smoke,
            "ticks": counters.ticks,
            "depth_updates": counters.depth_updates,
            "rows": len(symbols),
            "rows_with_price": priced,
            "model_flushes": bridge.stats.flushes,
            "cells_updated": bridge.stats.cells,
            "frames": stats.frames,
            "errors": self.errors + stats.bad_frames + stats.error_replies + stats.rest_failures,
            "bad_frames": stats.bad_frames,
            "error_replies": stats.error_replies,
            "rest_failures": stats.rest_failures,
            "reconnects": stats.reconnects,
            "status": self.service.status.text,
        }

    @staticmethod
    def _dump(session: WatchlistSession, path: Path) -> None:
        """Every list's rows as displayed (a symbol on two lists once), one CSV."""
        path.parent.mkdir(parents=True, exist_ok=True)
        models = session.models()
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if models:
                writer.writerow(models[0].column_titles())
            seen: set[str] = set()
            for model in models:
                model.set_live(True)  # a hidden list catches up before it is written
                for symbol, row in zip(model.symbols(), model.rows_as_displayed(), strict=True):
                    if symbol not in seen:
                        seen.add(symbol)
                        writer.writerow(row)


def _headless() -> bool:
    """True on Linux/BSD with no X11 or Wayland display to connect to."""
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    """Start Qt, then asyncio on Qt's loop (qasync), and run the board."""
    configure_logging(args.log_level)
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.widgets.app_identity import apply_app_identity
    from desktop.widgets.theme import apply_dark_theme

    started = time.monotonic()
    if _headless() and not os.environ.get("QT_QPA_PLATFORM"):
        if args.smoke is None:
            print(
                "Quote Board needs a display: DISPLAY and WAYLAND_DISPLAY are not set. "
                "Start it from a desktop session, or use --smoke with QT_QPA_PLATFORM=offscreen.",
                file=sys.stderr,
            )
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # smoke mode needs no display
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    apply_app_identity(qapp)
    apply_dark_theme(qapp)
    board = QuoteBoardApp(args)
    code: int = qasync.run(board.run())
    log.info("ran for %.1f s", time.monotonic() - started)
    return code

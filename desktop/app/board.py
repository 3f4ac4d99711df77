"""One running board: `build()` wires every layer, `start()` shows it and starts the feed,
`shutdown()` stops it in order; `run()` does all three and waits for quit (or the smoke time).

Tests call these instead of copying the wiring. `run(config)` starts Qt and asyncio (qasync).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.app.appearance import AppAppearance
from desktop.app.config import AppConfig
from desktop.app.database import OpenedDatabase, open_database, seeded_watchlists
from desktop.app.feed_source import FeedSource, FeedTarget, replay_target
from desktop.app.feed_switch import DEMO_PRICES, FeedSwitch, RunningFeed
from desktop.app.insights import Insights
from desktop.app.ladders import DepthLadders
from desktop.app.market_activity import MarketActivity
from desktop.app.market_hours import MarketHours
from desktop.app.preload import drop_source_cache
from desktop.app.recording import AppRecording, recording_controller
from desktop.app.report import RunReport, configure_logging
from desktop.app.settings_controller import SettingsController
from desktop.app.workspaces import AppWorkspaces
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.feed.redis_link import RedisLink
from desktop.feed.service import FeedService
from desktop.feed.timing import IngestMode
from desktop.persistence import credentials
from desktop.persistence.gaps import GapRepository
from desktop.persistence.paths import resolve_data_dir
from desktop.protocol.plans import Plan
from desktop.qt.gap_keeper import GapKeeper
from desktop.qt.gui_thread_gc import GuiThreadCollector
from desktop.qt.perf_monitor import PerfMonitor
from desktop.qt.quote_columns import ColumnId
from desktop.qt.startup_clock import StartupClock, process_started
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.replay import RecordingError
from desktop.widgets.main_window import MainWindow
from desktop.widgets.resources import resource_path
from desktop.widgets.subscriptions_panel import SubscriptionsPanel
from desktop.widgets.watchlist_panel import WatchlistPanel

__all__ = ["GEOMETRY_ENV", "MARKET_HOURS_AFTER_S", "QuoteBoardApp", "run"]

log = logging.getLogger("desktop")

GEOMETRY_ENV = "QB_TEST_GEOMETRY_FILE"
"""When set, the app writes its widgets' screen rectangles there (the real-window drag test)."""
MARKET_HOURS_AFTER_S = 1.5
"""Load the exchange calendars this long after start if no price has been painted by then."""


class QuoteBoardApp:
    """One board: book, feed, models, window, built from an `AppConfig`."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.book = QuoteBook()
        self.report = RunReport(self.book, config.smoke, config.dump)
        self._done = asyncio.Event()
        self._market_hours_asked = False
        self._stopping = False

    def build(self) -> None:
        """Open the database and build every part, wired; nothing streams or shows yet."""
        config = self.config
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        qapp.setQuitOnLastWindowClosed(False)
        # How long the window and the first price take from launch (`--smoke` reports both).
        self.startup = StartupClock(process_started(fallback=time.monotonic()))
        self.collector = GuiThreadCollector()  # no collection frees a Qt object off this thread
        self.collector.start()
        self.replay = self._replay_at_start()
        self.opened: OpenedDatabase = open_database(config.data_dir, throwaway=config.is_smoke)
        db = self.opened.db
        self.appearance = AppAppearance(qapp, db)  # colours and font size before any widget
        universe = SymbolUniverse.from_files(
            resource_path("symbols", name) for name in ("us.csv", "hk.csv")
        )
        self.session = session = WatchlistSession(
            seeded_watchlists(db), self.book, universe.name_of
        )
        self.panel = panel = WatchlistPanel(session, SymbolMatcher(universe))
        self.window = window = MainWindow(panel)
        self._watch_startup()
        if self.opened.notice:
            panel.notices.show_notice("warning", self.opened.notice, timeout_ms=0)
        recorder = recording_controller(config, window)
        gaps = GapKeeper(GapRepository(db), parent=window)
        demo_prices = None if config.is_smoke else resolve_data_dir(config.data_dir) / DEMO_PRICES
        self.switch = switch = FeedSwitch(
            self.book,
            session,
            window,
            recorder.offer,
            seed=config.seed,
            ingest=config.ingest,
            ingest_workers=config.ingest_workers,
            gaps=gaps,
            demo_prices=demo_prices,
        )
        status_bar = window.feed_status_bar()
        gaps.gapsChanged.connect(status_bar.set_gaps)
        status_bar.set_gaps(gaps.recent())
        status_bar.reconnectRequested.connect(switch.reconnect_now)
        switch.bridge.statusChanged.connect(window.set_status)
        switch.bridge.rateChanged.connect(window.set_rate)
        switch.feedStarted.connect(self._offer_replay_list)
        self.recording = AppRecording(recorder, config, window, switch)
        # View → Performance: measures only while the panel is shown.
        perf = PerfMonitor(
            switch.bridge,
            frames=switch.frames,
            backlog=switch.backlog,
            recorder_queue=lambda: recorder.queue_depth,
            parent=switch.bridge,
        )
        perf.sampled.connect(window.performance_panel().show_sample)
        window.performance_panel().visibilityChanged.connect(perf.set_active)
        window.quitRequested.connect(self._done.set)
        qapp.aboutToQuit.connect(self._done.set)
        self.ladders = DepthLadders(self.book, switch, window, panel, db)
        self.insights = Insights(self.book, session, window, switch, db)
        self.insights.on_history_loaded = self.collector.sweep
        # One truth state per quote, shown alike by rows, ladders, charts, heatmap and titles.
        truth = switch.monitor
        self.ladders.manager.set_truth(truth)
        self.insights.ui.charts.set_truth(truth)
        self.insights.ui.heatmap.set_truth(truth)
        window.attach_truth(truth)
        subscriptions = SubscriptionsPanel(window)
        subscriptions.set_source(
            lambda: switch.service.subscription_report().lines() if switch.service else ["No feed."]
        )
        window.view_menu().addAction(subscriptions.action)
        # Clocks, session chips, extended-hours prices and chart shading follow the exchanges'
        # calendars whatever the feed; linked charts follow the ladders' colour groups.
        self.market_hours = MarketHours(self.book, window, self.insights.ui.charts)
        self.insights.ui.charts.set_link_hub(self.ladders.manager.hub())
        # Time & sales, the glance columns' daily bars, the volume dashboard: after the ladders
        # (their link groups) and the insights (their minute bars).
        self.activity = MarketActivity(
            self.book, session, window, panel, switch, self.ladders, self.insights, db
        )
        # Every dock, splitter and pop-out exists now: the window state can be kept and restored.
        self.workspaces = AppWorkspaces(
            window,
            panel,
            self.ladders.manager,
            self.insights.ui.charts,
            db,
            save_charts=self.insights.save_charts,
        )
        # The token from QUOTEBOARD_TOKEN or the keyring; provider, plan and host in app_state;
        # a 401 opens Settings; Save switches demo <-> live without a restart.
        self.settings = settings = SettingsController(
            window,
            switch,
            db,
            plan_override=config.plan,
            feed_url_override=config.feed_url,
            appearance=self.appearance,
        )
        window.settingsRequested.connect(lambda: settings.open_dialog())
        settings.set_subscriptions(
            lambda: switch.service.subscription_report() if switch.service else None
        )
        switch.monitor.verdictsChanged.connect(settings.on_verdicts)
        switch.bridge.statusChanged.connect(settings.on_status)

    def _load_market_hours(self) -> None:
        """Start loading the exchange calendars, once (not after shutdown began)."""
        if self._market_hours_asked or self._stopping:
            return
        self._market_hours_asked = True
        self.market_hours.load()

    def _watch_startup(self) -> None:
        """Time the window's first paint and the first paint of the shown list with a price."""
        self.startup.watch_window(self.window)
        view = self.panel.current_view()
        if view is None:
            return
        model, book, last = view.list_model(), self.book, int(ColumnId.LAST)

        def priced(row: int) -> bool:
            symbol = model.symbol_at(row)
            state = book.get(symbol) if symbol is not None else None
            return (
                state is not None and state.last is not None and bool(model.index(row, last).data())
            )

        self.startup.watch_first_price(view, priced)

    def _replay_at_start(self) -> FeedTarget | None:
        """The feed `--replay` asks for (None without it); a file that cannot be replayed exits."""
        if self.config.replay is None:
            return None
        try:
            return replay_target(self.config.replay, None, None, self.config.speed)
        except RecordingError as exc:
            raise SystemExit(f"--replay: {exc}") from None

    async def start(self) -> None:
        """Show the window and start streaming from what the configuration asks for."""
        self.report.install(asyncio.get_running_loop())
        self.recording.start()
        self.session.watch_external_changes()
        self.window.show()
        self.workspaces.restore()  # its size, docks and selected row, then save every change
        self.ladders.restore()  # after the main window (AetherSDR #3324)
        self.insights.start()  # alerts, and the chart windows (after the main window, too)
        self.activity.restore()  # the tape pop-outs, likewise
        if os.environ.get(GEOMETRY_ENV):
            from desktop.widgets.geometry_probe import GeometryProbe

            GeometryProbe(self.window, self.panel, Path(os.environ[GEOMETRY_ENV])).start()
        self.switch.bridge.start()
        self.switch.start_monitoring()
        # The calendars take ≈ 0.75 s of imports in a worker thread, which competes for the GIL
        # with the first price: load them once it is painted, or after a while without one.
        self.startup.firstPriceShown.connect(
            self._load_market_hours, Qt.ConnectionType.QueuedConnection
        )
        QTimer.singleShot(round(MARKET_HOURS_AFTER_S * 1000), self._load_market_hours)
        config = self.config
        if self.replay is not None:  # --replay; Settings still find the token for Stop Replay
            await self.switch.switch_to(self.replay)
            if not config.is_smoke:
                await self.settings.start(switch=False)
        elif config.gateway is not None:  # one run on the desk gateway (a smoke run too)
            await self.switch.use_source(await _gateway_source(config.gateway))
            if not config.is_smoke:
                await self.settings.start(switch=False)
        elif config.is_smoke and config.feed_url is None:
            # A smoke run streams the built-in simulator and never asks the keyring …
            await self.switch.use_source(FeedSource.simulator(config.plan or Plan.PROFESSIONAL))
        else:  # … unless it is given a server: then it needs the token like a normal run
            await self.settings.start()
        view = self.panel.current_view()
        first = view.list_model().symbol_at(0) if view is not None else None
        if view is not None and first is not None and not self.workspaces.select_restored():
            view.select_symbol(first)  # the ladder dock follows the selection from the start
        drop_source_cache()  # start-up's imports are done (see `app.preload`)

    async def shutdown(self) -> int:
        """Stop everything in order; returns the exit code (a smoke run's verdict, else 0)."""
        self._stopping = True
        switch = self.switch
        self.workspaces.shutdown()  # the window state as it is, before anything closes
        await self.settings.close()
        switch.bridge.flush()
        switch.bridge.stop()
        switch.stop_monitoring()
        self.market_hours.stop()
        await self.insights.stop()  # before the feed: its history requests use the feed's REST
        await self.activity.stop()  # likewise its daily bars
        self.session.watch_external_changes(False)
        self.panel.shutdown()
        await switch.stop()  # nothing arrives after this: the report and recording agree
        summary = (
            self.report.collect(
                switch.service,
                self.session,
                switch.bridge,
                self.insights.sparklines,
                self.insights.history.seeded,
                self.startup.report(),
            )
            if self.config.is_smoke
            else None
        )
        if summary is not None:  # history through the feed's bar source (REST or the gateway)
            summary["ingest"] = self.config.ingest.value
            process = self.config.ingest is IngestMode.PROCESS
            summary["ingest_workers"] = self.config.ingest_workers if process else 0
            service = switch.service
            workers = service.workers if isinstance(service, FeedService) else []
            # Workers beyond the feed's connections never start (connection i → worker i % N).
            summary["ingest_workers_started"] = sum(1 for w in workers if w.pid is not None)
            summary["daily_bars"] = self.activity.daily.fetched
            summary["history_retries"] = self.insights.history.retries
            summary["gc_collections"] = self.collector.collections
            summary["gc_longest_ms"] = round(self.collector.longest_ms, 1)
            summary["gc_full_sweeps"] = self.collector.full_sweeps
        recorded = await self.recording.close()
        self.ladders.shutdown()
        self.window.close()
        self.opened.db.close()
        if self.opened.scratch is not None:
            self.opened.scratch.cleanup()
        self.report.uninstall()
        self.collector.stop()
        if summary is None:
            return 0
        return self.report.finish(summary, recorded, self.session)

    def quit(self) -> None:
        """End `run()` as File → Quit does."""
        self._done.set()

    async def run(self) -> int:
        """Build, start, stream until quit (or the smoke time), shut down; the exit code."""
        self.build()
        await self.start()
        if self.config.smoke is not None:
            asyncio.get_running_loop().call_later(self.config.smoke, self._done.set)
        await self._done.wait()
        return await self.shutdown()

    def _offer_replay_list(self, feed: RunningFeed) -> None:
        """A replay streams what was recorded: offer a list of it when the lists miss some."""
        if feed.target.replay_label is None:
            return
        on_lists = set(self.session.all_symbols())
        recorded = [str(s) for s in feed.target.symbols]
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


async def _gateway_source(url: str) -> FeedSource:
    """The desk gateway at `url`, with the Redis password this board keeps in its keyring."""
    link = RedisLink.parse(url)
    password = None if link.password else await credentials.load_redis_password_async(link.redacted)
    return FeedSource.gateway(url, password or "")


def _headless() -> bool:
    """True on Linux/BSD with no X11 or Wayland display to connect to."""
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(config: AppConfig) -> int:
    """Start Qt, then asyncio on Qt's loop (qasync), and run the board."""
    configure_logging(config.log_level)
    import qasync

    from desktop.qt.palette import DARK
    from desktop.widgets.app_identity import apply_app_identity
    from desktop.widgets.theme import apply_theme

    started = time.monotonic()
    if _headless() and not os.environ.get("QT_QPA_PLATFORM"):
        if not config.is_smoke:
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
    apply_theme(qapp, DARK)  # messages before the board loads the user's theme look right too
    board = QuoteBoardApp(config)
    code: int = qasync.run(board.run())
    log.info("ran for %.1f s", time.monotonic() - started)
    return code

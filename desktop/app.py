"""Composition root: the only module that sees every layer. Builds, wires, starts and stops them."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app_feed import AppFeed, replay_at_start
from desktop.app_report import RunReport
from desktop.app_support import (
    FeedSubscriptions,
    OpenedDatabase,
    configure_logging,
    open_database,
    redacting_handler,
)
from desktop.control.feed_source import FeedSource
from desktop.control.settings_controller import SettingsController
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.gaps import GapRepository
from desktop.persistence.layouts import LayoutRepository
from desktop.persistence.watchlists import WatchlistRepository
from desktop.protocol.plans import Plan
from desktop.qt.gap_keeper import GapKeeper
from desktop.qt.perf_monitor import PerfMonitor
from desktop.qt.watchlist_session import WatchlistSession

if TYPE_CHECKING:
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
        self.book = QuoteBook()
        self.report = RunReport(self.book, args.smoke, args.dump)
        self._done = asyncio.Event()

    async def run(self) -> int:
        """Build everything, show the window, stream until quit (or the smoke time), shut down."""
        from PySide6.QtWidgets import QApplication

        from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
        from desktop.widgets.main_window import MainWindow
        from desktop.widgets.resources import resource_path
        from desktop.widgets.watchlist_panel import WatchlistPanel

        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        loop = asyncio.get_running_loop()
        self.report.install(loop)
        qapp.setQuitOnLastWindowClosed(False)

        target = replay_at_start(self.args)
        opened = open_database(self.args.data_dir, throwaway=self.smoke is not None)
        db = opened.db
        repo = WatchlistRepository(db)
        repo.seed(DEFAULT_WATCHLISTS)
        universe = SymbolUniverse.from_files(
            resource_path("symbols", name) for name in ("us.csv", "hk.csv")
        )
        session = WatchlistSession(repo, self.book, universe.name_of)
        panel = WatchlistPanel(session, SymbolMatcher(universe))
        window = MainWindow(panel)
        if opened.notice:
            panel.notices.show_notice("warning", opened.notice, timeout_ms=0)
        # -- the feed and its bridge to Qt; sources, replay and recording (issues 7, 10), freshness
        # (issue 3): `switch_feed` builds each FeedService and resets the board for it.
        feed = AppFeed(self.args, self.book, session, panel, window)
        bridge = feed.bridge
        bridge.statusChanged.connect(window.set_status)
        bridge.rateChanged.connect(window.set_rate)
        recording = feed.recording
        recording.start()
        # -- View → Performance (issue 9): measures only while the panel is shown.
        perf = PerfMonitor(
            bridge,
            frames=feed.frames,
            backlog=feed.backlog,
            recorder_queue=lambda: recording.controller.queue_depth,
            parent=bridge,
        )
        perf.sampled.connect(window.performance_panel().show_sample)
        window.performance_panel().visibilityChanged.connect(perf.set_active)
        window.quitRequested.connect(self._done.set)
        qapp.aboutToQuit.connect(self._done.set)

        # Depth ladders (issue 5): the dock follows the watchlist, pop-outs are saved and restored.
        feed.ladders = ladders = DepthWindowManager(self.book, bridge, main_window=window)
        window.install_depth_dock(ladders.dock(), ladders.watchlist_group_menu(window))
        panel.currentSymbolChanged.connect(ladders.follow_selection)
        window.popOutRequested.connect(ladders.pop_out)
        ladders.ladderSymbolsChanged.connect(feed.set_ladders)
        feed.subscriptions.follow(session)
        session.watch_external_changes()
        layouts = LayoutRepository(db)
        ladders.layoutChanged.connect(lambda: self._save_layouts(layouts, ladders))
        # -- issue 6: sparklines, charts, heatmap, alerts; `switch_feed` attaches each feed ----
        from desktop.app_insights import Insights

        feed.insights = insights = Insights(self.book, session, window, bridge, db)
        # -- one truth state per quote, shown alike by rows, ladders, charts and the heatmap ----
        truth = feed.monitor
        ladders.set_truth(truth)
        insights.ui.charts.set_truth(truth)
        insights.ui.heatmap.set_truth(truth)
        window.attach_truth(truth)
        feed.gaps = gaps = GapKeeper(GapRepository(db), parent=window)
        gaps.gapsChanged.connect(window.feed_status_bar().set_gaps)
        window.feed_status_bar().set_gaps(gaps.recent())
        window.feed_status_bar().reconnectRequested.connect(feed.reconnect_now)
        # -- API token and provider (issue 7): QUOTEBOARD_TOKEN or the keyring; provider, plan and
        # host in app_state; a 401 opens Settings; Save switches demo <-> live without a restart.
        plan = Plan(self.args.plan) if self.args.plan else None
        feed.settings = settings = SettingsController(
            window, feed, db, plan_override=plan, feed_url_override=self.args.feed_url
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
        feed.start_monitoring()
        if target is not None:  # --replay; Settings still find the token for Stop Replay
            await feed.switch_feed(target)
            if self.smoke is None:
                await settings.start(switch=False)
        elif self.smoke is not None:  # smoke mode: the built-in simulator, never the keyring
            await feed.use_source(FeedSource.simulator(plan or Plan.PROFESSIONAL))
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
        feed.stop_monitoring()
        await insights.stop()  # before the feed: its history requests use the feed's REST client
        session.watch_external_changes(False)
        panel.shutdown()
        await feed.stop()  # nothing arrives after this: the report and recording agree
        summary = (
            self.report.collect(
                feed.service, session, bridge, insights.sparklines, insights.history.seeded
            )
            if self.smoke is not None
            else None
        )
        recorded = await recording.close()
        self._save_layouts(layouts, ladders)
        ladders.shutdown()
        window.close()
        db.close()
        if opened.scratch is not None:
            opened.scratch.cleanup()
        if summary is None:
            return 0
        return self.report.finish(summary, recorded, session)

    @staticmethod
    def _save_layouts(layouts: LayoutRepository, ladders: DepthWindowManager) -> None:
        """Save the open pop-outs; a failing disk costs the saved layout, never the session."""
        from desktop.widgets.depth_windows import DEPTH_KIND

        try:
            layouts.save(DEPTH_KIND, ladders.layouts())
        except sqlite3.Error as exc:
            log.error("could not save the window layout: %s", exc)


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

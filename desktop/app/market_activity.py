"""Time & sales, relative volume and the 52-week range, and the volume-anomaly dashboard of a
running board.

Part of the composition root: it sees every layer. It hooks the tape ring and the relative-volume
tracker to the book's trades, fetches each feed's daily bars over its REST client, marks the gap
ledger's outages on the tapes (every reconnect, for a feed that keeps no ledger), and connects all
of it to `MarketActivityUi`. It is built after the depth
ladders (the tape shares their link groups) and the insights (the dashboard reads their minute bars).
"""

from __future__ import annotations

import logging
import sqlite3
import time

from desktop.app.feed_switch import FeedStopping, FeedSwitch, RunningFeed
from desktop.app.insights import Insights
from desktop.app.ladders import DepthLadders
from desktop.domain.feed_status import ReconnectNotice
from desktop.domain.gaps import Gap
from desktop.domain.quote_book import QuoteBook
from desktop.domain.relative_volume import RelativeVolume
from desktop.domain.tape import TapeBook
from desktop.feed.daily_history import DailyHistory
from desktop.feed.service import FeedService
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository
from desktop.qt.dashboard_controller import DashboardController
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.main_window import MainWindow
from desktop.widgets.market_activity_ui import MarketActivityUi
from desktop.widgets.tape_windows import TAPE_KIND, TapeWindowManager
from desktop.widgets.watchlist_panel import WatchlistPanel

__all__ = ["MarketActivity"]

log = logging.getLogger(__name__)


class MarketActivity:
    """The tape, the glance columns' daily data and the dashboard: each feed starts them afresh."""

    def __init__(
        self,
        book: QuoteBook,
        session: WatchlistSession,
        window: MainWindow,
        panel: WatchlistPanel,
        switch: FeedSwitch,
        ladders: DepthLadders,
        insights: Insights,
        db: Database,
    ) -> None:
        self._session = session
        self._panel = panel
        self._book = book
        self._ledger = False
        """Whether the running feed reports outages to the gap ledger (the tapes mark those)."""
        self._ladders = ladders.manager
        self.tape = TapeBook()
        self.relative_volume = RelativeVolume(book, insights.bars.first_minute_ms)
        book.add_trade_listener(self.tape.add)
        book.add_trade_listener(self.relative_volume.on_trade)
        self.daily = DailyHistory(None, self.relative_volume.set_stats, after=insights.history)
        self.tapes = TapeWindowManager(self.tape, switch.bridge, self._ladders.hub(), window)
        self._layouts = LayoutRepository(db)
        self.tapes.layoutChanged.connect(self.save)
        self.dashboard = DashboardController(
            book, insights.bars, self.tape, session.all_symbols, parent=window
        )
        self.ui = MarketActivityUi(window, self.tapes, self.dashboard)
        self.ui.dashboard.symbolSelected.connect(self.select)
        session.symbolsChanged.connect(self.daily.request)
        switch.feedStopping.connect(self._on_feed_stopping)
        switch.feedStarted.connect(self._on_feed_started)
        switch.reconnected.connect(self.on_reconnected)
        self._keeps_gaps = switch.gaps is not None
        if switch.gaps is not None:
            switch.gaps.gapRecorded.connect(self.on_gap)

    def _on_feed_stopping(self, stopping: FeedStopping) -> None:
        stopping.hold(self.daily.stop())  # daily bars come through the old feed's REST client

    def _on_feed_started(self, feed: RunningFeed) -> None:
        """Another feed: its prints, its daily bars; around the clock for the demo and replays."""
        self.tape.clear()
        self._ledger = self._keeps_gaps and isinstance(feed.service, FeedService)
        self.dashboard.forget_baseline()
        target = feed.target
        self.relative_volume.reset(target.demo or target.replay_label is not None)
        self.daily.set_rest(feed.service.rest)
        self.daily.request(self._session.all_symbols())
        self.daily.start()

    def on_reconnected(self, notice: ReconnectNotice) -> None:
        """A feed without a gap ledger came back: a divider on every tape (prints may be missing)."""
        if not self._ledger:
            self.tape.mark_reconnect(notice.gap_s, time.time_ns() // 1_000_000)

    def on_gap(self, gap: Gap) -> None:
        """An outage ended: a divider on the tapes of the symbols it touched."""
        if self.tape.mark_outage(gap):
            for symbol in gap.symbols:
                self._book.mark_dirty(symbol)  # the tapes pull at the next flush

    def select(self, symbol: str, group: str) -> None:
        """A dashboard click: the watchlist's group selects the row (ladder and tape follow it);
        another group hears the symbol directly."""
        if group == self._ladders.watchlist_group():
            view = self._panel.current_view()
            if view is not None and view.select_symbol(symbol):
                return
        self._ladders.hub().publish(group, symbol)

    def restore(self) -> None:
        """Reopen the saved tape pop-outs (after the main window is shown)."""
        try:
            layouts = self._layouts.load(TAPE_KIND)
        except sqlite3.Error as exc:
            log.error("tape windows not restored: %s", exc)
            return
        self.tapes.restore(layouts)

    def save(self) -> None:
        """Save the open tape pop-outs; a failing disk costs the layout, never the session."""
        try:
            self._layouts.save(TAPE_KIND, self.tapes.layouts())
        except sqlite3.Error as exc:
            log.error("could not save the tape windows: %s", exc)

    async def stop(self) -> None:
        """Stop fetching daily bars; save and close the tape pop-outs (at quit, before the feed)."""
        await self.daily.stop()
        self.save()
        self.tapes.shutdown()

"""The depth ladders of a running board: the dock that follows the watchlist, pop-out windows that
are saved and restored, and the plan's depth budget shown on ladders that get no depth."""

from __future__ import annotations

import logging
import sqlite3

from desktop.app.feed_switch import FeedSwitch, RunningFeed
from desktop.domain.quote_book import QuoteBook
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository
from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
from desktop.widgets.main_window import MainWindow
from desktop.widgets.watchlist_panel import WatchlistPanel

__all__ = ["DepthLadders"]

log = logging.getLogger("desktop")


class DepthLadders:
    """Ladders wired to the feed switch: every new feed streams their depth and notes its limits."""

    def __init__(
        self,
        book: QuoteBook,
        switch: FeedSwitch,
        window: MainWindow,
        panel: WatchlistPanel,
        db: Database,
    ) -> None:
        self._switch = switch
        self._symbols: list[str] = []
        self._layouts = LayoutRepository(db)
        self.manager = manager = DepthWindowManager(book, switch.bridge, main_window=window)
        window.install_depth_dock(manager.dock(), manager.watchlist_group_menu(window))
        panel.currentSymbolChanged.connect(manager.follow_selection)
        # A symbol typed into a window of the watchlist's group selects its row; the chip follows.
        manager.watchlistSymbolRequested.connect(panel.select_if_listed)
        if window.link_chip is not None:
            manager.watchlistGroupChanged.connect(window.link_chip.set_group)
        window.popOutRequested.connect(manager.pop_out)
        manager.ladderSymbolsChanged.connect(self.set_symbols)
        manager.layoutChanged.connect(self.save)
        switch.feedStarted.connect(self._on_feed_started)

    def _on_feed_started(self, _feed: RunningFeed) -> None:
        self.set_symbols(self._symbols)

    def set_symbols(self, ladder_symbols: list[str]) -> None:
        """Trades for every list and ladder; 1 depth level for the lists' bid/ask, the plan's
        full depth only for symbols with a ladder open (the plan's depth budget)."""
        self._symbols = list(ladder_symbols)
        service = self._switch.service
        if service is None:
            return
        self._switch.subscriptions.set_ladders(self._symbols)
        profile = service.profile
        blocked = service.over_limit_depth
        note = (
            f"Depth not streaming: the {profile.label} plan streams depth for "
            f"{profile.symbols_per_connection * profile.connections} symbols and ladders come "
            "first. Close another ladder to free a slot."
        )
        self.manager.set_depth_notes({s: note for s in ladder_symbols if s in blocked})

    def restore(self) -> None:
        """Reopen the saved pop-outs (after the main window is shown: AetherSDR #3324)."""
        self.manager.restore(self._layouts.load(DEPTH_KIND))

    def save(self) -> None:
        """Save the open pop-outs; a failing disk costs the saved layout, never the session."""
        try:
            self._layouts.save(DEPTH_KIND, self.manager.layouts())
        except sqlite3.Error as exc:
            log.error("could not save the window layout: %s", exc)

    def shutdown(self) -> None:
        """Save the pop-outs and close them (at quit)."""
        self.save()
        self.manager.shutdown()

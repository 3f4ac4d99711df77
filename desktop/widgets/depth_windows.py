"""Owns every depth ladder: the dock, the pop-out windows, their link groups and their layouts.

It registers each ladder's model with the flush, tells the app package which symbols have a ladder
open (`ladderSymbolsChanged`, so depth is subscribed only for those), and turns windows into
`WindowLayout`s and back, clamped onto the screens that exist now (`domain.window_placement`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRect, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import WindowLayout
from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.link_groups import LINK_GROUPS, LinkGroupHub, link_group
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.truth_monitor import TruthMonitor
from desktop.widgets.depth_dock import DepthDock
from desktop.widgets.depth_window import DepthWindow
from desktop.widgets.link_controls import swatch_icon
from desktop.widgets.popout_manager import PopOutManager, layout_of

__all__ = ["DEPTH_KIND", "DepthWindowManager"]

DEPTH_KIND = "depth"
"""`windows.kind` of a depth pop-out."""


class DepthWindowManager(PopOutManager[DepthWindow]):
    """The dock ladder plus any number of `DepthWindow`s; see the module docstring."""

    ladderSymbolsChanged = Signal(list)
    """Symbols with a ladder open now (dock first, then pop-outs, no repeats)."""
    watchlistSymbolRequested = Signal(str)
    """A window of the watchlist's link group moved to this symbol: select it in the list."""
    watchlistGroupChanged = Signal(str)
    """The watchlist now drives this link group (its key)."""

    def __init__(
        self,
        book: QuoteBook,
        bridge: StreamBridge,
        hub: LinkGroupHub | None = None,
        main_window: QWidget | None = None,
    ) -> None:
        super().__init__(DEPTH_KIND, main_window)
        self._book = book
        self._bridge = bridge
        self._hub = hub or LinkGroupHub(self)
        self._hub.published.connect(self._on_published)
        self._watchlist_group = LINK_GROUPS[0].key
        self._notes: dict[str, str] = {}
        self._symbols: list[str] = []
        self._dock_model = DepthLadderModel(book, self)
        bridge.add_frame_listener(self._dock_model.on_frame)
        self._dock = DepthDock(self._dock_model, main_window)
        self._dock.popOutRequested.connect(self.pop_out)
        self._dock.visibilityChanged.connect(self._on_dock_visibility)
        self._truth: TruthMonitor | None = None

    def set_truth(self, monitor: TruthMonitor) -> None:
        """Every ladder (the dock, each pop-out, later ones too) shows the monitor's verdicts."""
        self._truth = monitor
        self._dock.ladder().attach_truth(monitor)
        for window in self.windows():
            window.attach_truth(monitor)

    # -- accessors ----------------------------------------------------------------------------
    def dock(self) -> DepthDock:
        """The dock the main window shows on its right."""
        return self._dock

    def hub(self) -> LinkGroupHub:
        """The link groups ladders follow."""
        return self._hub

    def ladder_symbols(self) -> list[str]:
        """Symbols with a ladder open: the dock's (while shown) and every pop-out's."""
        symbols: list[str] = []
        docked = self._dock_model.symbol()
        if docked and not self._dock.isHidden():
            symbols.append(docked)
        symbols.extend(w.symbol() for w in self._windows if w.symbol())
        return list(dict.fromkeys(symbols))

    # -- the watchlist ------------------------------------------------------------------------
    def follow_selection(self, symbol: str) -> None:
        """The watchlist's current row changed: the dock follows, and so does its link group."""
        if not symbol:
            return
        self._dock_model.set_symbol(symbol, time.monotonic())
        self._dock_model.set_note(self._notes.get(symbol))
        self._hub.publish(self._watchlist_group, symbol)
        self._emit_symbols()

    def watchlist_group(self) -> str:
        """The link group the watchlist's selection publishes to."""
        return self._watchlist_group

    def set_watchlist_group(self, key: str) -> None:
        """Publish the watchlist's selection to another group from now on."""
        group = link_group(key)
        if group is not None:
            self._watchlist_group = group.key
            self.watchlistGroupChanged.emit(group.key)
            docked = self._dock_model.symbol()
            if docked:
                self._hub.publish(group.key, docked)

    def watchlist_group_menu(self, parent: QWidget) -> QMenu:
        """ "Watchlist Link Group" menu: which colour the watchlist's selection drives."""
        menu = QMenu("Watchlist &Link Group", parent)
        menu.setToolTip("Depth windows linked to this colour follow the watchlist's selection")
        actions = QActionGroup(menu)
        for group in LINK_GROUPS:
            action = QAction(swatch_icon(group.color), group.label, menu)
            action.setCheckable(True)
            action.setChecked(group.key == self._watchlist_group)
            action.triggered.connect(lambda _c=False, k=group.key: self.set_watchlist_group(k))
            actions.addAction(action)
            menu.addAction(action)
        return menu

    # -- the plan's depth budget ----------------------------------------------------------------
    def set_depth_notes(self, notes: dict[str, str]) -> None:
        """Per-symbol reasons a ladder cannot stream (the plan's depth limit); {} clears all."""
        self._notes = dict(notes)
        now = time.monotonic()
        for model in [self._dock_model, *(w.model() for w in self._windows)]:
            symbol = model.symbol()
            model.set_note(self._notes.get(symbol) if symbol else None, now)

    # -- pop-outs -----------------------------------------------------------------------------
    def pop_out(self, symbol: str, link_group_key: str | None = None) -> DepthWindow:
        """Open an independent depth window for `symbol` next to the main window, and show it."""
        window = self._open(symbol, link_group_key)
        window.setGeometry(self._default_geometry(window))
        window.show()
        window.raise_()
        window.activateWindow()
        self._changed()
        return window

    def _open(self, symbol: str, link_group_key: str | None) -> DepthWindow:
        model = DepthLadderModel(self._book, self)
        model.set_note(self._notes.get(symbol))
        self._bridge.add_frame_listener(model.on_frame)
        window = DepthWindow(model, symbol, link_group_key)
        window.symbolChanged.connect(lambda s, w=window: self._on_window_symbol(w, s))
        window.symbolTyped.connect(lambda s, w=window: self._hub.publish(w.link_group(), s))
        window.linkGroupChanged.connect(lambda key, w=window: self._on_window_link(w, key))
        window.placementChanged.connect(self._schedule_save)
        window.closed.connect(lambda w=window: self._on_window_closed(w))
        if self._truth is not None:
            window.attach_truth(self._truth)
        self._track(window)
        return window

    def _default_geometry(self, window: DepthWindow) -> QRect:
        """Beside the main window's right edge, cascading, fully on the main window's screen."""
        return self._beside_main(window.symbol(), 540, window.content_height() + 4)

    def _on_window_symbol(self, window: DepthWindow, symbol: str) -> None:
        window.model().set_note(self._notes.get(symbol))
        self._changed()

    def _on_window_link(self, window: DepthWindow, key: str | None) -> None:
        current = self._hub.symbol(key)
        if current and current != window.symbol():
            window.set_symbol(current)
        self._schedule_save()

    def _on_published(self, group: str, symbol: str) -> None:
        for window in self._windows:
            if window.link_group() == group and window.symbol() != symbol:
                window.set_symbol(symbol)
        if group == self._watchlist_group and symbol != self._dock_model.symbol():
            # typed into a window of the watchlist's group: the dock and the list follow too
            self._dock_model.set_symbol(symbol, time.monotonic())
            self._dock_model.set_note(self._notes.get(symbol))
            self._emit_symbols()
            self.watchlistSymbolRequested.emit(symbol)

    def dock_symbol(self) -> str | None:
        """The symbol the docked ladder shows."""
        return self._dock_model.symbol()

    def _on_window_closed(self, window: DepthWindow) -> None:
        if not self._forget(window):
            return
        self._bridge.remove_frame_listener(window.model().on_frame)
        window.model().deleteLater()
        window.deleteLater()
        self._changed()

    def _on_dock_visibility(self, visible: bool) -> None:
        self._emit_symbols()

    # -- layouts ------------------------------------------------------------------------------
    def layouts(self) -> list[WindowLayout]:
        """Every open pop-out as a `WindowLayout` (logical geometry + its screen's name and dpr)."""
        return [
            layout_of(
                window,
                DEPTH_KIND,
                window.symbol(),
                on_top=window.is_always_on_top(),
                link_group=window.link_group(),
            )
            for window in self._windows
        ]

    def restore(self, layouts: list[WindowLayout]) -> list[DepthWindow]:
        """Reopen saved pop-outs where they were, or on the nearest screen that exists, visible.

        Call after the main window is shown, so the window manager places the main window first.
        """
        opened: list[DepthWindow] = []
        for layout in layouts:
            if layout.kind != DEPTH_KIND:
                continue
            window = self._open(layout.symbol, layout.link_group)
            if layout.on_top:
                window.set_always_on_top(True)
            self._place(window, layout)
            window.show()
            opened.append(window)
        if opened:
            self._changed()
        return opened

    def close_all(self) -> None:
        """Close every pop-out (another workspace takes their place); each close is a change."""
        for window in list(self._windows):
            window.close()

    def shutdown(self) -> None:
        """Close every pop-out at quit without forgetting them (save `layouts()` first)."""
        self._close_windows()
        self._quiet = True

    # -- change notification --------------------------------------------------------------------
    def _changed(self) -> None:
        self._emit_symbols()
        self._schedule_save()

    def _emit_symbols(self) -> None:
        symbols = self.ladder_symbols()
        if symbols != self._symbols and not self._quiet:
            self._symbols = symbols
            self.ladderSymbolsChanged.emit(symbols)

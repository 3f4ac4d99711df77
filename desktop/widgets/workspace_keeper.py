"""Captures the board's whole window state as a `WorkspaceState` and puts one back.

The main window (normal geometry, maximised), every dock through `QMainWindow.saveState()`
(shown, floating, size, tab order: each dock needs a unique objectName), every named splitter,
the list shown and its selected row, and the pop-out windows of each `PopOutManager`. It also
watches all of these and emits `changed` once things settle, so the app can save on change.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

from desktop.domain.window_placement import WindowLayout
from desktop.domain.workspace import WorkspaceState
from desktop.widgets.popout_manager import layout_of, place, screen_areas
from desktop.widgets.screen_fit import frame_margins, keep_on_screen
from desktop.widgets.watchlist_panel import WatchlistPanel

__all__ = ["MAIN_KIND", "SIZE_RESTORED", "PopOuts", "WorkspaceKeeper"]

MAIN_KIND = "main"
"""`WindowLayout.kind` of the main window inside a workspace."""
SIZE_RESTORED = "qbSizeRestored"
"""Dock property: its size came from a saved workspace, so it keeps it when first shown."""
_STATE_VERSION = 1
_SAVE_DELAY_MS = 750
_WATCHED_EVENTS = (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.WindowStateChange)


class PopOuts(Protocol):
    """What the keeper needs of a kind of pop-out window (depth ladders, charts)."""

    @property
    def layoutChanged(self) -> object: ...  # noqa: N802 - a Qt signal

    def layouts(self) -> list[WindowLayout]: ...

    def restore(self, layouts: list[WindowLayout]) -> object: ...

    def close_all(self) -> None: ...


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _bytes(text: str) -> QByteArray:
    return QByteArray.fromBase64(QByteArray(text.encode("ascii")))


class WorkspaceKeeper(QObject):
    """Captures, applies and watches a main window's state; see the module docstring."""

    changed = Signal()
    """The window state changed and has settled (debounced): time to save `capture()`."""

    def __init__(
        self,
        window: QMainWindow,
        panel: WatchlistPanel,
        pop_outs: dict[str, PopOuts] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._panel = panel
        self._pop_outs = dict(pop_outs or {})
        self._applying = False
        self._watched: set[QObject] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.changed.emit)

    # -- capture and apply ------------------------------------------------------------------------
    def capture(self) -> WorkspaceState:
        """The window state now."""
        window = self._window
        view = self._panel.current_view()
        windows: list[WindowLayout] = []
        for manager in self._pop_outs.values():
            windows.extend(manager.layouts())
        return WorkspaceState(
            main=layout_of(window, MAIN_KIND, ""),
            maximized=window.isMaximized(),
            docks=_b64(window.saveState(_STATE_VERSION)),
            splitters={
                splitter.objectName(): _b64(splitter.saveState())
                for splitter in window.findChildren(QSplitter)
                if splitter.objectName()
            },
            list_id=self._panel.tabs.current_list(),
            symbol=view.current_symbol() if view is not None else None,
            windows=tuple(windows),
            monitors=tuple(screen_areas()),
        )

    def apply(self, state: WorkspaceState, with_pop_outs: bool = True) -> None:
        """Put `state` back: geometry on the nearest fitting screen, docks, splitters, selection,
        and (unless told not to) close today's pop-outs and reopen the workspace's."""
        window = self._window
        self._applying = True
        try:
            if window.isMaximized() or window.isFullScreen():
                window.showNormal()
            place(window, state.main, frame_margins(window))
            if state.maximized and window.isVisible():
                window.showMaximized()
            elif state.maximized:
                window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
            elif window.isVisible():
                keep_on_screen(window)
            if state.docks:
                for dock in window.findChildren(QDockWidget):
                    dock.setProperty(SIZE_RESTORED, True)  # no "first time shown" sizing now
                window.restoreState(_bytes(state.docks), _STATE_VERSION)
            for splitter in window.findChildren(QSplitter):
                saved = state.splitters.get(splitter.objectName())
                if saved:
                    splitter.restoreState(_bytes(saved))
            if state.list_id is not None:
                self._panel.tabs.show_list(state.list_id)
            view = self._panel.current_view()
            if view is not None and state.symbol:
                view.select_symbol(state.symbol)
            if with_pop_outs:
                for kind, manager in self._pop_outs.items():
                    manager.close_all()
                    manager.restore([w for w in state.windows if w.kind == kind])
        finally:
            self._applying = False
        self._timer.stop()

    # -- watching ---------------------------------------------------------------------------------
    def watch(self) -> None:
        """Start announcing changes: call once everything (docks included) is built."""
        window = self._window
        self._watch_events(window)
        for dock in window.findChildren(QDockWidget):
            if dock in self._watched:
                continue
            self._watch_events(dock)
            dock.visibilityChanged.connect(self._schedule)
            dock.topLevelChanged.connect(self._schedule)
            dock.dockLocationChanged.connect(self._schedule)
        for splitter in window.findChildren(QSplitter):
            if splitter.objectName() and splitter not in self._watched:
                self._watched.add(splitter)
                splitter.splitterMoved.connect(self._schedule)
        self._panel.currentSymbolChanged.connect(self._schedule)
        self._panel.tabs.currentListChanged.connect(self._schedule)
        for manager in self._pop_outs.values():
            manager.layoutChanged.connect(self._schedule)  # type: ignore[attr-defined]

    def _watch_events(self, widget: QObject) -> None:
        self._watched.add(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Moves, resizes and maximising of the main window and the docks are changes."""
        if event.type() in _WATCHED_EVENTS:
            self._schedule()
        return False

    def _schedule(self, *_args: object) -> None:
        if not self._applying:
            self._timer.start()

    def flush(self) -> None:
        """Announce a pending change now (at quit), if there is one."""
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()

    def pending(self) -> bool:
        """True while a change waits for things to settle."""
        return self._timer.isActive()

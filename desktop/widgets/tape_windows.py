"""Owns every time & sales tape: the dock (follows the watchlist) and pop-outs (follow a link group).

Each tape's model is a frame listener of the flush timer, so prints reach Qt once per frame. The
link groups are the depth ladders' hub: a ladder and a tape linked to one colour show one symbol.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect
from PySide6.QtWidgets import QWidget

from desktop.domain.tape import TapeBook
from desktop.qt.link_groups import LinkGroupHub
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.tape_model import TapeModel
from desktop.widgets.tape_dock import TapeDock
from desktop.widgets.tape_window import TapeWindow

__all__ = ["TapeWindowManager"]

_CASCADE = 28


class TapeWindowManager(QObject):
    """The tape dock plus any number of `TapeWindow`s."""

    def __init__(
        self,
        tape: TapeBook,
        bridge: StreamBridge,
        hub: LinkGroupHub,
        main_window: QWidget | None = None,
    ) -> None:
        super().__init__(main_window)
        self._tape = tape
        self._bridge = bridge
        self._hub = hub
        self._main = main_window
        hub.published.connect(self._on_published)
        self._windows: list[TapeWindow] = []
        self._dock_model = TapeModel(tape, parent=self)
        bridge.add_frame_listener(self._dock_model.on_frame)
        self._dock = TapeDock(self._dock_model, main_window)
        self._dock.popOutRequested.connect(lambda symbol: self.pop_out(symbol))

    def dock(self) -> TapeDock:
        """The dock the main window shows."""
        return self._dock

    def windows(self) -> list[TapeWindow]:
        """Open pop-outs, oldest first."""
        return list(self._windows)

    def follow_selection(self, symbol: str) -> None:
        """The watchlist's current row changed: the docked tape follows it."""
        if symbol:
            self._dock_model.set_symbol(symbol)

    def pop_out(self, symbol: str, link_group_key: str | None = None) -> TapeWindow:
        """Open an independent tape for `symbol` beside the main window, and show it."""
        model = TapeModel(self._tape, parent=self)
        model.set_min_size(self._dock_model.min_size())
        self._bridge.add_frame_listener(model.on_frame)
        window = TapeWindow(model, symbol, link_group_key)
        window.panel.set_min_size(self._dock_model.min_size())
        window.symbolTyped.connect(lambda s, w=window: self._hub.publish(w.link_group(), s))
        window.linkGroupChanged.connect(lambda key, w=window: self._on_link(w, key))
        window.closed.connect(lambda w=window: self._on_closed(w))
        self._windows.append(window)
        n = len(self._windows) - 1
        anchor = self._main.frameGeometry() if self._main is not None else QRect(80, 80, 0, 0)
        window.move(anchor.left() + 60 + _CASCADE * (n % 8), anchor.top() + 80 + _CASCADE * (n % 8))
        window.show()
        window.raise_()
        return window

    def _on_link(self, window: TapeWindow, key: str | None) -> None:
        current = self._hub.symbol(key)
        if current and current != window.symbol():
            window.set_symbol(current)

    def _on_published(self, group: str, symbol: str) -> None:
        for window in self._windows:
            if window.link_group() == group and window.symbol() != symbol:
                window.set_symbol(symbol)

    def _on_closed(self, window: TapeWindow) -> None:
        if window not in self._windows:
            return
        self._windows.remove(window)
        self._bridge.remove_frame_listener(window.model().on_frame)
        window.model().deleteLater()
        window.deleteLater()

    def shutdown(self) -> None:
        """Close every pop-out (at quit)."""
        for window in list(self._windows):
            window.close()

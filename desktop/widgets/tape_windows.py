"""Owns every time & sales tape: the dock (follows the watchlist) and pop-outs (follow a link group),
saved and restored like the depth pop-outs.

Each tape's model is a frame listener of the flush timer, so prints reach Qt once per frame. The
link groups are the depth ladders' hub: a ladder and a tape linked to one colour show one symbol.
Pop-outs are `WindowLayout`s of kind `tape` in the same `windows` table (`PopOutManager`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from desktop.domain.tape import TapeBook
from desktop.domain.window_placement import WindowLayout
from desktop.qt.link_groups import LinkGroupHub
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.tape_model import TapeModel
from desktop.widgets.popout_manager import PopOutManager, layout_of
from desktop.widgets.tape_dock import TapeDock
from desktop.widgets.tape_window import TapeWindow

__all__ = ["TAPE_KIND", "TapeWindowManager"]

TAPE_KIND = "tape"
"""`windows.kind` of a tape pop-out."""
_WIDTH, _HEIGHT = 380, 560


class TapeWindowManager(PopOutManager[TapeWindow]):
    """The tape dock plus any number of `TapeWindow`s."""

    def __init__(
        self,
        tape: TapeBook,
        bridge: StreamBridge,
        hub: LinkGroupHub,
        main_window: QWidget | None = None,
    ) -> None:
        super().__init__(TAPE_KIND, main_window)
        self._tape = tape
        self._bridge = bridge
        self._hub = hub
        hub.published.connect(self._on_published)
        self._dock_model = TapeModel(tape, parent=self)
        bridge.add_frame_listener(self._dock_model.on_frame)
        self._dock = TapeDock(self._dock_model, main_window)
        self._dock.popOutRequested.connect(lambda symbol: self.pop_out(symbol))

    def dock(self) -> TapeDock:
        """The dock the main window shows."""
        return self._dock

    def follow_selection(self, symbol: str) -> None:
        """The watchlist's current row changed: the docked tape follows it."""
        if symbol:
            self._dock_model.set_symbol(symbol)

    def pop_out(self, symbol: str, link_group_key: str | None = None) -> TapeWindow:
        """Open an independent tape for `symbol` beside the main window, and show it."""
        window = self._open(symbol, link_group_key, self._dock_model.min_size())
        window.setGeometry(self._beside_main(symbol, _WIDTH, _HEIGHT))
        window.show()
        window.raise_()
        self.layoutChanged.emit()
        return window

    def _open(self, symbol: str, link_group_key: str | None, min_size: int) -> TapeWindow:
        model = TapeModel(self._tape, parent=self)
        self._bridge.add_frame_listener(model.on_frame)
        window = TapeWindow(model, symbol, link_group_key)
        window.panel.set_min_size(min_size)
        window.symbolTyped.connect(lambda s, w=window: self._hub.publish(w.link_group(), s))
        window.linkGroupChanged.connect(lambda key, w=window: self._on_link(w, key))
        window.placementChanged.connect(self._schedule_save)
        window.closed.connect(lambda w=window: self._on_closed(w))
        self._track(window)
        return window

    def layouts(self) -> list[WindowLayout]:
        """Every open pop-out as a `WindowLayout`, to save."""
        return [
            layout_of(w, TAPE_KIND, w.symbol(), link_group=w.link_group()) for w in self._windows
        ]

    def restore(self, layouts: Sequence[WindowLayout]) -> None:
        """Reopen saved tapes where they were (after the main window is shown)."""
        with self._quietly():
            for layout in layouts:
                if layout.kind != TAPE_KIND:
                    continue
                window = self._open(layout.symbol, layout.link_group, self._dock_model.min_size())
                self._place(window, layout)
                window.show()

    def _on_link(self, window: TapeWindow, key: str | None) -> None:
        current = self._hub.symbol(key)
        if current and current != window.symbol():
            window.set_symbol(current)
        self._schedule_save()

    def _on_published(self, group: str, symbol: str) -> None:
        for window in self._windows:
            if window.link_group() == group and window.symbol() != symbol:
                window.set_symbol(symbol)

    def _on_closed(self, window: TapeWindow) -> None:
        if not self._forget(window):
            return
        self._bridge.remove_frame_listener(window.model().on_frame)
        window.model().deleteLater()
        window.deleteLater()
        self.layoutChanged.emit()

    def shutdown(self) -> None:
        """Close every pop-out at quit without forgetting them (save `layouts()` first)."""
        self._close_windows()

"""Tick → screen latency: from a tick's exchange stamp to the end of the paint that shows it.

Both clients use it the same way. When a tick that moves a symbol's last price reaches a client's
model (a tick at an unchanged price may change no visible cell, so no paint would show it), the
client notes its symbol and stamp; only ticks of rows on screen at that moment are kept (the others are never
painted). After every paint of the table's viewport, each row on screen whose rectangle the
paint covered takes its pending ticks: their latency is the wall clock at the end of that paint
minus the stamp. Ticks of a row that left the screen before a paint showed them (a re-sort moved
it) are dropped, and counted. A flush that applies a row's ticks but changes none of its cells
(the price moved and came back within one frame) needs no paint: the screen already shows the
newest state, so those ticks are resolved at the end of that flush (`settle`) and counted apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QRect
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QTableView

__all__ = ["ScreenLatency"]


class ScreenLatency:
    """Pending ticks of on-screen rows, resolved by the paints of one table view."""

    def __init__(
        self,
        view: QTableView,
        symbol_at: Callable[[int], str | None],
        in_window: Callable[[], bool],
    ) -> None:
        self.view = view
        self._symbol_at = symbol_at
        """The symbol the view shows in a (view) row."""
        self._in_window = in_window
        self.pending: dict[str, list[int]] = {}
        self.on_screen: set[str] = set()
        self.latencies: list[float] = []
        """Tick → screen latencies (ms) of ticks painted inside the measured window."""
        self.dropped = 0
        """Ticks whose row left the screen before a paint showed them."""
        self.paints = 0
        self.settled = 0
        """Ticks resolved by a flush that left their row unchanged (inside the window)."""

    def note(self, symbol: str, stamp_ms: int) -> None:
        """A tick of `symbol` stamped `stamp_ms` reached the model (kept when its row is on screen)."""
        if symbol in self.on_screen:
            pending = self.pending.get(symbol)
            if pending is None:
                self.pending[symbol] = [stamp_ms]
            else:
                pending.append(stamp_ms)

    def note_many(self, ticks: list[tuple[str, int]]) -> None:
        """`note` for (symbol, stamp) of ticks applied together (one flush)."""
        on_screen = self.on_screen
        for symbol, stamp in ticks:
            if symbol in on_screen:
                self.note(symbol, stamp)

    def settle(self, ticks: Iterable[tuple[str, int]]) -> None:
        """(symbol, stamp) of ticks whose flush changed no cell of their on-screen row: the screen
        already shows the state they led to. A row still waiting for a paint keeps them pending."""
        now_ms = time.time() * 1000.0
        keep = self._in_window()
        on_screen, pending = self.on_screen, self.pending
        for symbol, stamp in ticks:
            if symbol not in on_screen:
                continue
            if symbol in pending:
                pending[symbol].append(stamp)
            elif keep:
                self.latencies.append(now_ms - stamp)
                self.settled += 1

    def painted(self, region: QRegion) -> None:
        """The view's viewport has just painted `region`: resolve the ticks it showed."""
        now_ms = time.time() * 1000.0
        self.paints += 1
        view = self.view
        viewport = view.viewport()
        first = view.rowAt(0)
        if first < 0:
            self.on_screen = set()
            return
        last = view.rowAt(viewport.height() - 1)
        if last < 0:
            last = view.model().rowCount() - 1
        width = viewport.width()
        keep = self._in_window()
        on_screen: set[str] = set()
        pending = self.pending
        for row in range(first, last + 1):
            symbol = self._symbol_at(row)
            if symbol is None:
                continue
            on_screen.add(symbol)
            stamps = pending.get(symbol)
            if not stamps:
                continue
            rect = QRect(0, view.rowViewportPosition(row), width, view.rowHeight(row))
            if region.intersects(rect):
                del pending[symbol]
                if keep:
                    self.latencies.extend(now_ms - stamp for stamp in stamps)
        for symbol in [s for s in pending if s not in on_screen]:
            self.dropped += len(pending.pop(symbol))
        self.on_screen = on_screen

"""Keeps the open chart windows: one per symbol, refreshed per flush, saved and restored as a set.

Layouts are `WindowLayout`s (kind `chart`) in the same `windows` table as the depth pop-outs,
placed back by the same `PopOutManager` rules, frame margins included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import WindowLayout
from desktop.widgets.chart_kinds import CHART_KIND, ChartMode
from desktop.widgets.popout_manager import PopOutManager

if TYPE_CHECKING:
    from desktop.widgets.chart_window import ChartWindow

__all__ = ["ChartWindowManager"]


class ChartWindowManager(PopOutManager["ChartWindow"]):  # imported when the first chart opens
    """Opens, refreshes and closes `ChartWindow`s; emits intents, never touches storage."""

    opened = Signal(str)
    """A chart for this symbol opened: its history should be fetched first."""

    def __init__(
        self,
        bars: MinuteBarStore,
        book: QuoteBook,
        parent: QObject | None = None,
        main_window: QWidget | None = None,
    ) -> None:
        super().__init__(CHART_KIND, main_window, parent)
        self._bars = bars
        self._book = book

    def open(self, symbol: str) -> ChartWindow:
        """Show the chart of `symbol`, creating it or bringing the open one to the front."""
        window = self.window(symbol)
        if window is None:
            window = self._create(symbol)
            window.show()
            self.layoutChanged.emit()
        else:
            window.showNormal()
        window.raise_()
        window.activateWindow()
        return window

    def _create(self, symbol: str, mode: ChartMode = ChartMode.CANDLES) -> ChartWindow:
        from desktop.widgets.chart_window import ChartWindow  # pyqtgraph: only once a chart opens

        window = ChartWindow(symbol, self._bars, self._book, mode)
        window.closed.connect(lambda _symbol, w=window: self._on_closed(w))
        window.placementChanged.connect(self._schedule_save)
        self._track(window)
        self.opened.emit(symbol)
        return window

    def restore(self, layouts: Sequence[WindowLayout]) -> None:
        """Reopen saved charts where they were (moved onto a screen if theirs is gone).

        Call after the main window is shown, so the window manager places the main window first.
        """
        with self._quietly():
            for layout in layouts:
                if layout.kind != CHART_KIND or self.window(layout.symbol) is not None:
                    continue
                window = self._create(layout.symbol)
                window.restore(layout, self.frame_margins())
                window.show()

    def on_frame(self, dirty: Iterable[str], now: float = 0.0) -> None:
        """A flush (a `StreamBridge` frame listener): redraw the charts of changed symbols."""
        if not self._windows:
            return
        for symbol in dirty:
            window = self.window(symbol)
            if window is not None:
                window.refresh()

    def refresh_symbol(self, symbol: str) -> None:
        """Redraw one symbol's chart now (its history just arrived)."""
        window = self.window(symbol)
        if window is not None:
            window.refresh(force=True)

    def window(self, symbol: str) -> ChartWindow | None:
        """The open chart of `symbol`, if any."""
        return next((w for w in self._windows if w.symbol == symbol), None)

    def symbols(self) -> list[str]:
        """Symbols with an open chart, in opening order."""
        return [window.symbol for window in self._windows]

    def layouts(self) -> list[WindowLayout]:
        """Layouts of the open charts, to save."""
        return [window.placement() for window in self._windows]

    def close_all(self) -> None:
        """Close every chart at shutdown (not a layout change: they come back next time)."""
        self._close_windows()
        self._windows.clear()

    def _on_closed(self, window: ChartWindow) -> None:
        if self._forget(window):
            self.layoutChanged.emit()

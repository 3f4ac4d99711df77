"""Keeps the open chart windows: one per symbol, refreshed per flush, saved and restored as a set.

Layouts are issue 5's `WindowLayout`s (kind `chart`) in the same `windows` table as the depth
pop-outs, placed back by the same rules (`domain.window_placement`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import WindowLayout
from desktop.widgets.chart_kinds import CHART_KIND, ChartMode

if TYPE_CHECKING:
    from desktop.widgets.chart_window import ChartWindow

__all__ = ["ChartWindowManager"]

_SAVE_DELAY_MS = 750


class ChartWindowManager(QObject):
    """Opens, refreshes and closes `ChartWindow`s; emits intents, never touches storage."""

    opened = Signal(str)
    """A chart for this symbol opened: its history should be fetched first."""
    layoutChanged = Signal()
    """Charts opened, closed, moved or changed by the user: save `layouts()` again."""

    def __init__(
        self, bars: MinuteBarStore, book: QuoteBook, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._bars = bars
        self._book = book
        self._windows: dict[str, ChartWindow] = {}
        self._quiet = False
        self._save = QTimer(self)
        self._save.setSingleShot(True)
        self._save.setInterval(_SAVE_DELAY_MS)
        self._save.timeout.connect(self.layoutChanged)

    def open(self, symbol: str) -> ChartWindow:
        """Show the chart of `symbol`, creating it or bringing the open one to the front."""
        window = self._windows.get(symbol)
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
        window.closed.connect(self._on_closed)
        window.placementChanged.connect(self._schedule_save)
        self._windows[symbol] = window
        self.opened.emit(symbol)
        return window

    def restore(self, layouts: Sequence[WindowLayout]) -> None:
        """Reopen saved charts where they were (moved onto a screen if theirs is gone).

        Call after the main window is shown, so the window manager places the main window first.
        """
        self._quiet = True
        try:
            for layout in layouts:
                if layout.kind != CHART_KIND or layout.symbol in self._windows:
                    continue
                window = self._create(layout.symbol)
                window.restore(layout)
                window.show()
        finally:
            self._quiet = False

    def on_frame(self, dirty: Iterable[str], now: float = 0.0) -> None:
        """A flush (a `StreamBridge` frame listener): redraw the charts of changed symbols."""
        if not self._windows:
            return
        for symbol in dirty:
            window = self._windows.get(symbol)
            if window is not None:
                window.refresh()

    def refresh_symbol(self, symbol: str) -> None:
        """Redraw one symbol's chart now (its history just arrived)."""
        window = self._windows.get(symbol)
        if window is not None:
            window.refresh(force=True)

    def window(self, symbol: str) -> ChartWindow | None:
        """The open chart of `symbol`, if any."""
        return self._windows.get(symbol)

    def symbols(self) -> list[str]:
        """Symbols with an open chart, in opening order."""
        return list(self._windows)

    def layouts(self) -> list[WindowLayout]:
        """Layouts of the open charts, to save."""
        return [window.placement() for window in self._windows.values()]

    def close_all(self) -> None:
        """Close every chart at shutdown (not a layout change: they come back next time)."""
        self._quiet = True
        self._save.stop()
        try:
            for window in list(self._windows.values()):
                window.close()
        finally:
            self._quiet = False
        self._windows.clear()

    def _schedule_save(self) -> None:
        if not self._quiet:
            self._save.start()

    def _on_closed(self, symbol: str) -> None:
        self._windows.pop(symbol, None)
        if not self._quiet:
            self.layoutChanged.emit()

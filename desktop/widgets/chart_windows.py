"""Keeps the open chart windows: one per symbol, refreshed per flush, saved and restored as a set."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject, Signal

from desktop.domain.chart_layout import ChartMode, ChartPlacement
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.widgets.chart_window import ChartWindow

__all__ = ["ChartWindowManager"]


class ChartWindowManager(QObject):
    """Opens, refreshes and closes `ChartWindow`s; emits intents, never touches storage."""

    opened = Signal(str)
    """A chart for this symbol opened: its history should be fetched first."""
    layoutChanged = Signal()
    """A chart opened or closed by the user: the set of placements should be saved."""

    def __init__(
        self, bars: MinuteBarStore, book: QuoteBook, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._bars = bars
        self._book = book
        self._windows: dict[str, ChartWindow] = {}
        self._closing_all = False

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
        window = ChartWindow(symbol, self._bars, self._book, mode)
        window.closed.connect(self._on_closed)
        self._windows[symbol] = window
        self.opened.emit(symbol)
        return window

    def restore(self, placements: Sequence[ChartPlacement]) -> None:
        """Reopen saved charts where they were (moved onto a screen if theirs is gone)."""
        for placement in placements:
            if placement.symbol in self._windows:
                continue
            window = self._create(placement.symbol, placement.mode)
            window.restore(placement)
            window.show()

    def on_flush(self, dirty: Iterable[str]) -> None:
        """Redraw the charts of symbols that changed in this frame."""
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

    def placements(self) -> list[ChartPlacement]:
        """Placements of the open charts, to save."""
        return [window.placement() for window in self._windows.values()]

    def close_all(self) -> None:
        """Close every chart at shutdown (not a layout change: they come back next time)."""
        self._closing_all = True
        try:
            for window in list(self._windows.values()):
                window.close()
        finally:
            self._closing_all = False
        self._windows.clear()

    def _on_closed(self, symbol: str) -> None:
        self._windows.pop(symbol, None)
        if not self._closing_all:
            self.layoutChanged.emit()

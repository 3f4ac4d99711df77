"""A symbol's chart in its own window: 1-minute candles or a line, volume, previous close, crosshair.

The bars come from the domain's `MinuteBarStore` (REST history plus live trades); `refresh()` is
called once per flush for this symbol and redraws at most ten times a second. The view follows
the newest bar until the user pans or zooms; Follow (or End) brings it back. The window ties a
`ChartHeader` (quote, buttons, read-out) to a `ChartPlotView` and saves where it is.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.domain.formatting import market_of
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import FrameMargins, WindowLayout
from desktop.widgets.chart_header import ChartHeader
from desktop.widgets.chart_items import BarsItem
from desktop.widgets.chart_kinds import CHART_KIND, ChartMode
from desktop.widgets.chart_plot_view import ChartPlotView
from desktop.widgets.popout_manager import layout_of, place

__all__ = ["CHART_KIND", "ChartMode", "ChartWindow"]

_MIN_INTERVAL_S = 0.1


class ChartWindow(QWidget):
    """One symbol's chart; top-level, non-modal, restorable (`placement()` / `restore()`)."""

    closed = Signal(str)
    """The user closed the window (its symbol)."""
    placementChanged = Signal()
    """Moved, resized, or its view settings changed: the layout is worth saving again."""

    def __init__(
        self,
        symbol: str,
        bars: MinuteBarStore,
        book: QuoteBook,
        mode: ChartMode = ChartMode.CANDLES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("chartWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.symbol = symbol
        self._store = bars
        self._book = book
        self._follow = True
        self._version = -1
        self._last_draw = 0.0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self.refresh)
        self._header = ChartHeader(symbol, mode, self)
        self._header.modeChosen.connect(self._on_mode_chosen)
        self._header.followToggled.connect(self.set_follow)
        self._plots = ChartPlotView(market_of(symbol), bars.arrays(symbol), self)
        self._plots.userRangeChanged.connect(self._on_user_range)
        self._plots.hovered.connect(self.show_crosshair)
        self._plots.unhovered.connect(self.hide_crosshair)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._header)
        layout.addWidget(self._plots, 1)
        self.set_mode(mode)
        self.resize(960, 600)
        self.refresh(force=True)

    # -- public -------------------------------------------------------------------------------
    def mode(self) -> ChartMode:
        """Candles or line."""
        return self._plots.mode()

    def set_mode(self, mode: ChartMode) -> None:
        """Switch between candles and a line."""
        self._plots.set_mode(mode)
        self._header.set_mode(mode)
        self.placementChanged.emit()

    def is_following(self) -> bool:
        """Whether the view keeps the newest bar in sight."""
        return self._follow

    def set_follow(self, follow: bool) -> None:
        """Follow the newest bar (True) or leave the view where the user put it."""
        self._follow = follow
        self._header.set_follow(follow)
        if follow:
            self._plots.show_latest()

    def bar_count(self) -> int:
        """Bars on the chart."""
        return len(self._plots.arrays())

    def candles_item(self) -> BarsItem:
        """The candle item (tests inspect it)."""
        return self._plots.candles_item()

    def readout(self) -> str:
        """The text of the crosshair read-out line."""
        return self._header.readout()

    def refresh(self, force: bool = False) -> None:
        """Redraw from the store if the symbol's bars changed (at most ten times a second)."""
        now = time.monotonic()
        if not force and now - self._last_draw < _MIN_INTERVAL_S:
            if not self._pending.isActive():
                self._pending.start(int((_MIN_INTERVAL_S - (now - self._last_draw)) * 1000) + 1)
            return
        self._last_draw = now
        state = self._book.get(self.symbol)
        self._header.show_quote(state)
        self.setWindowTitle(f"{self.symbol} — Chart")
        plots = self._plots
        plots.show_levels(state)
        version = self._store.version(self.symbol)
        if version == self._version and not force:
            return
        self._version = version
        arrays = self._store.arrays(self.symbol)
        plots.set_bars(arrays)
        if self._follow:
            plots.show_latest()
        else:
            plots.fit_y()
        if not plots.crosshair_shown():
            self._set_readout(len(arrays) - 1)

    def _on_user_range(self) -> None:
        if self._follow:
            self.set_follow(False)

    def _on_mode_chosen(self, mode: ChartMode) -> None:
        self.set_mode(mode)
        self._plots.fit_y()

    # -- crosshair ----------------------------------------------------------------------------
    def show_crosshair(self, index: int, price: float | None) -> None:
        """Put the crosshair on bar `index` (and a price level) and read that bar out."""
        self._plots.show_crosshair(index, price)
        self._set_readout(index, price)

    def hide_crosshair(self) -> None:
        """Hide the crosshair; the read-out shows the newest bar again."""
        self._plots.hide_crosshair()
        self._set_readout(len(self._plots.arrays()) - 1)

    def _set_readout(self, index: int, price: float | None = None) -> None:
        arrays = self._plots.arrays()
        if 0 <= index < len(arrays):
            stamp = self._plots.time_at(index) or 0.0
            self._header.show_bar(arrays, index, stamp, price)
        else:
            self._header.show_price(price)

    # -- placement ----------------------------------------------------------------------------
    def placement(self) -> WindowLayout:
        """Where the window is and how it looks, as a `WindowLayout` for the `windows` table."""
        extra = {"mode": self.mode().value, "follow": self._follow}
        return layout_of(self, CHART_KIND, self.symbol, extra=extra)

    def restore(self, layout: WindowLayout, margins: FrameMargins | None = None) -> None:
        """Apply a saved layout, on its screen if it still exists, else the nearest, fully visible."""
        place(self, layout, margins)
        mode = layout.extra.get("mode")
        known = isinstance(mode, str) and mode in {m.value for m in ChartMode}
        self.set_mode(ChartMode(str(mode)) if known else ChartMode.CANDLES)
        self.set_follow(layout.extra.get("follow") is not False)

    # -- events -------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """End follows the newest bar again; Escape closes the window."""
        if event.key() == Qt.Key.Key_End:
            self.set_follow(True)
        elif event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def moveEvent(self, event: QMoveEvent) -> None:
        """A moved window is a changed layout."""
        super().moveEvent(event)
        self.placementChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A resized window is a changed layout."""
        super().resizeEvent(event)
        self.placementChanged.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Tell the owner, which forgets the window and saves the layout."""
        self._pending.stop()
        self.closed.emit(self.symbol)
        super().closeEvent(event)

"""A symbol's chart in its own window: 1-minute candles or a line, volume, previous close, crosshair.

The bars come from the domain's `MinuteBarStore` (REST history plus live trades); `refresh()` is
called once per flush for this symbol and redraws at most ten times a second. The view follows
the newest bar until the user pans or zooms; Follow (or End) brings it back.
"""

from __future__ import annotations

import time
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QMoveEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop.domain.formatting import (
    format_change,
    format_change_pct,
    format_price,
    format_time,
    format_volume,
    market_of,
    price_decimals,
)
from desktop.domain.minute_bars import BarArrays, MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import Rect, WindowLayout, place_window
from desktop.qt.quote_columns import DOWN_COLOR, DOWN_GLYPH, UP_COLOR, UP_GLYPH
from desktop.widgets.chart_items import BarsItem, TimeAxis, VolumeAxis
from desktop.widgets.delegates import monospace_font
from desktop.widgets.depth_windows import screen_areas

__all__ = ["CHART_KIND", "ChartMode", "ChartWindow"]

CHART_KIND = "chart"
"""`windows.kind` of a chart window (the depth ladders' table and placement rules, issue 5)."""


class ChartMode(StrEnum):
    """How price is drawn; the value is what a saved layout keeps."""

    CANDLES = "candles"
    LINE = "line"


_BACKGROUND = "#12151a"
_AXIS = QColor("#8b95a3")
_GRID_ALPHA = 0.12
_MUTED = QColor("#8b95a3")
_CROSS = QColor(214, 219, 226, 90)
_MIN_INTERVAL_S = 0.1
_VISIBLE_BARS = 120
_RIGHT_MARGIN = 8
_FIRST_SPAN_MAX = 240


def _pen(color: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color)
    pen.setCosmetic(True)
    pen.setWidth(1)
    pen.setStyle(style)
    return pen


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
        self._market = market_of(symbol)
        self._store = bars
        self._book = book
        self._mode = mode
        self._follow = True
        self._arrays: BarArrays = bars.arrays(symbol)
        self._version = -1
        self._last_draw = 0.0
        self._decimals = 2
        self._span: float | None = None
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self.refresh)
        self._build()
        self.set_mode(mode)
        self.resize(960, 600)
        self.refresh(force=True)

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        mono = monospace_font(self.font())
        self._title = QLabel(self)
        self._title.setTextFormat(Qt.TextFormat.PlainText)  # names come from the network
        bold = QFont(self.font())
        bold.setBold(True)
        self._title.setFont(bold)
        self._quote = QLabel(self)
        self._quote.setTextFormat(Qt.TextFormat.PlainText)
        self._quote.setFont(mono)
        self._readout = QLabel(self)
        self._readout.setObjectName("chartReadout")
        self._readout.setTextFormat(Qt.TextFormat.PlainText)
        self._readout.setFont(mono)
        self._readout.setStyleSheet("color: #8b95a3;")
        self._candles_button = self._tool("Candles", "Candlesticks of 1-minute bars")
        self._line_button = self._tool("Line", "A line through the 1-minute closes")
        group = QButtonGroup(self)
        group.setExclusive(True)
        group.addButton(self._candles_button)
        group.addButton(self._line_button)
        (self._candles_button if self._mode is ChartMode.CANDLES else self._line_button).setChecked(
            True
        )
        self._candles_button.toggled.connect(self._on_mode_button)
        self._follow_button = self._tool("Follow ⇥", "Keep the newest bar in view (End)")
        self._follow_button.setChecked(True)
        self._follow_button.toggled.connect(self.set_follow)

        top = QHBoxLayout()
        top.setContentsMargins(10, 6, 10, 0)
        top.setSpacing(12)
        top.addWidget(self._title)
        top.addWidget(self._quote)
        top.addStretch(1)
        for button in (self._candles_button, self._line_button):
            top.addWidget(button)
        top.addSpacing(8)
        top.addWidget(self._follow_button)
        self._plots = pg.GraphicsLayoutWidget(self)
        self._plots.setBackground(_BACKGROUND)
        self._plots.ci.setContentsMargins(4, 4, 4, 4)
        self._plots.ci.setSpacing(0)
        self._time_axis = TimeAxis(self._market)
        self._price_plot = self._plots.addPlot(row=0, col=0)
        self._volume_plot = self._plots.addPlot(
            row=1, col=0, axisItems={"bottom": self._time_axis, "right": VolumeAxis("right")}
        )
        self._plots.ci.layout.setRowStretchFactor(0, 4)
        self._plots.ci.layout.setRowStretchFactor(1, 1)
        self._setup_plots()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        readout_row = QHBoxLayout()
        readout_row.setContentsMargins(10, 0, 10, 0)
        readout_row.addWidget(self._readout)
        layout.addLayout(readout_row)
        layout.addWidget(self._plots, 1)

    def _tool(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _setup_plots(self) -> None:
        price, volume = self._price_plot, self._volume_plot
        for plot in (price, volume):
            plot.hideAxis("left")
            plot.showAxis("right")
            plot.showGrid(x=True, y=True, alpha=_GRID_ALPHA)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=True, y=False)
            for name in ("right", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(_pen(QColor("#2e353f")))
                axis.setTextPen(_AXIS)
            plot.getAxis("right").setWidth(72)
        price.hideAxis("bottom")
        volume.setXLink(price)
        self._candles = BarsItem()
        self._volume_bars = BarsItem(volume=True)
        self._line = pg.PlotCurveItem(pen=_pen(_MUTED))
        price.addItem(self._candles)
        price.addItem(self._line)
        volume.addItem(self._volume_bars)
        self._prev_close_line = pg.InfiniteLine(angle=0, pen=_pen(_MUTED, Qt.PenStyle.DashLine))
        self._prev_label = pg.InfLineLabel(
            self._prev_close_line,
            "",
            position=0.0,
            anchors=[(0, 1), (0, 1)],
            color=_MUTED,
            fill=pg.mkBrush(18, 21, 26, 210),
        )
        price.addItem(self._prev_close_line, ignoreBounds=True)
        self._last_line = pg.InfiniteLine(angle=0, pen=_pen(_MUTED, Qt.PenStyle.DotLine))
        self._last_label = pg.InfLineLabel(
            self._last_line, "", position=1.0, anchors=[(1, 0.5), (1, 0.5)], color="#0c0e12"
        )
        price.addItem(self._last_line, ignoreBounds=True)
        self._prev_close_line.setZValue(10)  # labels above the candles
        self._last_line.setZValue(11)
        self._cross_v = pg.InfiniteLine(angle=90, pen=_pen(_CROSS, Qt.PenStyle.DashLine))
        self._cross_h = pg.InfiniteLine(angle=0, pen=_pen(_CROSS, Qt.PenStyle.DashLine))
        self._cross_v_volume = pg.InfiniteLine(angle=90, pen=_pen(_CROSS, Qt.PenStyle.DashLine))
        for item in (self._cross_v, self._cross_h):
            price.addItem(item, ignoreBounds=True)
            item.hide()
        volume.addItem(self._cross_v_volume, ignoreBounds=True)
        self._cross_v_volume.hide()
        self._empty = pg.TextItem("Waiting for today's trades…", color=_MUTED, anchor=(0.5, 0.5))
        price.addItem(self._empty, ignoreBounds=True)
        price.getViewBox().sigRangeChangedManually.connect(self._on_user_range)
        price.getViewBox().sigXRangeChanged.connect(self._fit_y)
        self._mouse = pg.SignalProxy(
            self._plots.scene().sigMouseMoved, rateLimit=60, slot=self._on_mouse_moved
        )

    # -- public -------------------------------------------------------------------------------
    def mode(self) -> ChartMode:
        """Candles or line."""
        return self._mode

    def set_mode(self, mode: ChartMode) -> None:
        """Switch between candles and a line."""
        self._mode = mode
        button = self._candles_button if mode is ChartMode.CANDLES else self._line_button
        if not button.isChecked():
            button.setChecked(True)
        self._candles.setVisible(mode is ChartMode.CANDLES)
        self._line.setVisible(mode is ChartMode.LINE)
        self.placementChanged.emit()

    def is_following(self) -> bool:
        """Whether the view keeps the newest bar in sight."""
        return self._follow

    def set_follow(self, follow: bool) -> None:
        """Follow the newest bar (True) or leave the view where the user put it."""
        self._follow = follow
        if self._follow_button.isChecked() != follow:
            self._follow_button.setChecked(follow)
        if follow:
            self._show_latest()

    def bar_count(self) -> int:
        """Bars on the chart."""
        return len(self._arrays)

    def candles_item(self) -> BarsItem:
        """The candle item (tests inspect it)."""
        return self._candles

    def readout(self) -> str:
        """The text of the crosshair read-out line."""
        return self._readout.text()

    def refresh(self, force: bool = False) -> None:
        """Redraw from the store if the symbol's bars changed (at most ten times a second)."""
        now = time.monotonic()
        if not force and now - self._last_draw < _MIN_INTERVAL_S:
            if not self._pending.isActive():
                self._pending.start(int((_MIN_INTERVAL_S - (now - self._last_draw)) * 1000) + 1)
            return
        self._last_draw = now
        self._update_quote()
        version = self._store.version(self.symbol)
        if version == self._version and not force:
            return
        self._version = version
        arrays = self._arrays = self._store.arrays(self.symbol)
        n = len(arrays)
        self._empty.setVisible(n == 0)
        self._time_axis.set_starts(arrays.start_s)
        if n:
            self._candles.set_bars(
                arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume
            )
            self._volume_bars.set_bars(
                arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume
            )
            x = np.arange(n, dtype=np.float64)
            self._line.setData(x, arrays.close)
        vb = self._price_plot.getViewBox()
        vb.setLimits(xMin=-20, xMax=max(n, 10) + 40, minXRange=10)
        if self._follow:
            self._show_latest()
        else:
            self._fit_y()
        if not self._cross_v.isVisible():
            self._set_readout(n - 1)

    def _update_quote(self) -> None:
        state = self._book.get(self.symbol)
        name = state.name if state is not None else ""
        self._title.setText(f"{self.symbol}  {name}".strip())
        self.setWindowTitle(f"{self.symbol} — Chart")
        market = self._market
        if state is not None and state.prev_close is not None:
            self._prev_close_line.setPos(float(state.prev_close))
            self._prev_label.setFormat(f"Prev close {format_price(market, state.prev_close)}")
            self._prev_close_line.show()
        else:
            self._prev_close_line.hide()
        if state is None or state.last is None:
            self._quote.setText("")
            self._last_line.hide()
            return
        self._decimals = price_decimals(market, state.last, state.prev_close)
        change = state.change
        glyph = "" if not change else (UP_GLYPH if change > 0 else DOWN_GLYPH)
        color = "#d6dbe2" if not change else (UP_COLOR if change > 0 else DOWN_COLOR).name()
        self._quote.setStyleSheet(f"color: {color};")
        self._quote.setText(
            f"{format_price(market, state.last)} {glyph}  "
            f"{format_change(market, state.last, state.prev_close)}  "
            f"{format_change_pct(state.change_pct)}".rstrip()
        )
        color_line = UP_COLOR if change and change > 0 else DOWN_COLOR if change else _MUTED
        self._line.setPen(_pen(color_line))
        self._last_line.setPen(_pen(color_line, Qt.PenStyle.DotLine))
        self._last_line.setPos(float(state.last))
        self._last_label.fill = pg.mkBrush(color_line)
        self._last_label.setFormat(format_price(market, state.last))
        self._last_line.show()

    # -- view range ---------------------------------------------------------------------------
    def _show_latest(self) -> None:
        n = len(self._arrays)
        vb = self._price_plot.getViewBox()
        # Until the user zooms: the session so far (at least an hour, at most four hours).
        span = self._span or float(min(max(n, _VISIBLE_BARS // 2), _FIRST_SPAN_MAX) + _RIGHT_MARGIN)
        end = n - 1 + _RIGHT_MARGIN
        vb.setXRange(end - span, end, padding=0)
        self._fit_y()

    def _fit_y(self, *args: Any) -> None:
        n = len(self._arrays)
        if n == 0:
            return
        vb = self._price_plot.getViewBox()
        (left, right), _ = vb.viewRange()
        first = max(0, int(np.floor(left)))
        last = min(n, int(np.ceil(right)) + 1)
        if first >= last:
            first, last = max(0, n - 1), n
        arrays = self._arrays
        if self._mode is ChartMode.LINE:
            lo, hi = float(arrays.close[first:last].min()), float(arrays.close[first:last].max())
        else:
            lo, hi = float(arrays.low[first:last].min()), float(arrays.high[first:last].max())
        pad = max((hi - lo) * 0.08, abs(hi) * 0.0005, 1e-6)
        vb.setYRange(lo - pad, hi + pad, padding=0)
        volume = arrays.volume[first:last]
        top = float(volume.max()) if volume.size else 1.0
        self._volume_plot.getViewBox().setYRange(0, max(1.0, top * 1.1), padding=0)

    def _on_user_range(self, *args: Any) -> None:
        (left, right), _ = self._price_plot.getViewBox().viewRange()
        self._span = max(10.0, right - left)  # the user's zoom is kept from now on
        if self._follow:
            self.set_follow(False)

    def _on_mode_button(self, candles: bool) -> None:
        self.set_mode(ChartMode.CANDLES if candles else ChartMode.LINE)
        self._fit_y()

    # -- crosshair ----------------------------------------------------------------------------
    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        position = event[0]
        vb = self._price_plot.getViewBox()
        inside = self._price_plot.sceneBoundingRect().contains(position) or (
            self._volume_plot.sceneBoundingRect().contains(position)
        )
        if not inside or not len(self._arrays):
            self.hide_crosshair()
            return
        point = vb.mapSceneToView(position)
        index = int(round(point.x()))
        in_price = self._price_plot.sceneBoundingRect().contains(position)
        self.show_crosshair(index, point.y() if in_price else None)

    def show_crosshair(self, index: int, price: float | None) -> None:
        """Put the crosshair on bar `index` (and a price level) and read that bar out."""
        for line in (self._cross_v, self._cross_v_volume):
            line.setPos(index)
            line.show()
        if price is None:
            self._cross_h.hide()
        else:
            self._cross_h.setPos(price)
            self._cross_h.show()
        self._set_readout(index, price)

    def hide_crosshair(self) -> None:
        """Hide the crosshair; the read-out shows the newest bar again."""
        for line in (self._cross_v, self._cross_v_volume, self._cross_h):
            line.hide()
        self._set_readout(len(self._arrays) - 1)

    def _set_readout(self, index: int, price: float | None = None) -> None:
        arrays = self._arrays
        if not 0 <= index < len(arrays):
            self._readout.setText("" if price is None else self._price_text(price))
            return
        stamp = self._time_axis.time_at(index) or 0.0
        fields = [
            format_time(int(stamp * 1000), self._market)[:5],
            f"O {self._price_text(arrays.open[index])}",
            f"H {self._price_text(arrays.high[index])}",
            f"L {self._price_text(arrays.low[index])}",
            f"C {self._price_text(arrays.close[index])}",
            f"V {format_volume(int(arrays.volume[index]))}",
        ]
        if price is not None:
            fields.append(f"│ {self._price_text(price)}")
        self._readout.setText("   ".join(fields))

    def _price_text(self, value: float) -> str:
        return format_price(self._market, Decimal(f"{value:.{self._decimals}f}"))

    # -- placement ----------------------------------------------------------------------------
    def placement(self) -> WindowLayout:
        """Where the window is and how it looks, as a `WindowLayout` for the `windows` table."""
        geometry = self.normalGeometry() if self.isMaximized() else self.geometry()
        screen = self.screen()
        screen_rect = screen.geometry() if screen is not None else None
        return WindowLayout(
            kind=CHART_KIND,
            symbol=self.symbol,
            geometry=Rect(geometry.x(), geometry.y(), geometry.width(), geometry.height()),
            screen=screen.name() if screen is not None else None,
            screen_geometry=None
            if screen_rect is None
            else Rect(screen_rect.x(), screen_rect.y(), screen_rect.width(), screen_rect.height()),
            dpr=screen.devicePixelRatio() if screen is not None else 1.0,
            extra={"mode": self._mode.value, "follow": self._follow},
        )

    def restore(self, layout: WindowLayout) -> None:
        """Apply a saved layout, on its screen if it still exists, else the nearest, fully visible."""
        placed = place_window(layout, screen_areas())
        screen = next((s for s in QGuiApplication.screens() if s.name() == placed.screen), None)
        if screen is not None:
            self.setScreen(screen)
        g = placed.geometry
        self.setGeometry(QRect(g.x, g.y, g.width, g.height))
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

"""The chart window's plots: price over volume on one bar-index x axis, with levels and a crosshair.

Price (candles or a line through the closes) sits over volume and both share the x axis, which
counts bars (`chart_items.TimeAxis`). A dashed line marks the previous close, a dotted one the last
price. The view either shows the newest bars (`show_latest`) or stays where the user panned or
zoomed; once the user zooms, that span is kept. Which of the two is the window's call.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QWidget

from desktop.domain.chart_series import Timeframe, bucket_starts
from desktop.domain.formatting import format_price
from desktop.domain.minute_bars import BarArrays
from desktop.domain.quote_book import QuoteState
from desktop.domain.symbols import Market
from desktop.qt.palette import colors, follow_theme, with_alpha
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR
from desktop.widgets.chart_items import (
    BarsItem,
    BreaksItem,
    PolylineItem,
    SpansItem,
    TimeAxis,
    VolumeAxis,
    cosmetic_pen,
)
from desktop.widgets.chart_kinds import ChartMode

__all__ = ["ChartMode", "ChartPlotView"]


Floats = npt.NDArray[np.float64]


def _on_grid(price: float) -> Decimal:
    """A float price as a Decimal `format_price` can place on the tick grid."""
    return Decimal(f"{price:.4f}")


def _day_starts(starts: Floats, market: Market) -> list[int]:
    """Indexes of the first bar of each local day after the first (VWAP restarts there)."""
    if starts.size < 2:
        return []
    days = bucket_starts(starts, Timeframe.D1, market)
    return [int(i) for i in np.flatnonzero(days[1:] != days[:-1]) + 1]


_GRID_ALPHA = 0.12
_EXTENDED = QColor(120, 140, 170, 28)
_VISIBLE_BARS = 120
_RIGHT_MARGIN = 8
_FIRST_SPAN_MAX = 240


class ChartPlotView(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """Price and volume plots of one symbol's bars; the window decides what to follow and read out."""

    userRangeChanged = Signal()
    """The user panned or zoomed the view."""
    hovered = Signal(int, object)
    """The mouse is over bar `index`, at a price level (None over the volume plot)."""
    unhovered = Signal()
    """The mouse left the plots, or there are no bars to point at."""

    def __init__(self, market: Market, arrays: BarArrays, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._market = market
        self._arrays = arrays
        self._mode = ChartMode.CANDLES
        self._span: float | None = None
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.ci.setSpacing(0)
        self._time_axis = TimeAxis(market)
        self._price_plot = self.addPlot(row=0, col=0)
        self._volume_plot = self.addPlot(
            row=1, col=0, axisItems={"bottom": self._time_axis, "right": VolumeAxis("right")}
        )
        self.ci.layout.setRowStretchFactor(0, 4)
        self.ci.layout.setRowStretchFactor(1, 1)
        self._setup_plots()
        self._levels: QuoteState | None = None
        follow_theme(self, self._restyle)

    def _setup_plots(self) -> None:
        price, volume = self._price_plot, self._volume_plot
        for plot in (price, volume):
            plot.hideAxis("left")
            plot.showAxis("right")
            plot.showGrid(x=True, y=True, alpha=_GRID_ALPHA)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=True, y=False)
            plot.getAxis("right").setWidth(72)
        price.hideAxis("bottom")
        volume.setXLink(price)
        self._candles = BarsItem()
        self._volume_bars = BarsItem(volume=True)
        self._line = pg.PlotCurveItem()
        price.addItem(self._candles)
        price.addItem(self._line)
        volume.addItem(self._volume_bars)
        self._vwap = PolylineItem(QPen())
        self._ma_fast = PolylineItem(QPen())
        self._ma_slow = PolylineItem(QPen())
        for curve in (self._vwap, self._ma_fast, self._ma_slow):
            price.addItem(curve.item, ignoreBounds=True)
        self._extended = SpansItem(_EXTENDED)
        self._volume_extended = SpansItem(_EXTENDED)
        price.addItem(self._extended, ignoreBounds=True)
        volume.addItem(self._volume_extended, ignoreBounds=True)
        self._breaks = BreaksItem(QColor())
        self._volume_breaks = BreaksItem(QColor())
        price.addItem(self._breaks, ignoreBounds=True)
        volume.addItem(self._volume_breaks, ignoreBounds=True)
        self._prev_close_line = pg.InfiniteLine(angle=0)
        self._prev_label = pg.InfLineLabel(
            self._prev_close_line, "", position=0.0, anchors=[(0, 1), (0, 1)]
        )
        price.addItem(self._prev_close_line, ignoreBounds=True)
        self._last_line = pg.InfiniteLine(angle=0)
        self._last_label = pg.InfLineLabel(
            self._last_line, "", position=1.0, anchors=[(1, 0.5), (1, 0.5)]
        )
        price.addItem(self._last_line, ignoreBounds=True)
        self._prev_close_line.setZValue(10)  # labels above the candles
        self._last_line.setZValue(11)
        self._cross_v = pg.InfiniteLine(angle=90)
        self._cross_h = pg.InfiniteLine(angle=0)
        self._cross_v_volume = pg.InfiniteLine(angle=90)
        self._cross_label = pg.InfLineLabel(
            self._cross_h, "", position=1.0, anchors=[(1, 0.5), (1, 0.5)]
        )
        self._cross_h.setZValue(12)
        for item in (self._cross_v, self._cross_h):
            price.addItem(item, ignoreBounds=True)
            item.hide()
        volume.addItem(self._cross_v_volume, ignoreBounds=True)
        self._cross_v_volume.hide()
        self._empty = pg.TextItem("Waiting for today's trades…", anchor=(0.5, 0.5))
        price.addItem(self._empty, ignoreBounds=True)
        price.getViewBox().sigRangeChangedManually.connect(self._on_user_range)
        price.getViewBox().sigXRangeChanged.connect(self.fit_y)
        self._mouse = pg.SignalProxy(
            self.scene().sigMouseMoved, rateLimit=60, slot=self._on_mouse_moved
        )

    # -- what is drawn ------------------------------------------------------------------------
    def mode(self) -> ChartMode:
        """Candles or line."""
        return self._mode

    def set_mode(self, mode: ChartMode) -> None:
        """Draw price as candles or as a line through the closes."""
        self._mode = mode
        self._candles.setVisible(mode is ChartMode.CANDLES)
        self._line.setVisible(mode is ChartMode.LINE)

    def arrays(self) -> BarArrays:
        """The bars on the plots."""
        return self._arrays

    def candles_item(self) -> BarsItem:
        """The candle item."""
        return self._candles

    def time_at(self, index: int) -> float | None:
        """Epoch seconds of bar `index` (see `TimeAxis.time_at`)."""
        return self._time_axis.time_at(index)

    def set_market(self, market: Market) -> None:
        """Another symbol's market: its prices and times."""
        self._market = market
        self._time_axis.set_market(market)

    def reset_zoom(self) -> None:
        """Forget the user's zoom (another timeframe or symbol starts at its default span)."""
        self._span = None

    def set_timeframe(self, timeframe: Timeframe) -> None:
        """Bars are this long: the time axis labels and steps follow."""
        self._time_axis.set_timeframe(timeframe)

    def set_bars(
        self,
        arrays: BarArrays,
        *,
        breaks: list[int] | None = None,
        extended: list[tuple[int, int]] | None = None,
        vwap: Floats | None = None,
        averages: tuple[Floats, Floats] | None = None,
    ) -> None:
        """Draw these bars with their overlays: outage breaks (a dashed line, the price line cut),
        pre-/post-market bands, VWAP and two moving averages (None hides one)."""
        self._arrays = arrays
        n = len(arrays)
        self._empty.setVisible(n == 0)
        self._time_axis.set_starts(arrays.start_s)
        cuts = breaks or []
        for item in (self._breaks, self._volume_breaks):
            item.set_breaks(cuts)
        for spans in (self._extended, self._volume_extended):
            spans.set_runs(extended or [])
        x = np.arange(n, dtype=np.float64)
        if n:
            self._candles.set_bars(
                arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume
            )
            self._volume_bars.set_bars(
                arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume
            )
            self._line.setData(x, arrays.close)
        self._vwap.set_points(x, vwap, _day_starts(arrays.start_s, self._market))
        self._ma_fast.set_points(x, None if averages is None else averages[0])
        self._ma_slow.set_points(x, None if averages is None else averages[1])
        vb = self._price_plot.getViewBox()
        vb.setLimits(xMin=-20, xMax=max(n, 10) + 40, minXRange=10)

    def overlays(self) -> dict[str, Any]:
        """What is drawn over the bars (tests read it): curves' y data, breaks, shaded runs."""
        return {
            "vwap": self._vwap.y_data,
            "ma_fast": self._ma_fast.y_data,
            "ma_slow": self._ma_slow.y_data,
            "breaks": self._breaks.breaks(),
            "extended": self._extended.runs(),
        }

    def crosshair_label(self) -> str:
        """The price the crosshair shows on the axis ("" when hidden)."""
        return self._cross_label.toPlainText() if self._cross_h.isVisible() else ""

    def _restyle(self) -> None:
        """Colour everything from the active theme; bars and levels are drawn again in it."""
        c = colors()
        muted, cross = QColor(c.muted), with_alpha(c.text, 90)
        self.setBackground(c.background)
        for plot in (self._price_plot, self._volume_plot):
            for name in ("right", "bottom"):
                plot.getAxis(name).setPen(cosmetic_pen(QColor(c.border)))
                plot.getAxis(name).setTextPen(muted)
        self._vwap.item.setPen(cosmetic_pen(QColor(c.vwap), Qt.PenStyle.DashLine))
        self._ma_fast.item.setPen(cosmetic_pen(QColor(c.average_fast)))
        self._ma_slow.item.setPen(cosmetic_pen(QColor(c.average_slow)))
        for breaks in (self._breaks, self._volume_breaks):
            breaks.set_color(QColor(c.stale))
        self._prev_close_line.setPen(cosmetic_pen(muted, Qt.PenStyle.DashLine))
        self._prev_label.setColor(muted)
        self._prev_label.fill = pg.mkBrush(with_alpha(c.background, 210))
        self._last_label.setColor(QColor(c.background))  # on the up/down fill
        for line in (self._cross_v, self._cross_h, self._cross_v_volume):
            line.setPen(cosmetic_pen(cross, Qt.PenStyle.DashLine))
        self._cross_label.setColor(QColor(c.background))
        self._cross_label.fill = pg.mkBrush(c.text)
        self._empty.setColor(muted)
        self._line.setPen(cosmetic_pen(muted))
        arrays = self._arrays
        if len(arrays):  # the bars item redraws when the up/down colours moved
            for bars in (self._candles, self._volume_bars):
                bars.set_bars(arrays.open, arrays.high, arrays.low, arrays.close, arrays.volume)
        self.show_levels(self._levels)

    def show_levels(self, state: QuoteState | None) -> None:
        """Mark the previous close and the last price, coloured by the day's change."""
        self._levels = state
        market = self._market
        if state is not None and state.prev_close is not None:
            self._prev_close_line.show()  # first: a hidden line's label does not take new text
            self._prev_close_line.setPos(float(state.prev_close))
            self._prev_label.setFormat(f"Prev close {format_price(market, state.prev_close)}")
        else:
            self._prev_close_line.hide()
        if state is None or state.last is None:
            self._last_line.hide()
            return
        change = state.change
        color_line = (
            UP_COLOR if change and change > 0 else DOWN_COLOR if change else QColor(colors().muted)
        )
        self._line.setPen(cosmetic_pen(color_line))
        self._last_line.setPen(cosmetic_pen(color_line, Qt.PenStyle.DotLine))
        self._last_line.show()
        self._last_line.setPos(float(state.last))
        self._last_label.fill = pg.mkBrush(color_line)
        self._last_label.setFormat(format_price(market, state.last))

    # -- view range ---------------------------------------------------------------------------
    def show_latest(self) -> None:
        """Scroll to the newest bar, keeping the user's zoom if there was one."""
        n = len(self._arrays)
        vb = self._price_plot.getViewBox()
        # Until the user zooms: the session so far (at least an hour, at most four hours).
        span = self._span or float(min(max(n, _VISIBLE_BARS // 2), _FIRST_SPAN_MAX) + _RIGHT_MARGIN)
        end = n - 1 + _RIGHT_MARGIN
        vb.setXRange(end - span, end, padding=0)
        self.fit_y()

    def fit_y(self, *args: Any) -> None:
        """Fit price and volume to the bars in view."""
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
        top = max(1.0, (float(volume.max()) if volume.size else 1.0) * 1.1)
        self._volume_plot.getViewBox().setYRange(0, top, padding=0)
        for item in (self._extended, self._breaks):
            item.set_y_range(lo - pad, hi + pad)
        for item in (self._volume_extended, self._volume_breaks):
            item.set_y_range(0.0, top)

    def _on_user_range(self, *args: Any) -> None:
        (left, right), _ = self._price_plot.getViewBox().viewRange()
        self._span = max(10.0, right - left)  # the user's zoom is kept from now on
        self.userRangeChanged.emit()

    # -- crosshair ----------------------------------------------------------------------------
    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        position = event[0]
        vb = self._price_plot.getViewBox()
        inside = self._price_plot.sceneBoundingRect().contains(position) or (
            self._volume_plot.sceneBoundingRect().contains(position)
        )
        if not inside or not len(self._arrays):
            self.unhovered.emit()
            return
        point = vb.mapSceneToView(position)
        index = int(round(point.x()))
        in_price = self._price_plot.sceneBoundingRect().contains(position)
        self.hovered.emit(index, point.y() if in_price else None)

    def crosshair_shown(self) -> bool:
        """Whether the crosshair is on a bar."""
        return bool(self._cross_v.isVisible())

    def show_crosshair(self, index: int, price: float | None) -> None:
        """Put the crosshair on bar `index`, and across at `price` unless it is None."""
        for line in (self._cross_v, self._cross_v_volume):
            line.setPos(index)
            line.show()
        if price is None:
            self._cross_h.hide()
        else:
            self._cross_h.setPos(price)
            self._cross_h.show()  # before the text: a hidden label ignores new text
            self._cross_label.setFormat(format_price(self._market, _on_grid(price)))

    def hide_crosshair(self) -> None:
        """Hide the crosshair."""
        for line in (self._cross_v, self._cross_v_volume, self._cross_h):
            line.hide()

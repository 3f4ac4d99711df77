"""Paints the Trend column: a symbol's intraday line from NumPy, one cached path per row.

Qt asks only for visible cells, so only visible rows are ever drawn. A row's `QPainterPath` is
built with `polyline_path` when its line changed (the model bumps the version at most
once per flush) or the cell was resized, and reused otherwise. 1 px cosmetic pens; no widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.qt import board_colors
from desktop.qt.palette import live_color
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR, SparkCell
from desktop.qt.quote_table_model import SPARK_ROLE
from desktop.widgets.spark_path import polyline_path

__all__ = ["FLAT_COLOR", "SparklineDelegate", "spark_geometry"]

_SELECTED = QStyle.StateFlag.State_Selected.value
_ACTIVE = QStyle.StateFlag.State_Active.value
FLAT_COLOR = live_color(lambda c: c.muted)
"""Line colour when the price is at the previous close (or there is none)."""
_BASELINE_COLOR = live_color(lambda c: c.muted, 110)
_CACHE_LIMIT = 4_096


@dataclass(slots=True)
class _Entry:
    key: tuple[int, float | None, int, int]
    path: QPainterPath | None
    baseline: float | None
    sign: int


def spark_geometry(
    x: np.ndarray, y: np.ndarray, prev_close: float | None, width: int, height: int
) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Scale a line into a `width` × `height` box (y down); also the baseline's y, if it fits.

    The previous close joins the vertical range only when that at most doubles the range, so a
    stock far from its close still shows the shape of its day instead of a flat line at the edge.
    """
    lo, hi = float(np.min(y)), float(np.max(y))
    if prev_close is not None and prev_close > 0:
        span = hi - lo
        if prev_close < lo and lo - prev_close <= max(span, 1e-12):
            lo = prev_close
        elif prev_close > hi and prev_close - hi <= max(span, 1e-12):
            hi = prev_close
    if hi - lo < 1e-12:
        pad = max(abs(hi) * 1e-3, 1e-6)
        lo, hi = lo - pad, hi + pad
    right = max(1.0, width - 1.0)
    bottom = max(1.0, height - 1.0)
    last_x = float(x[-1]) if x.size else 0.0
    xs = x * (right / last_x) if last_x > 0 else np.full(x.shape, right / 2)
    scale = bottom / (hi - lo)
    ys = bottom - (y - lo) * scale
    baseline = None
    if prev_close is not None and lo <= prev_close <= hi:
        baseline = bottom - (prev_close - lo) * scale
    return xs, ys, baseline


class SparklineDelegate(QStyledItemDelegate):
    """Draws a `SparkCell` (via `SPARK_ROLE`): selection, faint dotted baseline, coloured line."""

    PAD_X = 6
    PAD_Y = 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: dict[str, _Entry] = {}
        self._pens = self._direction_pens()
        self._colors = board_colors.version()
        self._baseline_pen = self._pen(_BASELINE_COLOR)
        self._baseline_pen.setStyle(Qt.PenStyle.DotLine)
        self._selection = QBrush()
        self._selection_inactive = QBrush()
        self.set_palette(QPalette())
        self.builds = 0
        """Paths built so far (tests and benchmarks read it)."""

    def _direction_pens(self) -> dict[int, QPen]:
        return {1: self._pen(UP_COLOR), -1: self._pen(DOWN_COLOR), 0: self._pen(FLAT_COLOR)}

    @staticmethod
    def _pen(color: QColor) -> QPen:
        pen = QPen(color)
        pen.setWidth(1)
        pen.setCosmetic(True)
        return pen

    def set_palette(self, palette: QPalette) -> None:
        """Cache the selection brushes of the view's palette."""
        group = QPalette.ColorGroup
        role = QPalette.ColorRole.Highlight
        self._selection = QBrush(palette.brush(group.Active, role))
        self._selection_inactive = QBrush(palette.brush(group.Inactive, role))

    def _entry(self, spark: SparkCell, width: int, height: int) -> _Entry:
        key = (spark.version, spark.prev_close, width, height)
        entry = self._cache.get(spark.symbol)
        if entry is not None and entry.key == key:
            return entry
        self.builds += 1
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        points = spark.store.points(spark.symbol, max_points=max(2, 2 * width))
        if points is None or width < 4 or height < 4:
            entry = _Entry(key, None, None, 0)
        else:
            x, y, connect = points
            if x.size == 1:  # one point so far: a short level line
                x, y = np.array([0.0, 1.0]), np.repeat(y, 2)
                connect = np.array([1, 0], dtype=np.int32)
            xs, ys, baseline = spark_geometry(x, y, spark.prev_close, width, height)
            path = polyline_path(xs, ys, connect)
            last, prev = float(y[-1]), spark.prev_close
            sign = 0 if prev is None or last == prev else (1 if last > prev else -1)
            entry = _Entry(key, path, baseline, sign)
        self._cache[spark.symbol] = entry
        return entry

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Selection, then the cached path translated into the cell."""
        rect = option.rect
        state = option.state.value
        if state & _SELECTED:
            painter.fillRect(rect, self._selection if state & _ACTIVE else self._selection_inactive)
        spark = index.data(SPARK_ROLE)
        if not isinstance(spark, SparkCell):
            return
        width = rect.width() - 2 * self.PAD_X
        height = rect.height() - 2 * self.PAD_Y
        entry = self._entry(spark, width, height)
        if entry.path is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.translate(rect.x() + self.PAD_X, rect.y() + self.PAD_Y)
        if entry.baseline is not None:
            painter.setPen(self._baseline_pen)
            y = entry.baseline
            painter.drawLine(QPointF(0.0, y), QPointF(float(width - 1), y))
        if self._colors != board_colors.version():  # the user changed the colours
            self._pens = self._direction_pens()
            self._colors = board_colors.version()
        painter.setPen(self._pens[entry.sign])
        painter.drawPath(entry.path)
        painter.restore()

    def sizeHint(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QSize:
        """A comfortable sparkline width."""
        return QSize(120, 22)

"""pyqtgraph items of the chart window: candles, volume bars, and a bar-index time axis.

The x axis counts bars, not seconds, so the lunch break and the night take no room (as in every
trading chart); the axis labels each tick with its bar's exchange time. Closed bars are drawn once
into a `QPicture`; only the running bar is drawn on every update.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPicture

from desktop.domain.formatting import format_time, format_volume
from desktop.domain.symbols import Market
from desktop.qt import board_colors
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR

__all__ = ["BODY_WIDTH", "BarsItem", "TimeAxis", "VolumeAxis", "cosmetic_pen"]

Floats = npt.NDArray[np.float64]

BODY_WIDTH = 0.7
"""Candle body and volume bar width, in bars."""
_MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 240)
_LABEL_PX = 70


def cosmetic_pen(color: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    """A one-pixel pen at any zoom: chart lines stay crisp however far the user zooms."""
    pen = QPen(color)
    pen.setCosmetic(True)
    pen.setWidth(1)
    pen.setStyle(style)
    return pen


class BarsItem(pg.GraphicsObject):  # type: ignore[misc]
    """Candles (`volume=False`) or volume bars (`volume=True`) from OHLCV columns."""

    def __init__(self, volume: bool = False) -> None:
        super().__init__()
        self._volume = volume
        self._picture = QPicture()
        self._closed: tuple[Floats, ...] = ()
        self._o = self._h = self._l = self._c = self._v = np.empty(0, dtype=np.float64)
        self._bounds = QRectF()
        self._pens: dict[bool, QPen] = {}
        self._brushes: dict[bool, QBrush] = {}
        self._colors = -1
        self._take_colors()
        self.pictures_built = 0
        """How often the closed bars were drawn again (tests read it)."""

    def _take_colors(self) -> bool:
        """Pens and brushes in today's up/down colours; True when they changed (Appearance)."""
        if self._colors == board_colors.version():
            return False
        self._colors = board_colors.version()
        alpha = 150 if self._volume else 255
        up, down = QColor(UP_COLOR), QColor(DOWN_COLOR)
        up.setAlpha(alpha)
        down.setAlpha(alpha)
        self._pens = {True: cosmetic_pen(up), False: cosmetic_pen(down)}
        self._brushes = {True: QBrush(up), False: QBrush(down)}
        return True

    def set_bars(self, o: Floats, h: Floats, low: Floats, c: Floats, v: Floats) -> None:
        """Show these bars at x = 0 … n-1; redraws closed bars only when they changed."""
        closed = (o[:-1], h[:-1], low[:-1], c[:-1], v[:-1])
        same = len(closed[0]) == len(self._closed[0]) if self._closed else False
        same = self._take_colors() is False and same  # new colours: draw every bar again
        if not same or not all(
            np.array_equal(a, b) for a, b in zip(closed, self._closed, strict=True)
        ):
            self._closed = tuple(a.copy() for a in closed)
            self._draw_closed()
        self._o, self._h, self._l, self._c, self._v = o, h, low, c, v
        n = len(c)
        if n == 0:
            bounds = QRectF()
        elif self._volume:
            bounds = QRectF(-0.5, 0.0, float(n), float(max(1.0, v.max())))
        else:
            top, bottom = float(h.max()), float(low.min())
            bounds = QRectF(-0.5, bottom, float(n), max(top - bottom, 1e-9))
        self.prepareGeometryChange()
        self._bounds = bounds
        self.update()

    def _draw_closed(self) -> None:
        self.pictures_built += 1
        picture = QPicture()
        painter = QPainter(picture)
        o, h, low, c, v = self._closed
        for i in range(len(c)):
            self._draw_bar(painter, i, o[i], h[i], low[i], c[i], v[i])
        painter.end()
        self._picture = picture

    def _draw_bar(
        self, p: QPainter, i: int, o: float, h: float, low: float, c: float, v: float
    ) -> None:
        up = c >= o
        half = BODY_WIDTH / 2
        if self._volume:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self._brushes[up])
            p.drawRect(QRectF(i - half, 0.0, BODY_WIDTH, v))
            return
        p.setPen(self._pens[up])
        p.drawLine(QPointF(i, low), QPointF(i, h))
        if c == o:
            p.drawLine(QPointF(i - half, c), QPointF(i + half, c))
            return
        p.setBrush(self._brushes[up])
        p.drawRect(QRectF(i - half, min(o, c), BODY_WIDTH, abs(c - o)))

    def paint(self, painter: QPainter, *args: Any) -> None:
        """Closed bars from the picture, the running bar directly."""
        painter.drawPicture(0, 0, self._picture)
        n = len(self._c)
        if n:
            i = n - 1
            self._draw_bar(painter, i, self._o[i], self._h[i], self._l[i], self._c[i], self._v[i])

    def boundingRect(self) -> QRectF:
        """The data rectangle of all bars."""
        return QRectF(self._bounds)


class TimeAxis(pg.AxisItem):  # type: ignore[misc]
    """A bottom axis over bar indexes that labels ticks with the bars' exchange times (HH:MM)."""

    def __init__(self, market: Market, **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self._market = market
        self._starts: Floats = np.empty(0, dtype=np.float64)

    def set_starts(self, starts: Floats) -> None:
        """Bar start times (epoch seconds) by index."""
        self._starts = starts
        self.picture = None  # pyqtgraph's cached drawing of the axis
        self.update()

    def time_at(self, index: float) -> float | None:
        """Epoch seconds at a bar index; beyond the data, one minute per bar."""
        n = len(self._starts)
        if n == 0:
            return None
        i = int(round(index))
        if i < 0:
            return float(self._starts[0] + 60 * i)
        if i >= n:
            return float(self._starts[-1] + 60 * (i - n + 1))
        return float(self._starts[i])

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """Whole-bar steps of 1, 2, 5, 10, 15, 30 … minutes, about one label per 70 px."""
        span = max(1.0, maxVal - minVal)
        wanted = span * _LABEL_PX / max(size, 1.0)
        major = next((s for s in _MINUTE_STEPS if s >= wanted), _MINUTE_STEPS[-1])
        minor = next((s for s in reversed(_MINUTE_STEPS) if s <= major / 4), major)
        return [(float(major), 0.0), (float(minor), 0.0)]

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        """Ticks on bars whose start is a round number of minutes, so labels read 10:30, 10:45."""
        (major, _), (minor, _) = self.tickSpacing(minVal, maxVal, size)
        n = len(self._starts)
        first = max(int(np.ceil(minVal)), -n - 500)
        last = min(int(np.floor(maxVal)), 2 * n + 500)
        majors: list[float] = []
        minors: list[float] = []
        for i in range(first, last + 1):
            at = self.time_at(i)
            if at is None:
                continue
            minute = int(at // 60)
            if minute % int(major) == 0:
                majors.append(float(i))
            elif minute % int(minor) == 0:
                minors.append(float(i))
        return [(major, majors), (minor, minors)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """HH:MM in the market's zone for each tick."""
        out = []
        for value in values:
            at = self.time_at(value)
            out.append("" if at is None else format_time(int(at * 1000), self._market)[:5])
        return out


class VolumeAxis(pg.AxisItem):  # type: ignore[misc]
    """A value axis that writes share counts the way the board does (`345.6K`, `1.2M`)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Abbreviated volumes."""
        return [format_volume(value) if value > 0 else "" for value in values]

"""pyqtgraph items of the chart window: candles, volume bars, and a bar-index time axis.

The x axis counts bars, not seconds, so the lunch break and the night take no room (as in every
trading chart); the axis labels each tick with its bar's exchange time. Closed bars are drawn once
into a `QPicture`; only the running bar is drawn on every update.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPicture
from PySide6.QtWidgets import QGraphicsPathItem

from desktop.domain.chart_series import Timeframe, bucket_starts
from desktop.domain.formatting import format_time, format_volume
from desktop.domain.symbols import Market
from desktop.qt import board_colors
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR

__all__ = [
    "BODY_WIDTH",
    "BarsItem",
    "BreaksItem",
    "PolylineItem",
    "SpansItem",
    "TimeAxis",
    "VolumeAxis",
    "cosmetic_pen",
]

Floats = npt.NDArray[np.float64]

BODY_WIDTH = 0.7
"""Candle body and volume bar width, in bars."""
_MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440)
_DAY_STEPS = (1, 2, 5, 10)
"""Day charts label every n-th trading day below a month; beyond, month starts."""
_LABEL_PX = 70
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


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
    """A bottom axis over bar indexes, labelled with the bars' exchange times at round steps.

    Intraday: ticks on bars starting at a round number of minutes (10:30, 10:45; a new day shows
    its date). Days: month starts (or every n-th day when zoomed in). Weeks: quarters or years.
    """

    def __init__(self, market: Market, **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self._market = market
        self._timeframe = Timeframe.M1
        self._starts: Floats = np.empty(0, dtype=np.float64)
        self._bars_per_day = 1440.0
        """Bars in a trading day of the data (intraday): how many days a label step spans."""

    def set_market(self, market: Market) -> None:
        """Label times in this market's zone."""
        self._market = market

    def set_timeframe(self, timeframe: Timeframe) -> None:
        """Bars are this long (labels and steps follow)."""
        self._timeframe = timeframe
        self.picture = None
        self.update()

    def set_starts(self, starts: Floats) -> None:
        """Bar start times (epoch seconds) by index."""
        self._starts = starts
        if self._timeframe.intraday and starts.size:
            days = np.unique(bucket_starts(starts, Timeframe.D1, self._market)).size
            self._bars_per_day = starts.size / days
        self.picture = None  # pyqtgraph's cached drawing of the axis
        self.update()

    def time_at(self, index: float) -> float | None:
        """Epoch seconds at a bar index; beyond the data, one timeframe per bar."""
        n = len(self._starts)
        if n == 0:
            return None
        step = self._timeframe.seconds
        i = int(round(index))
        if i < 0:
            return float(self._starts[0] + step * i)
        if i >= n:
            return float(self._starts[-1] + step * (i - n + 1))
        return float(self._starts[i])

    def _wanted_bars(self, minVal: float, maxVal: float, size: float) -> float:
        return max(1.0, maxVal - minVal) * _LABEL_PX / max(size, 1.0)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """Whole-bar steps (in bars) of about one label per 70 px."""
        wanted = max(1.0, self._wanted_bars(minVal, maxVal, size))
        return [(wanted, 0.0), (max(1.0, wanted / 4), 0.0)]

    def _key(self, at: float, wanted: float) -> tuple[int, int]:
        """(major key, minor key) of a bar time: a tick goes where the key changes."""
        timeframe = self._timeframe
        local = _local(self._market, at)
        if timeframe.intraday:
            day = local.toordinal()
            if wanted < self._bars_per_day:  # several labels a day: round minutes
                minutes = wanted * timeframe.seconds / 60
                major = next((m for m in _MINUTE_STEPS if m >= minutes), _MINUTE_STEPS[-1])
                minor = next((m for m in reversed(_MINUTE_STEPS) if m <= major / 4), 1)
                minute = local.hour * 60 + local.minute
                return day * 10_000 + minute // major, day * 10_000 + minute // minor
            trading_days = wanted / self._bars_per_day  # a label every few trading days
            if trading_days <= _DAY_STEPS[-1]:
                return self._day_key(local, trading_days), day
            return local.year * 12 + local.month, day
        months = wanted * timeframe.seconds / (30 * 86_400)
        if timeframe is Timeframe.D1 and months < 0.5:
            return self._day_key(local, wanted), local.toordinal()
        span = next((m for m in (1, 3, 6, 12, 24, 60) if m >= months), 120)
        month = local.year * 12 + local.month - 1
        return month // span, month

    @staticmethod
    def _day_key(local: datetime, days: float) -> int:
        """Days of the month in steps of 1, 2, 5 or 10 (the 1st, 11th, 21st …)."""
        step = next((d for d in _DAY_STEPS if d >= days), _DAY_STEPS[-1])
        month = local.year * 12 + local.month
        part = (local.day - 1) // step
        if step > 1:  # the 31st belongs with the 21st, not a step of its own
            part = min(part, 27 // step)
        return month * 100 + part

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        """Ticks on the first bar of each round step (10:30, 11:00 …; Mar, Apr …; 2025, 2026)."""
        wanted = self._wanted_bars(minVal, maxVal, size)
        n = len(self._starts)
        first = max(int(np.ceil(minVal)), -n - 500)
        last = min(int(np.floor(maxVal)), 2 * n + 500)
        majors: list[float] = []
        minors: list[float] = []
        previous: tuple[int, int] | None = None
        for i in range(first - 1, last + 1):
            at = self.time_at(i)
            if at is None:
                continue
            key = self._key(at, wanted)
            if previous is not None and i >= first:
                if key[0] != previous[0]:
                    majors.append(float(i))
                elif key[1] != previous[1]:
                    minors.append(float(i))
            previous = key
        return [(wanted, majors), (max(1.0, wanted / 4), minors)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """HH:MM (a date at a new day) intraday; "Mar 4", "Mar" or "2026" for days and weeks."""
        out = []
        for value in values:
            at = self.time_at(value)
            out.append("" if at is None else self.tick_label(at, self.time_at(value - 1)))
        return out

    def tick_label(self, at: float, before: float | None) -> str:
        """The text of a tick at epoch second `at` (the bar before it starts at `before`)."""
        local = _local(self._market, at)
        prior = None if before is None else _local(self._market, before)
        if self._timeframe.intraday:
            if prior is not None and prior.date() == local.date():
                return format_time(int(at * 1000), self._market)[:5]
            return f"{_MONTHS[local.month - 1]} {local.day}"
        if prior is not None and prior.year != local.year:
            return str(local.year)
        if self._timeframe is Timeframe.D1 and prior is not None and prior.month == local.month:
            return f"{_MONTHS[local.month - 1]} {local.day}"
        return _MONTHS[local.month - 1]


@cache
def _zone(market: Market) -> ZoneInfo:
    return ZoneInfo(market.timezone)


def _local(market: Market, at: float) -> datetime:
    return datetime.fromtimestamp(at, _zone(market))


class PolylineItem:
    """A line through (x, y) points, lifted where y is NaN and before each `cuts` index.

    One plain QGraphicsPathItem (`item`, added to a plot) whose path is built in Python, so a
    VWAP can restart at each day without a connecting stroke (an overlay has ≤ 1,000 points).
    """

    def __init__(self, pen: QPen) -> None:
        self.item = QGraphicsPathItem()
        self.item.setPen(pen)
        self.y_data: Floats | None = None

    def set_points(self, x: Floats, y: Floats | None, cuts: Sequence[int] = ()) -> None:
        """Draw these points (None hides the line)."""
        self.y_data = y
        path = QPainterPath()
        if y is not None:
            lifted, breaks = True, set(cuts)
            for i, (px, py) in enumerate(zip(x.tolist(), y.tolist(), strict=True)):
                if py != py:  # NaN
                    lifted = True
                elif lifted or i in breaks:
                    path.moveTo(px, py)
                    lifted = False
                else:
                    path.lineTo(px, py)
        self.item.setPath(path)
        self.item.setVisible(y is not None)


class SpansItem(pg.GraphicsObject):  # type: ignore[misc]
    """Translucent bands behind the bars over [first, last] index runs (pre-/post-market)."""

    def __init__(self, color: QColor) -> None:
        super().__init__()
        self._brush = QBrush(color)
        self._runs: list[tuple[int, int]] = []
        self._y = (0.0, 1.0)
        self.setZValue(-10)

    def set_y_range(self, bottom: float, top: float) -> None:
        """The plot's visible price range: bands span it."""
        self.prepareGeometryChange()
        self._y = (bottom, top)
        self.update()

    def set_runs(self, runs: list[tuple[int, int]]) -> None:
        """Shade these bar-index runs."""
        self.prepareGeometryChange()
        self._runs = list(runs)
        self.update()

    def runs(self) -> list[tuple[int, int]]:
        """The shaded runs."""
        return list(self._runs)

    def paint(self, painter: QPainter, *args: Any) -> None:
        """Full-height bands in view coordinates."""
        bottom, top = self._y
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._brush)
        for first, last in self._runs:
            painter.drawRect(QRectF(first - 0.5, bottom, last - first + 1.0, top - bottom))

    def boundingRect(self) -> QRectF:
        """The bands over the plot's visible height."""
        if not self._runs:
            return QRectF()
        bottom, top = self._y
        first, last = self._runs[0][0], self._runs[-1][1]
        return QRectF(first - 0.5, bottom, last - first + 1.0, top - bottom)


class BreaksItem(pg.GraphicsObject):  # type: ignore[misc]
    """A dashed vertical line between two bars wherever the feed lost bars (an outage)."""

    def __init__(self, color: QColor) -> None:
        super().__init__()
        self._pen = cosmetic_pen(color, Qt.PenStyle.DashLine)
        self._at: list[int] = []
        self._y = (0.0, 1.0)
        self.setZValue(-5)

    def set_y_range(self, bottom: float, top: float) -> None:
        """The plot's visible price range: lines span it."""
        self.prepareGeometryChange()
        self._y = (bottom, top)
        self.update()

    def set_color(self, color: QColor) -> None:
        """Draw the breaks in `color` (the theme changed)."""
        self._pen = cosmetic_pen(color, Qt.PenStyle.DashLine)
        self.update()

    def set_breaks(self, indexes: list[int]) -> None:
        """Mark a break before each of these bar indexes."""
        self.prepareGeometryChange()
        self._at = list(indexes)
        self.update()

    def breaks(self) -> list[int]:
        """Bar indexes with a break before them."""
        return list(self._at)

    def paint(self, painter: QPainter, *args: Any) -> None:
        """One dashed line per break, top to bottom of the view."""
        bottom, top = self._y
        painter.setPen(self._pen)
        for i in self._at:
            painter.drawLine(QPointF(i - 0.5, bottom), QPointF(i - 0.5, top))

    def boundingRect(self) -> QRectF:
        """The lines over the plot's visible height."""
        if not self._at:
            return QRectF()
        bottom, top = self._y
        return QRectF(self._at[0] - 0.5, bottom, self._at[-1] - self._at[0] + 0.01, top - bottom)


class VolumeAxis(pg.AxisItem):  # type: ignore[misc]
    """A value axis that writes share counts the way the board does (`345.6K`, `1.2M`)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Abbreviated volumes."""
        return [format_volume(value) if value > 0 else "" for value in values]

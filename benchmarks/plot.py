"""The benchmark's PNG: latency p99 and loop lag p99 against offered rate, both systems.

Drawn with QPainter on a QImage (offscreen), so the plot needs nothing beyond PySide6.
Log-log axes; one colour per universe size; solid = ours, dashed = baseline; a filled marker
is a sustained run, a hollow one is not.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

__all__ = ["draw_plot"]

_SIZE = (1500, 620)
_BG, _PANEL, _GRID, _TEXT = "#14161a", "#1b1e24", "#2c313a", "#c9d1d9"
_COLOURS = ["#4fa3ff", "#f0b429", "#3ecf8e", "#e5534b", "#b48ead"]


def _log_axis(lo: float, hi: float) -> tuple[float, float]:
    return math.floor(math.log10(lo)), math.ceil(math.log10(hi))


def _panel(
    painter: QPainter,
    rect: QRectF,
    title: str,
    key: str,
    report: dict[str, Any],
    universes: list[int],
    budget_ms: float,
    budget_label: str,
) -> None:
    painter.fillRect(rect, QColor(_PANEL))
    runs = [r for s in ("ours", "baseline") for r in report.get(s, []) if r.get(key) is not None]
    if not runs:
        return
    x0, x1 = _log_axis(min(r["offered_rate"] for r in runs), max(r["offered_rate"] for r in runs))
    y0, y1 = _log_axis(max(0.1, min(max(r[key], 0.1) for r in runs)), max(r[key] for r in runs))
    y1 = max(y1, y0 + 1)
    plot = rect.adjusted(84, 40, -20, -50)

    def point(rate: float, value: float) -> QPointF:
        fx = (math.log10(rate) - x0) / (x1 - x0)
        fy = (math.log10(max(value, 0.1)) - y0) / (y1 - y0)
        return QPointF(plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height())

    painter.setPen(QColor(_TEXT))
    painter.setFont(QFont(painter.font().family(), 11, QFont.Weight.Bold))
    painter.drawText(rect.adjusted(12, 8, 0, 0), Qt.AlignmentFlag.AlignLeft, title)
    painter.setFont(QFont(painter.font().family(), 9))
    for exponent in range(x0, x1 + 1):
        x = point(10**exponent, 10**y0).x()
        painter.setPen(QPen(QColor(_GRID), 1))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(QColor(_TEXT))
        label = f"{10**exponent // 1000}k" if exponent >= 3 else str(10**exponent)
        painter.drawText(
            QRectF(x - 30, plot.bottom() + 6, 60, 16), Qt.AlignmentFlag.AlignCenter, label
        )
    for exponent in range(y0, y1 + 1):
        y = point(10**x0, 10**exponent).y()
        painter.setPen(QPen(QColor(_GRID), 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(_TEXT))
        label = f"{10**exponent:,g} ms"
        painter.drawText(QRectF(rect.left(), y - 8, 78, 16), Qt.AlignmentFlag.AlignRight, label)
    painter.drawText(
        QRectF(plot.left(), plot.bottom() + 24, plot.width(), 16),
        Qt.AlignmentFlag.AlignCenter,
        "offered rate (ticks/s, log)",
    )
    if y0 <= math.log10(budget_ms) <= y1:
        y = point(10**x0, budget_ms).y()
        painter.setPen(QPen(QColor("#e5534b"), 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.drawText(
            QRectF(plot.right() - 130, y - 18, 128, 16), Qt.AlignmentFlag.AlignRight, budget_label
        )
    for u, symbols in enumerate(universes):
        colour = QColor(_COLOURS[u % len(_COLOURS)])
        for system, style in (("ours", Qt.PenStyle.SolidLine), ("baseline", Qt.PenStyle.DashLine)):
            series = sorted(
                (
                    r
                    for r in report.get(system, [])
                    if r["symbols"] == symbols and r.get(key) is not None
                ),
                key=lambda r: r["offered_rate"],
            )
            points = [point(r["offered_rate"], r[key]) for r in series]
            painter.setPen(QPen(colour, 2.2, style))
            for a, b in zip(points, points[1:], strict=False):
                painter.drawLine(a, b)
            for r, p in zip(series, points, strict=True):
                painter.setPen(QPen(colour, 2))
                painter.setBrush(colour if r.get("sustained") else QColor(_PANEL))
                painter.drawEllipse(p, 4.5, 4.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)


def draw_plot(report: dict[str, Any], path: Path) -> Path:
    """Render the two panels and a legend to `path` (PNG); returns the path."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(*_SIZE, QImage.Format.Format_RGB32)
    image.fill(QColor(_BG))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    universes = sorted({r["symbols"] for s in ("ours", "baseline") for r in report.get(s, [])})
    half = (_SIZE[0] - 30) / 2
    top, height = 50, _SIZE[1] - 60
    _panel(
        painter,
        QRectF(10, top, half, height),
        "Tick → model latency p99",
        "latency_p99_ms",
        report,
        universes,
        100.0,
        "100 ms target",
    )
    _panel(
        painter,
        QRectF(20 + half, top, half, height),
        "Event-loop lag p99 (10 ms probe)",
        "loop_lag_p99_ms",
        report,
        universes,
        50.0,
        "50 ms budget",
    )
    painter.setPen(QColor(_TEXT))
    painter.setFont(QFont(painter.font().family(), 10))
    machine = report.get("machine", {})
    painter.drawText(
        QRectF(12, 8, _SIZE[0], 18),
        Qt.AlignmentFlag.AlignLeft,
        f"Quote Board vs naive baseline — {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{report.get('generated', '')}",
    )
    x = 12.0
    for u, symbols in enumerate(universes):
        colour = QColor(_COLOURS[u % len(_COLOURS)])
        for system, style in (("ours", Qt.PenStyle.SolidLine), ("baseline", Qt.PenStyle.DashLine)):
            painter.setPen(QPen(colour, 2.2, style))
            painter.drawLine(QPointF(x, 36), QPointF(x + 28, 36))
            painter.setPen(QColor(_TEXT))
            label = f"{system}, {symbols} symbols"
            painter.drawText(QRectF(x + 34, 28, 200, 16), Qt.AlignmentFlag.AlignLeft, label)
            x += 44 + painter.fontMetrics().horizontalAdvance(label)
    painter.drawText(
        QRectF(x + 10, 28, 400, 16),
        Qt.AlignmentFlag.AlignLeft,
        "● sustained   ○ not sustained",
    )
    painter.end()
    image.save(str(path))
    return path

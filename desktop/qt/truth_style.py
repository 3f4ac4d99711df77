"""One look for a quote's truth state: the same words and colours in every view.

Rows, ladders, pop-outs, charts and heatmap tiles all take their chip colour, their text colour
and their dimming from here, so "Stale" looks the same wherever a trader's eye lands.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

from desktop.domain.truth_terms import Truth, TruthVerdict

__all__ = ["DIM_OPACITY", "TRUTH_COLORS", "chip_style", "truth_brush", "truth_color"]

TRUTH_COLORS: dict[Truth, str] = {
    Truth.LIVE: "#3fb950",
    Truth.QUIET: "#8b95a3",
    Truth.STALE: "#f0883e",
    Truth.DELAYED: "#d29922",
    Truth.HALTED: "#f85149",
    Truth.LIMIT_UP: "#f85149",
    Truth.LIMIT_DOWN: "#f85149",
    Truth.CLOSED: "#6e7681",
    Truth.LUNCH: "#6e7681",
    Truth.HOLIDAY: "#6e7681",
    Truth.NOT_STREAMING: "#f85149",
    Truth.DEMO: "#a371f7",
    Truth.REPLAY: "#58a6ff",
}
"""Chip colour of each state (on the dark theme)."""

DIM_OPACITY = 0.45
"""How opaque a dimmed view's prices are: readable, but plainly not current."""

_BRUSHES = {truth: QBrush(QColor(color)) for truth, color in TRUTH_COLORS.items()}


def truth_color(truth: Truth) -> QColor:
    """The state's colour."""
    return QColor(TRUTH_COLORS[truth])


def truth_brush(truth: Truth) -> QBrush:
    """The state's colour as a shared brush (item models)."""
    return _BRUSHES[truth]


def chip_style(verdict: TruthVerdict) -> str:
    """The style sheet of a chip label: the state's colour as text and border."""
    color = TRUTH_COLORS[verdict.state]
    return (
        f"QLabel {{ color: {color}; border: 1px solid {color}; border-radius: 3px;"
        " padding: 0px 4px; font-weight: bold; }"
    )

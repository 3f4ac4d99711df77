"""One look for a quote's truth state: the same words and colours in every view.

Rows, ladders, pop-outs, charts and heatmap tiles all take their chip colour, their text colour
and their dimming from here, so "Stale" looks the same wherever a trader's eye lands.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

from desktop.domain.truth_terms import Truth, TruthVerdict
from desktop.qt.palette import Role, colors, live_brush

__all__ = ["DIM_OPACITY", "TRUTH_ROLES", "chip_style", "truth_brush", "truth_color"]

TRUTH_ROLES: dict[Truth, Role] = {
    Truth.LIVE: lambda c: c.truth_live,
    Truth.QUIET: lambda c: c.truth_quiet,
    Truth.STALE: lambda c: c.truth_stale,
    Truth.DELAYED: lambda c: c.truth_delayed,
    Truth.HALTED: lambda c: c.truth_halted,
    Truth.LIMIT_UP: lambda c: c.truth_halted,
    Truth.LIMIT_DOWN: lambda c: c.truth_halted,
    Truth.CLOSED: lambda c: c.truth_closed,
    Truth.LUNCH: lambda c: c.truth_closed,
    Truth.HOLIDAY: lambda c: c.truth_closed,
    Truth.NOT_STREAMING: lambda c: c.truth_halted,
    Truth.DEMO: lambda c: c.truth_demo,
    Truth.REPLAY: lambda c: c.truth_replay,
}
"""The colour role of each state's chip (each theme has its own shade, readable on it)."""

DIM_OPACITY = 0.45
"""How opaque a dimmed view's prices are: readable, but plainly not current."""

_BRUSHES = {truth: live_brush(role) for truth, role in TRUTH_ROLES.items()}


def truth_color(truth: Truth) -> QColor:
    """The state's colour in the active theme."""
    return QColor(TRUTH_ROLES[truth](colors()))


def truth_brush(truth: Truth) -> QBrush:
    """The state's colour as a shared brush (item models)."""
    return _BRUSHES[truth]


def chip_style(verdict: TruthVerdict) -> str:
    """The style sheet of a chip label: the state's colour as text and border."""
    color = TRUTH_ROLES[verdict.state](colors())
    return (
        f"QLabel {{ color: {color}; border: 1px solid {color}; border-radius: 3px;"
        " padding: 0px 4px; font-weight: bold; }"
    )

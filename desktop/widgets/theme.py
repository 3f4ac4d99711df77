"""The dark theme: Fusion style, a dark palette, and a small style sheet from resources/themes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.qt.palette import (
    ALTERNATE,
    BACKGROUND,
    BORDER,
    BUTTON,
    DARK,
    DISABLED,
    EDGE,
    HIGHLIGHT,
    HIGHLIGHT_INACTIVE,
    HOVER,
    LINK,
    LINK_VISITED,
    MID,
    MUTED,
    RAISED,
    SHADOW,
    TEXT,
    WHITE,
    WINDOW,
)
from desktop.widgets.resources import resource_path

__all__ = ["DARK_COLORS", "apply_dark_theme", "dark_palette"]

_log = logging.getLogger(__name__)

DARK_COLORS: dict[str, str] = {
    "window": WINDOW,
    "base": BACKGROUND,
    "alternate": ALTERNATE,
    "text": TEXT,
    "muted": MUTED,
    "disabled": DISABLED,
    "button": BUTTON,
    "border": BORDER,
    "highlight": HIGHLIGHT,
    "highlight_inactive": HIGHLIGHT_INACTIVE,
    "tooltip": RAISED,
    "link": LINK,
}
"""The theme's named colours (the QSS uses the same values)."""


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for numbers read at a glance."""
    c = {name: QColor(value) for name, value in DARK_COLORS.items()}
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    palette = QPalette()
    for r, color in (
        (role.Window, c["window"]),
        (role.WindowText, c["text"]),
        (role.Base, c["base"]),
        (role.AlternateBase, c["alternate"]),
        (role.Text, c["text"]),
        (role.PlaceholderText, c["muted"]),
        (role.Button, c["button"]),
        (role.ButtonText, c["text"]),
        (role.BrightText, QColor(WHITE)),
        (role.ToolTipBase, c["tooltip"]),
        (role.ToolTipText, c["text"]),
        (role.Highlight, c["highlight"]),
        (role.HighlightedText, QColor(WHITE)),
        (role.Link, c["link"]),
        (role.LinkVisited, QColor(LINK_VISITED)),
        (role.Light, QColor(EDGE)),
        (role.Midlight, QColor(HOVER)),
        (role.Mid, QColor(MID)),
        (role.Dark, QColor(DARK)),
        (role.Shadow, QColor(SHADOW)),
    ):
        palette.setColor(r, color)
    palette.setColor(group.Inactive, role.Highlight, c["highlight_inactive"])
    for r in (role.Text, role.WindowText, role.ButtonText, role.HighlightedText):
        palette.setColor(group.Disabled, r, c["disabled"])
    palette.setColor(group.Disabled, role.Highlight, c["border"])
    return palette


def apply_dark_theme(app: QApplication) -> None:
    """Switch the whole application to Fusion + the dark palette + `resources/themes/dark.qss`."""
    app.setStyle("Fusion")
    palette = dark_palette()
    app.setPalette(palette)
    QToolTip.setPalette(palette)
    qss = resource_path("themes", "dark.qss")
    try:
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    except OSError as exc:  # a missing file only loses polish, never the app
        _log.warning("dark theme style sheet not loaded (%s): %s", qss, exc)

"""The dark theme: Fusion style, a dark palette, and a small style sheet from resources/themes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.qt.palette import colors
from desktop.widgets.resources import resource_path

__all__ = ["DARK_COLORS", "apply_dark_theme", "dark_palette"]

_log = logging.getLogger(__name__)

DARK_COLORS: dict[str, str] = {
    "window": colors().window,
    "base": colors().background,
    "alternate": colors().alternate,
    "text": colors().text,
    "muted": colors().muted,
    "disabled": colors().disabled,
    "button": colors().button,
    "border": colors().border,
    "highlight": colors().highlight,
    "highlight_inactive": colors().highlight_inactive,
    "tooltip": colors().raised,
    "link": colors().link,
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
        (role.BrightText, QColor(colors().white)),
        (role.ToolTipBase, c["tooltip"]),
        (role.ToolTipText, c["text"]),
        (role.Highlight, c["highlight"]),
        (role.HighlightedText, QColor(colors().white)),
        (role.Link, c["link"]),
        (role.LinkVisited, QColor(colors().link_visited)),
        (role.Light, QColor(colors().edge)),
        (role.Midlight, QColor(colors().hover)),
        (role.Mid, QColor(colors().mid)),
        (role.Dark, QColor(colors().dark)),
        (role.Shadow, QColor(colors().shadow)),
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

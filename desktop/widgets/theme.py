"""The dark theme: Fusion style, a dark palette, and a small style sheet from resources/themes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.widgets.resources import resource_path

__all__ = ["DARK_COLORS", "apply_dark_theme", "dark_palette"]

_log = logging.getLogger(__name__)

DARK_COLORS: dict[str, str] = {
    "window": "#1b1f25",
    "base": "#12151a",
    "alternate": "#171b21",
    "text": "#d6dbe2",
    "muted": "#8b95a3",
    "disabled": "#5a626d",
    "button": "#242a32",
    "border": "#2e353f",
    "highlight": "#1d4c78",
    "highlight_inactive": "#1a3855",
    "tooltip": "#262c35",
    "link": "#58a6ff",
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
        (role.BrightText, QColor("#ffffff")),
        (role.ToolTipBase, c["tooltip"]),
        (role.ToolTipText, c["text"]),
        (role.Highlight, c["highlight"]),
        (role.HighlightedText, QColor("#ffffff")),
        (role.Link, c["link"]),
        (role.LinkVisited, QColor("#bc8cff")),
        (role.Light, QColor("#3a424d")),
        (role.Midlight, QColor("#2c333c")),
        (role.Mid, QColor("#22272e")),
        (role.Dark, QColor("#0c0e12")),
        (role.Shadow, QColor("#000000")),
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

"""The look of the whole application: Fusion, a QPalette and a style sheet built from a colour set.

Both themes share one style sheet template (`resources/themes/board.qss`, `${role}` names of
`ColorSet`), so a light board has exactly the polish of the dark one; `theme_colors` turns the
user's choice (dark, light, or the system's) into the set to apply.
"""

from __future__ import annotations

import dataclasses
import logging
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.domain.appearance import Theme
from desktop.qt.palette import DARK, LIGHT, ColorSet
from desktop.widgets.resources import resource_path

__all__ = ["apply_theme", "qt_palette", "style_sheet", "system_prefers_light", "theme_colors"]

_log = logging.getLogger(__name__)


def system_prefers_light(app: QGuiApplication) -> bool:
    """Whether the operating system asks for light windows (False when it cannot say)."""
    hints = app.styleHints()
    scheme = getattr(hints, "colorScheme", None)  # Qt 6.5+
    return scheme is not None and scheme() == Qt.ColorScheme.Light


def theme_colors(app: QGuiApplication, theme: Theme) -> ColorSet:
    """The colour set of the user's choice; "follow system" asks the OS, dark when it is silent."""
    if theme is Theme.LIGHT or (theme is Theme.SYSTEM and system_prefers_light(app)):
        return LIGHT
    return DARK


def qt_palette(c: ColorSet) -> QPalette:
    """A QPalette of `c` for Fusion, with enough contrast for numbers read at a glance."""
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    palette = QPalette()
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.background),
        (role.AlternateBase, c.alternate),
        (role.Text, c.text),
        (role.PlaceholderText, c.muted),
        (role.Button, c.button),
        (role.ButtonText, c.text),
        (role.BrightText, c.white),
        (role.ToolTipBase, c.raised),
        (role.ToolTipText, c.text),
        (role.Highlight, c.highlight),
        (role.HighlightedText, c.highlight_text),
        (role.Link, c.link),
        (role.LinkVisited, c.link_visited),
        (role.Light, c.edge),
        (role.Midlight, c.hover),
        (role.Mid, c.mid),
        (role.Dark, c.shade),
        (role.Shadow, c.shadow),
    ):
        palette.setColor(r, QColor(value))
    palette.setColor(group.Inactive, role.Highlight, QColor(c.highlight_inactive))
    for r in (role.Text, role.WindowText, role.ButtonText, role.HighlightedText):
        palette.setColor(group.Disabled, r, QColor(c.disabled))
    palette.setColor(group.Disabled, role.Highlight, QColor(c.border))
    return palette


def style_sheet(c: ColorSet) -> str:
    """The application style sheet: the template filled with `c` ("" if the file is missing)."""
    path = resource_path("themes", "board.qss")
    try:
        template = Template(path.read_text(encoding="utf-8"))
    except OSError as exc:  # a missing file only loses polish, never the app
        _log.warning("style sheet template not loaded (%s): %s", path, exc)
        return ""
    return template.substitute(dataclasses.asdict(c))


def apply_theme(app: QApplication, c: ColorSet) -> None:
    """Switch the whole application to Fusion + `c`'s palette and style sheet (once per change)."""
    palette, sheet = qt_palette(c), style_sheet(c)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    if app.palette() != palette:
        app.setPalette(palette)
        QToolTip.setPalette(palette)
    if app.styleSheet() != sheet:  # setting it re-polishes every widget: only when it changed
        app.setStyleSheet(sheet)

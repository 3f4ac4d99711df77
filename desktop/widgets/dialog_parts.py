"""Building blocks of the settings dialog: its style sheet, a label/field grid, toned labels.

Kept apart so `settings_dialog.py` reads as the dialog's behaviour, not its layout plumbing.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

__all__ = ["DIALOG_STYLE", "FormRows", "hbox", "named", "plain_label", "set_tone"]

LABEL_WIDTH = 76
DIALOG_STYLE = """
QDialog#settingsDialog QGroupBox {{ border: 1px solid {c.border}; border-radius: 4px; margin-top: 14px;
    padding: 10px 8px 6px 8px; font-weight: 600; }}
QDialog#settingsDialog QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px;
    color: {c.muted}; }}
QDialog#settingsDialog QGroupBox QLabel {{ font-weight: 400; }}
QDialog#settingsDialog QLineEdit, QDialog#settingsDialog QComboBox {{ padding: 3px 6px;
    border: 1px solid {c.edge}; border-radius: 3px; background: {c.background}; min-height: 20px; }}
QDialog#settingsDialog QLineEdit:focus, QDialog#settingsDialog QComboBox:focus {{
    border-color: {c.primary}; }}
QLabel[role="hint"] {{ color: {c.muted}; }}
QLabel[role="error"] {{ color: {c.error}; }}
QLabel[tone="ok"] {{ color: {c.ok}; }}
QLabel[tone="fail"] {{ color: {c.error}; }}
QLabel[tone="busy"] {{ color: {c.muted}; }}
QFrame#settingsBanner {{ background: {c.error_background}; border: 1px solid {c.error};
    border-radius: 4px; }}
QFrame#sessionOnlyPanel {{ background: {c.stale_background}; border: 1px solid {c.stale};
    border-radius: 4px; }}
QFrame#settingsBanner QLabel, QFrame#sessionOnlyPanel QLabel {{ color: {c.banner_text}; }}
QPushButton#saveButton {{ background: {c.primary}; border-color: {c.primary_hover}; color: {c.white};
    font-weight: 600; }}
QPushButton#saveButton:hover {{ background: {c.primary_hover}; }}
QPushButton#saveButton:disabled {{ background: {c.primary_disabled}; border-color: {c.border};
    color: {c.disabled_text}; }}
"""
"""The dialog's look on top of the app's theme (hint/error/tone label roles, banners): a template
filled with the active `ColorSet` as `c` (`DIALOG_STYLE.format(c=colors())`)."""

_W = TypeVar("_W", bound=QWidget)


def named(widget: _W, name: str) -> _W:
    """Give `widget` an object name (style sheet selectors, tests) and return it."""
    widget.setObjectName(name)
    return widget


class FormRows:
    """A two-column grid: fixed-width labels, then fields; rows whose widgets are hidden collapse."""

    def __init__(self, group: QGroupBox) -> None:
        self.grid = QGridLayout(group)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        self.grid.setColumnStretch(1, 1)

    def add(self, label: str, field: QWidget | QHBoxLayout) -> None:
        """One row: `label` (may be empty) on the left, the field or a row of widgets right."""
        row = self.grid.rowCount()
        if label:
            self.grid.addWidget(QLabel(label), row, 0, Qt.AlignmentFlag.AlignVCenter)
        if isinstance(field, QWidget):
            self.grid.addWidget(field, row, 1)
        else:
            self.grid.addLayout(field, row, 1)


def hbox(*items: QWidget | tuple[QWidget, int]) -> QHBoxLayout:
    """Widgets side by side; `(widget, stretch)` gives one the spare room."""
    box = QHBoxLayout()
    box.setSpacing(8)
    for item in items:
        widget, stretch = item if isinstance(item, tuple) else (item, 0)
        box.addWidget(widget, stretch)
    return box


def plain_label(text: str = "", role: str | None = None) -> QLabel:
    """A word-wrapped label that shows text literally (server and keyring text is never markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def set_tone(label: QLabel, tone: str, text: str) -> None:
    """Show `text` in the colour of `tone` (ok, fail, busy); the text carries its own ✔/✖ too."""
    label.setProperty("tone", tone)
    label.setText(text)
    label.style().unpolish(label)
    label.style().polish(label)

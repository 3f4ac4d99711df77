"""Building blocks of the settings dialog: its style sheet, a label/field grid, toned labels.

Kept apart so `settings_dialog.py` reads as the dialog's behaviour, not its layout plumbing.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

from desktop.qt.palette import (
    BACKGROUND,
    BANNER_TEXT,
    BORDER,
    DISABLED_TEXT,
    EDGE,
    ERROR,
    ERROR_BACKGROUND,
    MUTED,
    OK,
    PRIMARY,
    PRIMARY_DISABLED,
    PRIMARY_HOVER,
    STALE,
    STALE_BACKGROUND,
    WHITE,
)

__all__ = ["DIALOG_STYLE", "FormRows", "hbox", "named", "plain_label", "set_tone"]

LABEL_WIDTH = 76
DIALOG_STYLE = f"""
QDialog#settingsDialog QGroupBox {{ border: 1px solid {BORDER}; border-radius: 4px; margin-top: 14px;
    padding: 10px 8px 6px 8px; font-weight: 600; }}
QDialog#settingsDialog QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px;
    color: {MUTED}; }}
QDialog#settingsDialog QGroupBox QLabel {{ font-weight: 400; }}
QDialog#settingsDialog QLineEdit, QDialog#settingsDialog QComboBox {{ padding: 3px 6px;
    border: 1px solid {EDGE}; border-radius: 3px; background: {BACKGROUND}; min-height: 20px; }}
QDialog#settingsDialog QLineEdit:focus, QDialog#settingsDialog QComboBox:focus {{
    border-color: {PRIMARY}; }}
QLabel[role="hint"] {{ color: {MUTED}; }}
QLabel[role="error"] {{ color: {ERROR}; }}
QLabel[tone="ok"] {{ color: {OK}; }}
QLabel[tone="fail"] {{ color: {ERROR}; }}
QLabel[tone="busy"] {{ color: {MUTED}; }}
QFrame#settingsBanner {{ background: {ERROR_BACKGROUND}; border: 1px solid {ERROR}; border-radius: 4px; }}
QFrame#sessionOnlyPanel {{ background: {STALE_BACKGROUND}; border: 1px solid {STALE}; border-radius: 4px; }}
QFrame#settingsBanner QLabel, QFrame#sessionOnlyPanel QLabel {{ color: {BANNER_TEXT}; }}
QPushButton#saveButton {{ background: {PRIMARY}; border-color: {PRIMARY_HOVER}; color: {WHITE};
    font-weight: 600; }}
QPushButton#saveButton:hover {{ background: {PRIMARY_HOVER}; }}
QPushButton#saveButton:disabled {{ background: {PRIMARY_DISABLED}; border-color: {BORDER};
    color: {DISABLED_TEXT}; }}
"""
"""The dialog's look on top of the app's dark theme (hint/error/tone label roles, banners)."""

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

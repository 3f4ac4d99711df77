"""A popped-out time & sales tape: its own window, pinned to a symbol or following a link group."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.qt.link_groups import link_group
from desktop.qt.palette import colors, follow_theme
from desktop.qt.tape_model import TapeModel
from desktop.widgets.link_controls import LinkGroupButton, SymbolEdit
from desktop.widgets.shortcut_sheet import TAPE_WINDOW, install_window_keys
from desktop.widgets.tape_panel import TapePanel

__all__ = ["TapeWindow"]

_STYLE = """
QWidget#tapeToolbar {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QLineEdit#tapeSymbolEdit {{
    background: {c.background}; border: 1px solid {c.edge}; border-radius: 3px; padding: 2px 6px;
    font-weight: 600;
}}
QLineEdit#tapeSymbolEdit[invalid="true"] {{ border-color: {c.note}; }}
QToolButton {{ border: 1px solid transparent; border-radius: 3px; padding: 2px 6px; }}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton::menu-indicator {{ image: none; width: 0px; }}
QLabel#tapeError {{ color: {c.note}; padding: 2px 8px; }}
"""


class TapeWindow(QWidget):
    """Top-level window: symbol box and link-group chip over a `TapePanel`."""

    symbolTyped = Signal(str)
    """The user typed a symbol: a linked window publishes it to its group."""
    linkGroupChanged = Signal(object)
    """The group key followed now, or None when pinned."""
    placementChanged = Signal()
    """Moved or resized: worth saving."""
    closed = Signal()

    def __init__(
        self, model: TapeModel, symbol: str, link_group_key: str | None = None,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("tapeWindow")
        self._model = model
        group = link_group(link_group_key)
        self._group: str | None = group.key if group is not None else None
        toolbar = QWidget(self)
        toolbar.setObjectName("tapeToolbar")
        toolbar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._edit = SymbolEdit("tapeSymbolEdit", toolbar)
        self._edit.setMaximumWidth(130)
        self._edit.symbolEntered.connect(self._on_symbol_entered)
        self._edit.problemChanged.connect(self._show_problem)
        self._link_button = LinkGroupButton(
            "tapeLinkButton", "A colour group follows its group's symbol.", toolbar
        )
        self._link_button.groupChosen.connect(self.set_link_group)
        row = QHBoxLayout(toolbar)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(self._edit)
        row.addWidget(self._link_button)
        row.addStretch(1)
        self._error = QLabel(self)
        self._error.setObjectName("tapeError")
        self._error.setTextFormat(Qt.TextFormat.PlainText)
        self._error.hide()
        self.panel = TapePanel(model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(toolbar)
        layout.addWidget(self._error)
        layout.addWidget(self.panel, 1)
        follow_theme(self, lambda: self.setStyleSheet(_STYLE.format(c=colors())))
        install_window_keys(self, TAPE_WINDOW, {"close": self.close})
        self.resize(380, 560)
        self.set_symbol(symbol)
        self._show_group()

    def model(self) -> TapeModel:
        """The tape's model."""
        return self._model

    def symbol(self) -> str:
        """The symbol shown."""
        return self._model.symbol() or ""

    def set_symbol(self, symbol: str) -> None:
        """Show `symbol` (canonical)."""
        self._model.set_symbol(symbol)
        self._edit.setText(symbol)
        self._edit.set_problem("")
        self.setWindowTitle(f"{symbol} — Time & Sales · Quote Board")

    def link_group(self) -> str | None:
        """The group key followed, or None when pinned."""
        return self._group

    def set_link_group(self, key: str | None) -> None:
        """Follow group `key` (None: pin to the current symbol)."""
        group = link_group(key)
        key = group.key if group is not None else None
        changed = key != self._group
        self._group = key
        self._show_group()
        if changed:
            self.linkGroupChanged.emit(key)
            self.placementChanged.emit()

    def error_text(self) -> str:
        """The message about the last symbol typed ("" when it was fine)."""
        return self._error.text() if not self._error.isHidden() else ""

    def _show_group(self) -> None:
        self._link_button.show_group(self._group)

    def _show_problem(self, text: str) -> None:
        self._error.setText(text)  # the old tape stays: nothing is lost
        self._error.setVisible(bool(text))

    def _on_symbol_entered(self, symbol: str) -> None:
        self.set_symbol(symbol)
        self.symbolTyped.emit(symbol)

    def moveEvent(self, event: QMoveEvent) -> None:
        """Moving is a placement change worth saving."""
        super().moveEvent(event)
        self.placementChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Resizing is a placement change worth saving."""
        super().resizeEvent(event)
        self.placementChanged.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The user closed it: the manager forgets it."""
        self.closed.emit()
        event.accept()

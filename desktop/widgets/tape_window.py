"""A popped-out time & sales tape: its own window, pinned to a symbol or following a link group."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QMoveEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.symbols import Symbol, SymbolError
from desktop.qt.link_groups import LINK_GROUPS, link_group
from desktop.qt.palette import colors, follow_theme
from desktop.qt.tape_model import TapeModel
from desktop.widgets.depth_window import swatch_icon
from desktop.widgets.shortcut_sheet import TAPE_WINDOW, install_window_keys
from desktop.widgets.tape_panel import TapePanel

__all__ = ["TapeWindow"]

_STYLE = """
QWidget#tapeToolbar {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QLineEdit#tapeSymbolEdit {{
    background: {c.background}; border: 1px solid {c.edge}; border-radius: 3px; padding: 2px 6px;
    font-weight: 600;
}}
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
        self._edit = QLineEdit(toolbar)
        self._edit.setObjectName("tapeSymbolEdit")
        self._edit.setPlaceholderText("Symbol")
        self._edit.setToolTip("Type a symbol (700, 00700.HK, AAPL) and press Enter")
        self._edit.setMaximumWidth(130)
        self._edit.returnPressed.connect(self._on_symbol_entered)
        self._link_button = QToolButton(toolbar)
        self._link_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._link_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._link_button.setToolTip("Pinned keeps this symbol; a colour group follows its symbol")
        menu = QMenu(self._link_button)
        self._link_actions = QActionGroup(self)
        for key, text, color in [(None, "Pinned to symbol", None)] + [
            (g.key, f"Link group {g.label}", g.color) for g in LINK_GROUPS
        ]:
            action = QAction(swatch_icon(color), text, menu)
            action.setCheckable(True)
            action.setData(key)
            action.triggered.connect(lambda _c=False, k=key: self.set_link_group(k))
            self._link_actions.addAction(action)
            menu.addAction(action)
        self._link_button.setMenu(menu)
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
        self._error.hide()
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
        group = link_group(self._group)
        self._link_button.setIcon(swatch_icon(group.color if group else None))
        self._link_button.setText(f"{group.label if group else 'Pinned'} ▾")
        for action in self._link_actions.actions():
            action.setChecked(action.data() == self._group)

    def _on_symbol_entered(self) -> None:
        try:
            symbol = str(Symbol.parse(self._edit.text()))
        except SymbolError as exc:
            self._error.setText(str(exc))  # the old tape stays: nothing is lost
            self._error.show()
            return
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

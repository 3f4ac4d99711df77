"""The two controls every linked window carries: a symbol box and a link-group chip.

Depth, chart and time & sales windows all let the user type a symbol and pin the window or tie it
to a colour group (`qt.link_groups`); one copy here keeps their behaviour and wording the same.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLineEdit, QMenu, QToolButton, QWidget

from desktop.domain.symbols import Symbol, SymbolError
from desktop.qt.link_groups import LINK_GROUPS, link_group

__all__ = ["LinkGroupButton", "SymbolEdit", "swatch_icon"]

_SWATCH_RING = QColor("#7d8590")
"""The edge of a link group's dot: mid grey, visible on both themes."""

PINNED_TEXT = "Pinned"


def swatch_icon(color: QColor | None, size: int = 12) -> QIcon:
    """A small dot in a link group's colour (a hollow ring for pinned)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if color is None:  # pinned: a hollow ring, so it never reads as an unticked box
        painter.setPen(_SWATCH_RING)
        painter.drawEllipse(QRect(2, 2, size - 4, size - 4))
    else:  # a grey ring reads on dark and light toolbars alike, so the icon needs no theme
        painter.setPen(QPen(_SWATCH_RING, 1))
        painter.setBrush(color)
        painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    painter.end()
    return QIcon(pixmap)


class SymbolEdit(QLineEdit):
    """A symbol box: on Enter it announces the canonical symbol, or marks itself and says why."""

    symbolEntered = Signal(str)
    """A symbol the user typed, canonical ("700" → "00700.HK")."""
    problemChanged = Signal(str)
    """Why the typed text is not a symbol ("" once it is fine again or the user edits it)."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setPlaceholderText("Symbol")
        self.setToolTip("Type a symbol (700, 00700.HK, AAPL) and press Enter")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00700.HK") + 16)
        self._problem = ""
        self.returnPressed.connect(self._on_entered)
        self.textEdited.connect(lambda _text: self.set_problem(""))

    def problem(self) -> str:
        """The message about the last text entered ("" when it was a symbol)."""
        return self._problem

    def set_problem(self, problem: str) -> None:
        """Mark the box invalid with `problem`, or clear the mark ("")."""
        if problem == self._problem:
            return
        if bool(problem) != bool(self._problem):
            self.setProperty("invalid", bool(problem))
            self.style().unpolish(self)
            self.style().polish(self)
        self._problem = problem
        self.problemChanged.emit(problem)

    def _on_entered(self) -> None:
        try:
            symbol = str(Symbol.parse(self.text()))
        except SymbolError as exc:
            self.set_problem(str(exc))  # the window keeps its symbol: nothing is lost
            return
        self.set_problem("")
        self.symbolEntered.emit(symbol)


class LinkGroupButton(QToolButton):
    """The chip that shows a window's link group and offers Pinned or a colour group."""

    groupChosen = Signal(object)
    """The group key the user picked from the menu, or None for pinned."""

    def __init__(self, object_name: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._hint = hint
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The chip's own "▾" says it opens a menu; Qt's indicator would draw a second arrow.
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        menu = QMenu(self)
        self._actions = QActionGroup(self)
        self._actions.setExclusive(True)
        for key, text, color in [(None, "Pinned to symbol", None)] + [
            (group.key, f"Link group {group.label}", group.color) for group in LINK_GROUPS
        ]:
            action = QAction(swatch_icon(color), text, menu)
            action.setCheckable(True)
            action.setData(key)
            action.triggered.connect(lambda _checked=False, k=key: self.groupChosen.emit(k))
            self._actions.addAction(action)
            menu.addAction(action)
        self.setMenu(menu)
        self.show_group(None)

    def show_group(self, key: str | None) -> None:
        """Show group `key` (None: pinned) on the chip, its tooltip and the menu's tick."""
        group = link_group(key)
        key = group.key if group is not None else None
        self.setIcon(swatch_icon(group.color if group else None))
        self.setText(f"{group.label if group else PINNED_TEXT} ▾")
        where = f"Follows link group {group.label}" if group else "Pinned to this symbol"
        self.setToolTip(f"{where}. {self._hint}")
        for action in self._actions.actions():
            action.setChecked(action.data() == key)

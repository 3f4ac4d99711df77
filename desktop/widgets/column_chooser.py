"""The watchlist's column chooser: every column with a tick box, and a search box over names and
descriptions (23 columns do not fit a plain menu you can scan)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.qt.palette import colors, follow_theme

__all__ = ["ColumnChoice", "ColumnChooser"]

_STYLE = """
QFrame#columnChooser {{ background: {c.window}; border: 1px solid {c.edge}; border-radius: 4px; }}
QLineEdit {{ background: {c.background}; border: 1px solid {c.edge}; border-radius: 3px; padding: 3px 6px; }}
QListWidget {{ background: transparent; border: none; }}
QListWidget::item {{ padding: 2px 4px; }}
QLabel#columnChooserHint {{ color: {c.dim}; }}
"""
_KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 1


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """One column as the chooser lists it."""

    key: str
    title: str
    description: str
    shown: bool
    locked: bool = False
    """Always shown (Symbol): listed, not untickable."""


class ColumnChooser(QFrame):
    """A popup list of columns with tick boxes; typing filters by title or description."""

    columnToggled = Signal(str, bool)
    """(column key, shown)."""

    def __init__(self, choices: Sequence[ColumnChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("columnChooser")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search columns…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        for choice in choices:
            item = QListWidgetItem(choice.title, self.list)
            item.setData(_KEY_ROLE, choice.key)
            item.setToolTip(choice.description)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            item.setFlags(flags if choice.locked else flags | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if choice.shown else Qt.CheckState.Unchecked)
        self.list.itemChanged.connect(self._on_item_changed)
        hint = QLabel(f"{len(choices)} columns · hover for what each shows", self)
        hint.setObjectName("columnChooserHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        follow_theme(self, lambda: self.setStyleSheet(_STYLE.format(c=colors())))
        self.resize(260, min(520, 90 + 22 * len(choices)))

    def popup_at(self, global_pos: QPoint) -> None:
        """Show under the pointer with the search box focused."""
        self.move(global_pos)
        self.show()
        self.search.setFocus()

    def visible_titles(self) -> list[str]:
        """Titles the current search leaves listed."""
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if not self.list.item(i).isHidden()
        ]

    def set_checked(self, key: str, shown: bool) -> None:
        """Tick or untick a column as a user would (emits `columnToggled`)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(_KEY_ROLE) == key and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            haystack = f"{item.text()} {item.toolTip()}".casefold()
            item.setHidden(bool(needle) and needle not in haystack)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        self.columnToggled.emit(
            str(item.data(_KEY_ROLE)), item.checkState() == Qt.CheckState.Checked
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter ticks or unticks the column named exactly as typed, else the first one listed."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            needle = self.search.text().strip().casefold()
            listed = [
                self.list.item(i)
                for i in range(self.list.count())
                if not self.list.item(i).isHidden()
                and self.list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled
            ]
            exact = [item for item in listed if item.text().casefold() == needle]
            if exact or listed:
                target = (exact or listed)[0]
                checked = target.checkState() == Qt.CheckState.Checked
                self.set_checked(str(target.data(_KEY_ROLE)), not checked)
            return
        super().keyPressEvent(event)

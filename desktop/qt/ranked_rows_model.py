"""A small ranked table (one row per symbol) that re-ranks live without losing the user's place.

The dashboard's anomaly and movers lists change order about once a second. A new ranking of the
same length is applied as a layout change with persistent indexes remapped by symbol (selection
follows its symbol); another length resets. While held (pointer over the list) a new ranking
waits, so a row never moves under a click.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from desktop.qt.plain_text import plain_tooltip

__all__ = ["RankedColumn", "RankedRowsModel", "SYMBOL_ROLE"]

SYMBOL_ROLE = int(Qt.ItemDataRole.UserRole) + 2
"""The row's symbol (any column)."""

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FG = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class _Ranked(Protocol):
    @property
    def symbol(self) -> str: ...


R = TypeVar("R", bound=_Ranked)


@dataclass(frozen=True, slots=True)
class RankedColumn(Generic[R]):
    """One column: title, header tooltip, numeric (right-aligned), and how a row shows in it."""

    title: str
    tooltip: str
    numeric: bool
    text: Callable[[R], str]
    fg: Callable[[R], QBrush | None] | None = None
    cell_tooltip: Callable[[R], str] | None = None


class RankedRowsModel(QAbstractTableModel, Generic[R]):
    """Rows of `R` (anything with a `symbol`), formatted once per ranking."""

    def __init__(self, columns: Sequence[RankedColumn[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[R] = []
        self._texts: list[list[str]] = []
        self._held = False
        self._waiting: list[R] | None = None

    # -- feeding ------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        """Show a new ranking (waits while held)."""
        if self._held:
            self._waiting = list(rows)
            return
        self._apply(list(rows))

    def set_held(self, held: bool) -> None:
        """Hold the order still (True); releasing applies the newest ranking that waited."""
        self._held = held
        if not held and self._waiting is not None:
            rows, self._waiting = self._waiting, None
            self._apply(rows)

    def _apply(self, rows: list[R]) -> None:
        texts = [[column.text(row) for column in self._columns] for row in rows]
        old = [row.symbol for row in self._rows]
        new = [row.symbol for row in rows]
        if len(old) != len(new) or set(old) != set(new):
            self.beginResetModel()
            self._rows, self._texts = rows, texts
            self.endResetModel()
            return
        if old == new:
            self._rows, self._texts = rows, texts
            if rows:
                last = self.index(len(rows) - 1, len(self._columns) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.layoutAboutToBeChanged.emit()
        where = {symbol: i for i, symbol in enumerate(new)}
        before = self.persistentIndexList()
        after = [
            self.createIndex(where[old[index.row()]], index.column())
            if 0 <= index.row() < len(old)
            else QModelIndex()
            for index in before
        ]
        self._rows, self._texts = rows, texts
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # -- reading ------------------------------------------------------------------------------
    def symbols(self) -> list[str]:
        """Symbols in ranked order."""
        return [row.symbol for row in self._rows]

    def row_at(self, row: int) -> R | None:
        """The record shown in `row`."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def text(self, row: int, column: int) -> str:
        """A cell's text (tests, copy)."""
        return self._texts[row][column]

    # -- QAbstractItemModel -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Ranked symbols (0 under a valid parent)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Columns (0 under a valid parent)."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Preformatted texts; colours and tooltips from the column."""
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(self._columns)):
            return None
        column = self._columns[c]
        if role == _DISPLAY:
            return self._texts[r][c]
        if role == _ALIGN:
            return _RIGHT if column.numeric else _LEFT
        if role == _FG:
            return column.fg(self._rows[r]) if column.fg is not None else None
        if role == _TOOLTIP:
            if column.cell_tooltip is None:
                return None
            tip = column.cell_tooltip(self._rows[r])
            return plain_tooltip(tip) if tip else None
        if role == SYMBOL_ROLE:
            return self._rows[r].symbol
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Titles and what each column means."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.title
        if role == _TOOLTIP:
            return column.tooltip
        if role == _ALIGN:
            return _RIGHT if column.numeric else _LEFT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Selectable, never editable."""
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

"""One watchlist's table: a `QuoteTableModel` that knows its list and speaks Qt drag and drop.

Drops, moves and removals are not applied here: they go to the `WatchlistEditor` (the session),
which commits them to SQLite first and then calls `apply_symbols` — so the table never shows an
edit that was not saved. Hidden lists skip formatting and catch up when shown (`set_live`).

Drops into a sorted table: the symbols go into the list's own order just before the row they were
dropped on, and the table then shows them where the sort puts them. Dragging rows within the same
sorted table does nothing (the sort decides the order): clear the sort to reorder by hand.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Protocol

from PySide6.QtCore import QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.symbol_mime import (
    SYMBOLS_MIME,
    TEXT_MIME,
    SymbolPayload,
    can_read,
    read_symbols,
    symbols_mime,
)

__all__ = ["WatchlistEditor", "WatchlistTableModel"]

_ROOT = QModelIndex()
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemNeverHasChildren
    | Qt.ItemFlag.ItemIsDragEnabled
)
_ROOT_FLAGS = Qt.ItemFlag.ItemIsDropEnabled  # drops land between rows, never "on" one
_MOVE_OR_COPY = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


class WatchlistEditor(Protocol):
    """Applies list edits durably (the session); the model only translates Qt calls into these."""

    def drop(self, list_id: int, payload: SymbolPayload, before: str | None, copy: bool) -> bool:
        """Symbols dropped on `list_id` before the row showing `before` (None: at the end)."""
        ...

    def move_within(self, list_id: int, symbols: Sequence[str], before: str | None) -> bool:
        """Reorder: put `symbols` just before `before` (None: at the end)."""
        ...

    def remove_symbols(self, list_id: int, symbols: Sequence[str]) -> bool:
        """Take symbols off the list."""
        ...


class WatchlistTableModel(QuoteTableModel):
    """The rows of watchlist `list_id`, draggable, droppable, reorderable."""

    def __init__(
        self,
        book: QuoteBook,
        list_id: int,
        editor: WatchlistEditor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(book, parent)
        self.list_id = list_id
        self._editor = editor
        self._live = True
        self._pending: set[str] = set()

    # -- membership (called by the session after COMMIT) --------------------------------------
    def apply_symbols(self, symbols: Sequence[str]) -> None:
        """Show the list as stored: rows inserted and removed in place, moves as a layout change."""
        self.set_symbols(symbols)

    def list_symbols(self) -> list[str]:
        """The list's own order (not the display order when sorted)."""
        return list(self._natural)

    def flash_symbols(self, symbols: Iterable[str]) -> None:
        """Flash rows (just added, or already on the list) in the neutral notice colour."""
        self.flash_rows(symbols, time.monotonic())

    def remove_symbols(self, symbols: Sequence[str]) -> bool:
        """Take these symbols off the list (the Delete key); saved first, undoable."""
        return self._editor.remove_symbols(self.list_id, symbols)

    def paste(self, data: QMimeData | None) -> bool:
        """Add the symbols in pasted data (or text) at the end of the list."""
        payload = read_symbols(data)
        if payload is None:
            return False
        return self._editor.drop(
            self.list_id, SymbolPayload(payload.symbols, None, payload.errors), None, True
        )

    # -- hidden tabs --------------------------------------------------------------------------
    def set_live(self, live: bool) -> None:
        """A hidden list stops formatting ticks; shown again, it catches up in one refresh."""
        if live == self._live:
            return
        self._live = live
        if live and self._pending:
            pending, self._pending = self._pending, set()
            # Catch-up: `now` far in the past so moves made while hidden do not all flash at once.
            super().refresh(pending, time.monotonic() - 3600.0)
            self.resort_if_due(time.monotonic())

    def is_live(self) -> bool:
        """Whether this list is formatted on every flush (it is shown)."""
        return self._live

    def refresh(self, symbols: Iterable[str], now: float) -> int:
        """Format dirty rows when shown; when hidden, only remember which symbols changed."""
        if self._live:
            return super().refresh(symbols, now)
        self._pending.update(symbols)
        return 0

    def resort_if_due(self, now: float) -> bool:
        """Re-sort only a shown list; a hidden one re-sorts when it is shown."""
        return self._live and super().resort_if_due(now)

    # -- drag and drop ------------------------------------------------------------------------
    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows drag; the table (between rows) accepts drops."""
        return _ROW_FLAGS if index.isValid() else _ROOT_FLAGS

    def supportedDropActions(self) -> Qt.DropAction:
        """Move (reorder, or move from another list) and copy (Ctrl)."""
        return _MOVE_OR_COPY

    def supportedDragActions(self) -> Qt.DropAction:
        """Rows can be moved or copied."""
        return _MOVE_OR_COPY

    def mimeTypes(self) -> list[str]:
        """Our symbol type and plain text."""
        return [SYMBOLS_MIME, TEXT_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The symbols of the dragged rows, top to bottom, each once."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        symbols = [s for s in (self.symbol_at(r) for r in rows) if s is not None]
        return symbols_mime(symbols, self.list_id)

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Symbols or text, except rows of this same list while it is sorted (nothing to reorder)."""
        if not can_read(data) or action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        return not (action == Qt.DropAction.MoveAction and self.is_reorder_refused(data))

    def is_reorder_refused(self, data: QMimeData | None) -> bool:
        """True for rows of this list dragged within it while a column sort decides the order."""
        if self.sort_column() < 0 or data is None or not data.hasFormat(SYMBOLS_MIME):
            return False
        payload = read_symbols(data)
        return payload is not None and payload.source_list == self.list_id

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Hand the drop to the editor with the symbol it lands before (None: the end)."""
        if action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        payload = read_symbols(data)
        if payload is None:
            return False
        if parent.isValid():
            row = parent.row()
        before = self.symbol_at(row) if row >= 0 else None
        return self._editor.drop(
            self.list_id, payload, before, copy=action == Qt.DropAction.CopyAction
        )

    def moveRows(
        self,
        sourceParent: QModelIndex | QPersistentModelIndex,
        sourceRow: int,
        count: int,
        destinationParent: QModelIndex | QPersistentModelIndex,
        destinationChild: int,
    ) -> bool:
        """Reorder rows (unsorted only: in a sorted table the sort decides where rows are)."""
        if sourceParent.isValid() or destinationParent.isValid() or self.sort_column() >= 0:
            return False
        if count <= 0 or sourceRow < 0 or sourceRow + count > self.rowCount():
            return False
        if not 0 <= destinationChild <= self.rowCount():
            return False
        symbols = [s for s in (self.symbol_at(r) for r in range(sourceRow, sourceRow + count)) if s]
        return self._editor.move_within(self.list_id, symbols, self.symbol_at(destinationChild))

    def removeRows(
        self, row: int, count: int, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> bool:
        """Take rows off the list (saved first; undoable)."""
        if parent.isValid() or count <= 0 or row < 0 or row + count > self.rowCount():
            return False
        symbols = [s for s in (self.symbol_at(r) for r in range(row, row + count)) if s]
        return self._editor.remove_symbols(self.list_id, symbols)

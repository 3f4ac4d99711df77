"""Qt table model over a `QuoteBook`: preformatted cells, per-cell dataChanged, flash, sorting.

The model owns the rows and everything Qt sees (row membership, `dataChanged` ranges, layout
changes); `QuoteRowFormatter` decides what each row shows and `QuoteRowOrder` where it goes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sparklines import SparklineStore
from desktop.domain.truth_terms import Truth, TruthVerdict
from desktop.qt.offscreen_rows import REKEY_SLICE_S, OffscreenRows
from desktop.qt.quote_columns import QUOTE_COLUMNS, ColumnId, QuoteColumn
from desktop.qt.quote_row import QuoteRow
from desktop.qt.quote_row_formatter import QuoteRowFormatter
from desktop.qt.quote_row_order import QuoteRowOrder, adjacent_runs, insert_runs, removal_runs

__all__ = ["CELL_ROLE", "SPARK_ROLE", "SYMBOL_ROLE", "QuoteTableModel"]

_log = logging.getLogger(__name__)

CELL_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""Returns the cell's `QuoteCell`: everything the delegate paints, in one `data()` call."""
SYMBOL_ROLE = int(Qt.ItemDataRole.UserRole) + 2
"""Returns the row's canonical symbol (any column)."""
SPARK_ROLE = int(Qt.ItemDataRole.UserRole) + 3
"""Returns the row's `SparkCell` (any column; None until `set_sparklines`)."""

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FG = int(Qt.ItemDataRole.ForegroundRole)
_BG = int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_INITIAL_SORT = int(Qt.ItemDataRole.InitialSortOrderRole)
_FLASH_ROLES = [_BG, CELL_ROLE]
_LAST = int(ColumnId.LAST)
_SYMBOL = int(ColumnId.SYMBOL)
_TREND = int(ColumnId.TREND)
_ROOT = QModelIndex()
# Precomputed: the view asks for flags once per painted cell, and OR-ing enums costs microseconds.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


class QuoteTableModel(QAbstractTableModel):
    """One row per watched symbol, one column per `QUOTE_COLUMNS` entry, fed by the paced flush.

    Strings are formatted in `refresh` (only for dirty symbols) and cached; `data()` only looks up.
    """

    def __init__(self, book: QuoteBook, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._columns: tuple[QuoteColumn, ...] = QUOTE_COLUMNS
        self._ncols = len(self._columns)
        self._order = QuoteRowOrder()
        self._formatter = QuoteRowFormatter(book, self._order)
        self._aligns = self._formatter.aligns
        self._rows: list[QuoteRow] = []
        self._row_of: dict[str, int] = {}
        self._natural: list[str] = []
        self._visible: tuple[int, int] | None = None
        """Rows a view shows (first, last); None: format every row on every refresh."""
        self._offscreen = OffscreenRows(self._formatter)

    # -- membership ---------------------------------------------------------------------------
    def set_symbols(self, symbols: Iterable[str]) -> None:
        """Show exactly these symbols (in this order when unsorted); tracks them in the book."""
        wanted = list(dict.fromkeys(symbols))
        self._natural = wanted
        order = self._order
        new_row = self._formatter.new_row
        if not self._rows:
            if wanted:
                self.beginResetModel()
                self._rows = [new_row(symbol) for symbol in wanted]
                self._reindex()
                self.endResetModel()
        else:
            self._remove_missing(set(wanted))
            present = set(self._row_of)
            added = [symbol for symbol in wanted if symbol not in present]
            if order.column < 0:
                self._reorder()  # existing rows into list order first, then insert in place
                self._insert_in_place(wanted, set(added))
                return
            if added:
                first = len(self._rows)
                self.beginInsertRows(_ROOT, first, first + len(added) - 1)
                self._rows.extend(new_row(symbol) for symbol in added)
                self._reindex()
                self.endInsertRows()
        if order.held and order.column >= 0:
            order.stale = True
        else:
            self._reorder()

    def _insert_in_place(self, wanted: list[str], added: set[str]) -> None:
        """Insert each run of new symbols at its list position (rows before it are already right)."""
        new_row = self._formatter.new_row
        for start, end in insert_runs(wanted, added):
            self.beginInsertRows(_ROOT, start, end - 1)
            self._rows[start:start] = [new_row(symbol) for symbol in wanted[start:end]]
            self._reindex()
            self.endInsertRows()

    def _remove_missing(self, keep: set[str]) -> None:
        doomed = [i for i, row in enumerate(self._rows) if row.symbol not in keep]
        for first, last in removal_runs(doomed):
            self.beginRemoveRows(_ROOT, first, last)
            gone = self._rows[first : last + 1]
            del self._rows[first : last + 1]
            self._reindex()
            self.endRemoveRows()
            self._formatter.forget(gone)

    def _reindex(self) -> None:
        self._row_of = {row.symbol: i for i, row in enumerate(self._rows)}

    def symbols(self) -> list[str]:
        """Symbols in display order."""
        return [row.symbol for row in self._rows]

    def symbol_at(self, row: int) -> str | None:
        """The symbol shown in `row`, or None outside the table."""
        return self._rows[row].symbol if 0 <= row < len(self._rows) else None

    def row_of(self, symbol: str) -> int | None:
        """The row that shows `symbol`, or None when it is not in the table."""
        return self._row_of.get(symbol)

    # -- updates ------------------------------------------------------------------------------
    def flush(self, dirty: Iterable[str], now: float) -> int:
        """One frame of the flush: `refresh`, `tick_flash`, then `resort_if_due`."""
        changed = self.refresh(dirty, now)
        self.tick_flash(now)
        self.resort_if_due(now)
        return changed

    def refresh(self, symbols: Iterable[str], now: float) -> int:
        """Reformat the rows of these (dirty) symbols; emit and return the number of changed cells.

        With a view, only its visible rows are formatted; the others are noted (two set unions,
        however many changed) and formatted when they come into view.
        """
        if self._visible is None:
            row_of = self._row_of
            return sum(self._refresh_row(r, now) for r in map(row_of.get, symbols) if r is not None)
        dirty = symbols if isinstance(symbols, set | frozenset) else set(symbols)
        mine = self._row_of.keys() & dirty
        if not mine:
            return 0
        self._offscreen.note(mine)
        rows, caught_up = self._rows, self._offscreen.caught_up
        first, last = self._visible
        total = 0
        for r in range(max(0, first), min(last + 1, len(rows))):
            symbol = rows[r].symbol
            if symbol in mine and caught_up(symbol):
                total += self._refresh_row(r, now)
        return total

    def _refresh_row(self, r: int, now: float) -> int:
        """Reformat one row from the book and announce its changed cells; returns how many."""
        row = self._rows[r]
        state = self._book.get(row.symbol)
        if state is None:
            return 0
        changed = self._formatter.update_cells(row, state, now)
        ncols = self._ncols
        if not changed:
            return 0
        if len(changed) * 2 > ncols:
            self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, ncols - 1))
            return len(changed)
        for start, end in adjacent_runs(changed):  # Last, Chg, Chg % move together
            self.dataChanged.emit(self.createIndex(r, start), self.createIndex(r, end))
        return len(changed)

    def set_visible_rows(self, first: int, last: int) -> None:
        """The rows the view shows (inclusive): only these are formatted and announced per flush.

        Rows outside are noted and formatted (without a flash) when they come into view.
        The one view that shows this model calls it on scroll, resize and layout changes.
        """
        self._visible = (first, last)
        self._freshen(range(max(0, first), min(last + 1, len(self._rows))), emit=True)

    def _freshen(self, rows: Iterable[int], *, emit: bool) -> None:
        """Format the rows that changed off screen in full (no flash); announce them when `emit`."""
        if not self._offscreen.any_unformatted():
            return
        caught_up, ncols = self._offscreen.caught_up, self._ncols
        for r in rows:
            row = self._rows[r]
            state = self._book.get(row.symbol) if caught_up(row.symbol) else None
            if state is not None:
                self._formatter.fill(row, state)
                if emit:
                    self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, ncols - 1))

    def _emit_cell(self, r: int, c: int) -> None:
        index = self.createIndex(r, c)
        self.dataChanged.emit(index, index)

    # -- sparklines and alert badges ---------------------------------------------------------
    def set_sparklines(self, store: SparklineStore | None) -> None:
        """Draw the Trend column from `store`; its cells change whenever a symbol's line does."""
        self._formatter.set_sparklines(store, self._rows)
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.createIndex(0, _TREND), self.createIndex(last, _TREND))

    def set_badge(self, symbol: str, badge: int, note: str = "") -> None:
        """Show an alert badge (`BADGE_ARMED`/`BADGE_FIRED`, 0 for none) on the Symbol cell."""
        r = self._row_of.get(symbol)
        if r is not None and self._formatter.set_badge(self._rows[r], badge, note):
            self._emit_cell(r, _SYMBOL)

    def badge(self, symbol: str) -> int:
        """The alert badge shown for `symbol` (0 when none or not shown)."""
        r = self._row_of.get(symbol)
        return 0 if r is None else self._rows[r].badge

    # -- flash, notes and freshness -----------------------------------------------------------
    def tick_flash(self, now: float) -> int:
        """Advance flash fades; emit dataChanged only for cells whose flash step changed."""
        count = 0
        row_of = self._row_of
        for row, c in self._formatter.advance_flashes(now):
            r = row_of.get(row.symbol)
            if r is not None:
                index = self.createIndex(r, c)
                self.dataChanged.emit(index, index, _FLASH_ROLES)
                count += 1
        return count

    def flash_rows(self, symbols: Iterable[str], now: float) -> None:
        """Flash whole rows in the neutral notice colour (just added, or already on the list)."""
        last = self._ncols - 1
        for symbol in symbols:
            r = self._row_of.get(symbol)
            if r is None:
                continue
            self._formatter.flash_row(self._rows[r], now)
            self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, last), _FLASH_ROLES)

    def set_row_note(self, symbol: str, text: str | None) -> None:
        """Show `text` dimmed in the row's Last cell (e.g. "not streaming — plan limit"); None clears."""
        r = self._row_of.get(symbol)
        if r is not None and self._formatter.set_note(self._rows[r], text):
            self._emit_cell(r, _LAST)

    def set_row_truth(self, symbol: str, verdict: TruthVerdict) -> None:
        """A row's truth state: a chip in its Time cell ("Stale · 42 s"), dimming, a tooltip."""
        r = self._row_of.get(symbol)
        if r is not None and self._formatter.set_truth(self._rows[r], verdict):
            self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, self._ncols - 1))

    def row_freshness(self, symbol: str) -> tuple[str | None, bool]:
        """(Time-cell text, dimmed) of a row, for tests and the CSV export."""
        r = self._row_of.get(symbol)
        return (None, False) if r is None else (self._rows[r].time_note, self._rows[r].dim)

    def row_truth(self, symbol: str) -> Truth | None:
        """The truth state a row shows (None: not on this list)."""
        r = self._row_of.get(symbol)
        return None if r is None else self._rows[r].truth

    def row_note(self, symbol: str) -> str | None:
        """The note shown for `symbol`, if any."""
        r = self._row_of.get(symbol)
        return None if r is None else self._rows[r].note

    # -- sorting ------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by a column (stable; empty values last either way); -1 restores list order."""
        try:
            self._freshen(range(len(self._rows)), emit=False)
            previous = self._order.sort_by(column if 0 <= column < self._ncols else -1, order)
            self._reorder()
            for section in {previous, self._order.column} - {-1}:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, section, section)
        except Exception:  # called from C++: an escaping exception would take the process down
            _log.exception("sorting the watchlist by column %s failed", column)

    def sort_column(self) -> int:
        """The column rows are sorted by, or -1 for the watchlist's own order."""
        return self._order.column

    def sort_order(self) -> Qt.SortOrder:
        """The current sort direction."""
        return self._order.order

    def hold_order(self, held: bool) -> None:
        """Freeze (True) or release (False) automatic re-sorting; a pending re-sort waits."""
        self._order.held = held

    def is_order_held(self) -> bool:
        """Whether automatic re-sorting is frozen."""
        return self._order.held

    def is_order_stale(self) -> bool:
        """Whether values in the sort column moved since rows were last ordered."""
        self._rekey()
        return self._order.stale

    def set_resort_interval(self, seconds: float) -> None:
        """Minimum time between automatic re-sorts (default 0.5 s)."""
        self._order.set_interval(seconds)

    def resort_if_due(self, now: float) -> bool:
        """Re-sort if the order is stale, not held, and the interval has passed; True if rows moved."""
        order = self._order
        if not order.interval_passed(now):
            return False
        offscreen = self._offscreen
        if not offscreen.rekey_some(self._rows, self._row_of, True, REKEY_SLICE_S):
            return False  # the key pass goes on next frame
        if not order.resort_due(now):
            order.restart_interval(now)  # nothing moved: the next key pass waits an interval
            return False
        return self._reorder(rekey=False)

    def _rekey(self) -> None:
        self._offscreen.rekey(self._rows, self._row_of, self._order.column >= 0)

    def _reorder(self, *, rekey: bool = True) -> bool:
        """Apply the current order with a layout change, remapping persistent indexes (sort keys
        brought up to date first unless `rekey` is False: a sliced key pass just did)."""
        if rekey:
            self._rekey()
        rows = self._order.ordered(self._rows, self._natural)
        if all(new is old for new, old in zip(rows, self._rows, strict=True)):
            return False
        self.layoutAboutToBeChanged.emit()  # PySide6 exposes it with no arguments
        new_row_of = {row.symbol: i for i, row in enumerate(rows)}
        old_indexes = self.persistentIndexList()
        new_indexes = []
        for index in old_indexes:
            r = index.row()
            if 0 <= r < len(self._rows):
                new_r = new_row_of[self._rows[r].symbol]
                new_indexes.append(self.createIndex(new_r, index.column()))
            else:
                new_indexes.append(QModelIndex())
        self._rows = rows
        self._row_of = new_row_of
        self.changePersistentIndexList(old_indexes, new_indexes)
        if self._visible is not None:
            first, last = self._visible
            self._freshen(range(max(0, first), min(last + 1, len(rows))), emit=False)
        self.layoutChanged.emit()
        return True

    # -- export -------------------------------------------------------------------------------
    def column_titles(self) -> list[str]:
        """Column titles in model order (the CSV header)."""
        return [column.title for column in self._columns]

    def rows_as_displayed(self) -> list[list[str]]:
        """Cell texts in display order, without the ▲▼ glyphs (a row's note replaces its Last)."""
        self._freshen(range(len(self._rows)), emit=False)
        return [list(row.texts) for row in self._rows]

    # -- QAbstractItemModel -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Number of symbols (0 under any valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Number of columns (0 under any valid parent)."""
        return 0 if parent.isValid() else self._ncols

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Cached values only: never formats."""
        r, c = index.row(), index.column()
        if r < 0 or c < 0 or r >= len(self._rows) or c >= self._ncols:
            return None
        row = self._rows[r]
        if role == CELL_ROLE:
            return row.cells[c]
        if role == _DISPLAY:
            return row.cells[c].display
        if role == _ALIGN:
            return self._aligns[c]
        if role == _FG:
            return row.cells[c].fg
        if role == _BG:
            return row.cells[c].bg
        if role == _TOOLTIP:
            return self._formatter.tooltip(row, c)
        if role == SYMBOL_ROLE:
            return row.symbol
        if role == SPARK_ROLE:
            return row.spark
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Titles, tooltips, alignment and the first-click sort order of each column."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self._ncols:
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return self._order.header_title(section, column)
        if role == _TOOLTIP:
            return column.tooltip
        if role == _ALIGN:
            return self._aligns[section]
        if role == _INITIAL_SORT:
            return int(column.initial_order.value)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Selectable, enabled, never editable."""
        return _CELL_FLAGS if index.isValid() else _NO_FLAGS

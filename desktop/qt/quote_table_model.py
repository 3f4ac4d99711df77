"""Qt table model over a `QuoteBook`: preformatted cells, per-cell dataChanged, flash, sorting."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from desktop.domain.formatting import market_of
from desktop.domain.quote_book import QuoteBook, QuoteState
from desktop.domain.sparklines import SparklineStore
from desktop.domain.symbols import Market
from desktop.qt.plain_text import plain_tooltip
from desktop.qt.quote_columns import (
    BELL,
    DIM_BRUSH,
    DOWN_BRUSH,
    DOWN_GLYPH,
    FLASH_DOWN_BRUSHES,
    FLASH_NOTICE_BRUSHES,
    FLASH_UP_BRUSHES,
    QUOTE_COLUMNS,
    UP_BRUSH,
    UP_GLYPH,
    ColumnId,
    QuoteCell,
    QuoteColumn,
    SortKey,
    SparkCell,
    flash_step,
)

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
_NAME = int(ColumnId.NAME)
_VOLUME = int(ColumnId.VOLUME)
_TIME = int(ColumnId.TIME)
_DESCENDING = Qt.SortOrder.DescendingOrder
_ROOT = QModelIndex()
# Precomputed: the view asks for flags once per painted cell, and OR-ing enums costs microseconds.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


class _Row:
    """Per-symbol cache: display strings, sort keys, cell records and flash state per column."""

    __slots__ = (
        "badge",
        "badge_note",
        "cells",
        "dim",
        "flash_at",
        "flash_dir",
        "flash_step",
        "keys",
        "market",
        "note",
        "spark",
        "stale",
        "symbol",
        "texts",
        "tick_dir",
        "time_note",
        "tooltips",
    )

    def __init__(self, symbol: str, ncols: int) -> None:
        self.symbol = symbol
        self.market: Market = market_of(symbol)
        self.texts: list[str] = [""] * ncols
        self.keys: list[SortKey] = [None] * ncols
        self.cells: list[QuoteCell] = []
        self.flash_at: list[float] = [0.0] * ncols
        self.flash_dir: list[int] = [0] * ncols
        self.flash_step: list[int] = [-1] * ncols
        self.tick_dir = 0
        self.note: str | None = None
        self.time_note: str | None = None
        self.dim = False
        self.tooltips: dict[int, str] = {}
        self.spark: SparkCell | None = None
        self.badge = 0
        self.badge_note = ""
        self.stale = False
        """Changed while outside the view's visible rows: cells are formatted when it shows."""


class QuoteTableModel(QAbstractTableModel):
    """One row per watched symbol, one column per `QUOTE_COLUMNS` entry, fed by the flush timer.

    Strings are formatted in `refresh` (only for dirty symbols) and cached; `data()` only looks up.
    """

    def __init__(self, book: QuoteBook, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._columns: tuple[QuoteColumn, ...] = QUOTE_COLUMNS
        self._ncols = len(self._columns)
        self._aligns = [column.alignment for column in self._columns]
        # (column, sort key, formatter, numeric, flashes): attribute lookups hoisted out of the loop.
        self._plan = [
            (c, col.sort_key, col.format, col.numeric, col.flash)
            for c, col in enumerate(self._columns)
        ]
        self._tooltips = [
            (c, col.cell_tooltip)
            for c, col in enumerate(self._columns)
            if col.cell_tooltip is not None
        ]
        self._rows: list[_Row] = []
        self._row_of: dict[str, int] = {}
        self._natural: list[str] = []
        self._flashing: set[tuple[_Row, int]] = set()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order_stale = False
        self._held = False
        self._resort_interval_s = 0.5
        self._last_sort_at = -math.inf
        self._sparklines: SparklineStore | None = None
        self._visible: tuple[int, int] | None = None
        """Rows a view shows (first, last); None: format every row on every refresh."""

    # -- membership ---------------------------------------------------------------------------
    def set_symbols(self, symbols: Iterable[str]) -> None:
        """Show exactly these symbols (in this order when unsorted); tracks them in the book."""
        wanted = list(dict.fromkeys(symbols))
        self._natural = wanted
        if not self._rows:
            if wanted:
                self.beginResetModel()
                self._rows = [self._new_row(symbol) for symbol in wanted]
                self._reindex()
                self.endResetModel()
        else:
            self._remove_missing(set(wanted))
            present = set(self._row_of)
            added = [symbol for symbol in wanted if symbol not in present]
            if self._sort_column < 0:
                self._reorder()  # existing rows into list order first, then insert in place
                self._insert_in_place(wanted, set(added))
                return
            if added:
                first = len(self._rows)
                self.beginInsertRows(_ROOT, first, first + len(added) - 1)
                self._rows.extend(self._new_row(symbol) for symbol in added)
                self._reindex()
                self.endInsertRows()
        if self._held and self._sort_column >= 0:
            self._order_stale = True
        else:
            self._reorder()

    def _insert_in_place(self, wanted: list[str], added: set[str]) -> None:
        """Insert each run of new symbols at its list position (rows before it are already right)."""
        i = 0
        while i < len(wanted):
            if wanted[i] not in added:
                i += 1
                continue
            end = i
            while end < len(wanted) and wanted[end] in added:
                end += 1
            self.beginInsertRows(_ROOT, i, end - 1)
            self._rows[i:i] = [self._new_row(symbol) for symbol in wanted[i:end]]
            self._reindex()
            self.endInsertRows()
            i = end

    def _remove_missing(self, keep: set[str]) -> None:
        doomed = [i for i, row in enumerate(self._rows) if row.symbol not in keep]
        while doomed:
            last = doomed.pop()
            first = last
            while doomed and doomed[-1] == first - 1:
                first = doomed.pop()
            self.beginRemoveRows(_ROOT, first, last)
            gone = self._rows[first : last + 1]
            del self._rows[first : last + 1]
            self._reindex()
            self.endRemoveRows()
            self._flashing = {(row, c) for row, c in self._flashing if row not in gone}

    def _new_row(self, symbol: str) -> _Row:
        row = _Row(symbol, self._ncols)
        self._update_row(row, self._book.track(symbol), None)
        row.cells = [self._make_cell(row, c) for c in range(self._ncols)]
        return row

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
        """One frame of the flush timer: `refresh`, `tick_flash`, then `resort_if_due`."""
        changed = self.refresh(dirty, now)
        self.tick_flash(now)
        self.resort_if_due(now)
        return changed

    def refresh(self, symbols: Iterable[str], now: float) -> int:
        """Reformat the rows of these (dirty) symbols; emit and return the number of changed cells."""
        total = 0
        book = self._book
        ncols = self._ncols
        first, last = self._visible or (0, len(self._rows))
        for symbol in symbols:
            r = self._row_of.get(symbol)
            state = book.get(symbol)
            if r is None or state is None:
                continue
            row = self._rows[r]
            if not first <= r <= last:
                self._mark_stale(row, state)
                continue
            changed = self._update_row(row, state, now)
            if not changed:
                continue
            total += len(changed)
            for c in changed:
                row.cells[c] = self._make_cell(row, c)
            if len(changed) * 2 > ncols:
                self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, ncols - 1))
                continue
            # One emit per run of adjacent changed cells (Last, Chg, Chg % move together): the
            # view repaints exactly the same cells as with one emit each, for fewer calls.
            changed.sort()
            start = end = changed[0]
            for c in changed[1:]:
                if c != end + 1:
                    self.dataChanged.emit(self.createIndex(r, start), self.createIndex(r, end))
                    start = c
                end = c
            self.dataChanged.emit(self.createIndex(r, start), self.createIndex(r, end))
        return total

    def _mark_stale(self, row: _Row, state: QuoteState) -> None:
        """An off-screen row changed: keep only its sort key current (for re-sorting)."""
        row.stale = True
        c = self._sort_column
        if c >= 0:
            key = self._plan[c][1](state)
            if key != row.keys[c]:
                row.keys[c] = key
                self._order_stale = True

    def set_visible_rows(self, first: int, last: int) -> None:
        """The rows the view shows (inclusive): only these are formatted and announced per flush.

        Rows outside are marked stale and formatted (without a flash) when they come into view.
        The one view that shows this model calls it on scroll, resize and layout changes.
        """
        self._visible = (first, last)
        self._freshen(range(max(0, first), min(last + 1, len(self._rows))), emit=True)

    def _freshen(self, rows: Iterable[int], *, emit: bool) -> None:
        """Format stale rows in full (no flash); announce them when `emit`."""
        book, ncols = self._book, self._ncols
        for r in rows:
            row = self._rows[r]
            state = book.get(row.symbol) if row.stale else None
            if state is None:
                continue
            row.stale = False
            self._update_row(row, state, None)
            row.cells = [self._make_cell(row, c) for c in range(ncols)]
            if emit:
                self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, ncols - 1))

    def _update_row(self, row: _Row, state: QuoteState, now: float | None) -> list[int]:
        """Reformat what moved in `row` from `state`; start flashes; return the changed columns.

        A numeric cell's text is a function of its sort key, so it is formatted only when the key
        moved (or on the first fill); text cells are cheap and always re-read.
        """
        changed: list[int] = []
        texts, keys, market, note = row.texts, row.keys, row.market, row.note
        first = now is None
        for c, sort_key, format_cell, numeric, flash in self._plan:
            key = sort_key(state)
            old_key = keys[c]
            if key == old_key:
                if numeric and not first:
                    continue
            else:
                keys[c] = key
                if c == self._sort_column:
                    self._order_stale = True
            if c == _LAST and note is not None:
                text = note
            elif c == _TIME and row.time_note is not None:
                text = row.time_note
            else:
                text = format_cell(state, market)
            if text == texts[c]:
                continue
            texts[c] = text
            changed.append(c)
            if (
                flash
                and now is not None
                and note is None
                and isinstance(key, float)
                and isinstance(old_key, float)
            ):
                row.flash_at[c] = now
                row.flash_dir[c] = 1 if key > old_key else -1
                row.flash_step[c] = 0
                self._flashing.add((row, c))
        if state.tick_dir != row.tick_dir:
            row.tick_dir = state.tick_dir
            if _LAST not in changed:
                changed.append(_LAST)
        if self._sparklines is not None and self._update_spark(row, state):
            changed.append(_TREND)
        if changed or first:
            name_changed = first or _NAME in changed
            for c, tooltip in self._tooltips:
                if name_changed or c in changed:  # Symbol's and Name's tooltips show the name
                    row.tooltips[c] = tooltip(state, market)
        return changed

    # -- sparklines and alert badges (issue 6) ------------------------------------------------
    def set_sparklines(self, store: SparklineStore | None) -> None:
        """Draw the Trend column from `store`; its cells change whenever a symbol's line does."""
        self._sparklines = store
        for row in self._rows:
            state = self._book.get(row.symbol)
            if state is None or store is None:
                row.spark = None
            else:
                self._update_spark(row, state)
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.createIndex(0, _TREND), self.createIndex(last, _TREND))

    def _update_spark(self, row: _Row, state: QuoteState) -> bool:
        """Refresh the row's `SparkCell` if its line or baseline moved; True when it did."""
        store = self._sparklines
        assert store is not None
        version = store.version(row.symbol)
        prev_close = None if state.prev_close is None else float(state.prev_close)
        spark = row.spark
        if spark is not None and spark.version == version and spark.prev_close == prev_close:
            return False
        row.spark = SparkCell(row.symbol, version, prev_close, store)
        return True

    def set_badge(self, symbol: str, badge: int, note: str = "") -> None:
        """Show an alert badge (`BADGE_ARMED`/`BADGE_FIRED`, 0 for none) on the Symbol cell."""
        r = self._row_of.get(symbol)
        if r is None:
            return
        row = self._rows[r]
        if row.badge == badge and row.badge_note == note:
            return
        row.badge, row.badge_note = badge, note
        row.cells[_SYMBOL] = self._make_cell(row, _SYMBOL)
        index = self.createIndex(r, _SYMBOL)
        self.dataChanged.emit(index, index)

    def badge(self, symbol: str) -> int:
        """The alert badge shown for `symbol` (0 when none or not shown)."""
        r = self._row_of.get(symbol)
        return 0 if r is None else self._rows[r].badge

    def _make_cell(self, row: _Row, c: int) -> QuoteCell:
        text = row.texts[c]
        column = self._columns[c]
        fg: QBrush | None = None
        glyph, glyph_fg = "", None
        numeric = column.numeric
        if c == _LAST:
            if row.note is not None:
                fg, numeric = DIM_BRUSH, False
            elif row.tick_dir > 0:
                glyph, glyph_fg = UP_GLYPH, UP_BRUSH
            elif row.tick_dir < 0:
                glyph, glyph_fg = DOWN_GLYPH, DOWN_BRUSH
        elif column.signed:
            key = row.keys[c]
            if isinstance(key, float) and key != 0.0:
                fg = UP_BRUSH if key > 0 else DOWN_BRUSH
        if row.dim or (c == _TIME and row.time_note is not None):
            fg, glyph_fg = DIM_BRUSH, None
        step = row.flash_step[c]
        direction = row.flash_dir[c]
        bg = (
            None
            if step < 0
            else (
                FLASH_UP_BRUSHES
                if direction > 0
                else FLASH_DOWN_BRUSHES
                if direction < 0
                else FLASH_NOTICE_BRUSHES
            )[step]
        )
        if bg is not None:
            glyph_fg = None  # on a flash the glyph would vanish in its own colour: use the text's
        display = f"{text} {glyph}" if glyph and text else text
        badge = row.badge if c == _SYMBOL else 0
        if badge:
            display = f"{text} {BELL}"
        return QuoteCell(
            text, display, self._aligns[c], column.numeric, numeric, fg, bg, glyph, glyph_fg, badge
        )

    def tick_flash(self, now: float) -> int:
        """Advance flash fades; emit dataChanged only for cells whose flash step changed."""
        if not self._flashing:
            return 0
        count = 0
        finished: list[tuple[_Row, int]] = []
        for row, c in self._flashing:
            step = flash_step(now - row.flash_at[c])
            if step == row.flash_step[c]:
                continue
            row.flash_step[c] = step
            row.cells[c] = self._make_cell(row, c)
            if step < 0:
                finished.append((row, c))
            r = self._row_of.get(row.symbol)
            if r is not None:
                index = self.createIndex(r, c)
                self.dataChanged.emit(index, index, _FLASH_ROLES)
                count += 1
        self._flashing.difference_update(finished)
        return count

    def flash_rows(self, symbols: Iterable[str], now: float) -> None:
        """Flash whole rows in the neutral notice colour (just added, or already on the list)."""
        last = self._ncols - 1
        for symbol in symbols:
            r = self._row_of.get(symbol)
            if r is None:
                continue
            row = self._rows[r]
            for c in range(self._ncols):
                row.flash_at[c], row.flash_dir[c], row.flash_step[c] = now, 0, 0
                row.cells[c] = self._make_cell(row, c)
                self._flashing.add((row, c))
            self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, last), _FLASH_ROLES)

    def set_row_note(self, symbol: str, text: str | None) -> None:
        """Show `text` dimmed in the row's Last cell (e.g. "not streaming — plan limit"); None clears."""
        r = self._row_of.get(symbol)
        if r is None:
            return
        row = self._rows[r]
        if row.note == text:
            return
        row.note = text
        row.flash_step[_LAST] = -1
        self._flashing.discard((row, _LAST))
        state = self._book.get(symbol)
        if text is not None:
            row.texts[_LAST] = text
            row.tooltips[_LAST] = text
        else:
            row.tooltips.pop(_LAST, None)
            column = self._columns[_LAST]
            row.texts[_LAST] = column.format(state, row.market) if state is not None else ""
        row.cells[_LAST] = self._make_cell(row, _LAST)
        index = self.createIndex(r, _LAST)
        self.dataChanged.emit(index, index)

    def set_row_freshness(self, symbol: str, text: str | None, dim: bool) -> None:
        """Freshness of a row: `text` replaces its Time ("2 m 14 s ago", "Closed"); `dim` greys it."""
        r = self._row_of.get(symbol)
        if r is None:
            return
        row = self._rows[r]
        if row.time_note == text and row.dim == dim:
            return
        row.time_note, row.dim = text, dim
        state = self._book.get(symbol)
        if text is not None:
            row.texts[_TIME] = text
        elif state is not None:
            row.texts[_TIME] = self._columns[_TIME].format(state, row.market)
        row.cells = [self._make_cell(row, c) for c in range(self._ncols)]
        self.dataChanged.emit(self.createIndex(r, 0), self.createIndex(r, self._ncols - 1))

    def row_freshness(self, symbol: str) -> tuple[str | None, bool]:
        """(Time-cell text, dimmed) of a row, for tests and the CSV export."""
        r = self._row_of.get(symbol)
        return (None, False) if r is None else (self._rows[r].time_note, self._rows[r].dim)

    def row_note(self, symbol: str) -> str | None:
        """The note shown for `symbol`, if any."""
        r = self._row_of.get(symbol)
        return None if r is None else self._rows[r].note

    # -- sorting ------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by a column (stable; empty values last either way); -1 restores list order."""
        try:
            self._freshen(range(len(self._rows)), emit=False)
            previous = self._sort_column
            self._sort_column = column if 0 <= column < self._ncols else -1
            self._sort_order = order
            self._order_stale = False
            self._reorder()
            for section in {previous, self._sort_column} - {-1}:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, section, section)
        except Exception:  # called from C++: an escaping exception would take the process down
            _log.exception("sorting the watchlist by column %s failed", column)

    def sort_column(self) -> int:
        """The column rows are sorted by, or -1 for the watchlist's own order."""
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        """The current sort direction."""
        return self._sort_order

    def hold_order(self, held: bool) -> None:
        """Freeze (True) or release (False) automatic re-sorting; a pending re-sort waits."""
        self._held = held

    def is_order_held(self) -> bool:
        """Whether automatic re-sorting is frozen."""
        return self._held

    def is_order_stale(self) -> bool:
        """Whether values in the sort column moved since rows were last ordered."""
        return self._order_stale

    def set_resort_interval(self, seconds: float) -> None:
        """Minimum time between automatic re-sorts (default 0.5 s)."""
        self._resort_interval_s = max(0.0, seconds)

    def resort_if_due(self, now: float) -> bool:
        """Re-sort if the order is stale, not held, and the interval has passed; True if rows moved."""
        if not self._order_stale or self._held or self._sort_column < 0:
            return False
        if now - self._last_sort_at < self._resort_interval_s:
            return False
        self._last_sort_at = now
        self._order_stale = False
        return self._reorder()

    def _ordered_rows(self) -> list[_Row]:
        c = self._sort_column
        if c < 0:
            position = {symbol: i for i, symbol in enumerate(self._natural)}
            return sorted(self._rows, key=lambda row: position.get(row.symbol, len(position)))
        present = [row for row in self._rows if row.keys[c] is not None]
        missing = [row for row in self._rows if row.keys[c] is None]

        def key(row: _Row) -> Any:  # floats or strs within one column; None was split off above
            return row.keys[c]

        present.sort(key=key, reverse=self._sort_order == _DESCENDING)
        return present + missing

    def _reorder(self) -> bool:
        """Apply the current order with a layout change, remapping persistent indexes."""
        rows = self._ordered_rows()
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
            tip = row.tooltips.get(c)
            if c == _SYMBOL and row.badge_note:
                tip = f"{tip}\n{row.badge_note}" if tip else row.badge_note
            return plain_tooltip(tip) if tip else None  # names come from the network
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
            if section != self._sort_column:
                return column.title
            arrow = "▾" if self._sort_order == _DESCENDING else "▴"
            # Arrow on the inner side: right-aligned titles keep their right edge over the digits.
            return f"{arrow} {column.title}" if column.numeric else f"{column.title} {arrow}"
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

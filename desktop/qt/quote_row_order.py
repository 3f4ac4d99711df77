"""The watchlist's row order: its own list order or a stable column sort, re-sorted on a throttle.

Sorting happens in the source model (DESIGN.md "How a tick travels"): `QuoteTableModel` applies
the order this computes with one `layoutChanged`, at most every `interval_s`, and never while the
order is held (a drag or an edit is in progress), so a row never jumps under the user's pointer.
The row formatter raises `stale` when a value in the sort column moves; nothing here touches Qt
signals, so the throttle and the ordering rules are plain bookkeeping. Membership changes go in
blocks too: `insert_runs` puts new symbols at their list positions, `removal_runs` takes rows out.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt

from desktop.qt.quote_columns import QuoteColumn
from desktop.qt.quote_row import QuoteRow

__all__ = ["QuoteRowOrder", "adjacent_runs", "insert_runs", "removal_runs"]

_ASCENDING = Qt.SortOrder.AscendingOrder
_DESCENDING = Qt.SortOrder.DescendingOrder


class QuoteRowOrder:
    """Sort column and direction, the hold switch and the re-sort throttle of one quote table."""

    def __init__(self) -> None:
        self.column = -1
        """The column rows are sorted by, or -1 for the watchlist's own order."""
        self.order = _ASCENDING
        self.stale = False
        """A value in the sort column moved since rows were last ordered."""
        self.held = False
        """Automatic re-sorting is frozen (a pending re-sort waits)."""
        self.interval_s = 0.5
        """Minimum time between automatic re-sorts."""
        self._last_sort_at = -math.inf

    def sort_by(self, column: int, order: Qt.SortOrder) -> int:
        """Sort by `column` (-1: list order) from now on; return the previously sorted column."""
        previous = self.column
        self.column = column
        self.order = order
        self.stale = False
        return previous

    def set_interval(self, seconds: float) -> None:
        """Minimum time between automatic re-sorts (0 or less: no minimum)."""
        self.interval_s = max(0.0, seconds)

    def interval_passed(self, now: float) -> bool:
        """Whether an automatic re-sort could run now: sorted, not held, interval passed."""
        return self.column >= 0 and not self.held and now - self._last_sort_at >= self.interval_s

    def restart_interval(self, now: float) -> None:
        """Count the next interval from `now` (rows were checked and nothing moved)."""
        self._last_sort_at = now

    def resort_due(self, now: float) -> bool:
        """Whether an automatic re-sort runs now: stale, not held, sorted, interval passed.

        True also starts the next interval and clears `stale` (the caller re-sorts).
        """
        if not self.stale or self.held or self.column < 0:
            return False
        if now - self._last_sort_at < self.interval_s:
            return False
        self._last_sort_at = now
        self.stale = False
        return True

    def ordered(self, rows: list[QuoteRow], natural: list[str]) -> list[QuoteRow]:
        """`rows` in display order: stable by the sort key (empty values last either way).

        Unsorted, rows follow `natural` (the list's own order); rows not in it go last.
        """
        c = self.column
        if c < 0:
            position = {symbol: i for i, symbol in enumerate(natural)}
            return sorted(rows, key=lambda row: position.get(row.symbol, len(position)))
        present = [row for row in rows if row.keys[c] is not None]
        missing = [row for row in rows if row.keys[c] is None]

        def key(row: QuoteRow) -> Any:  # floats or strs within one column; None was split off above
            return row.keys[c]

        present.sort(key=key, reverse=self.order == _DESCENDING)
        return present + missing

    def header_title(self, section: int, column: QuoteColumn) -> str:
        """A column's header text, with ▴ or ▾ when rows are sorted by it."""
        if section != self.column:
            return column.title
        arrow = "▾" if self.order == _DESCENDING else "▴"
        # Arrow on the inner side: right-aligned titles keep their right edge over the digits.
        return f"{arrow} {column.title}" if column.numeric else f"{column.title} {arrow}"


def insert_runs(wanted: list[str], added: set[str]) -> list[tuple[int, int]]:
    """Blocks [start, end) of adjacent `added` symbols in `wanted`, top first: one insert each."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(wanted):
        if wanted[i] not in added:
            i += 1
            continue
        end = i
        while end < len(wanted) and wanted[end] in added:
            end += 1
        runs.append((i, end))
        i = end
    return runs


def removal_runs(doomed: list[int]) -> list[tuple[int, int]]:
    """Blocks (first, last) of adjacent rows in ascending `doomed`, bottom first: one removal each.

    Removing the bottom block first keeps the row numbers of the blocks above it valid.
    """
    runs: list[tuple[int, int]] = []
    rest = list(doomed)
    while rest:
        last = rest.pop()
        first = last
        while rest and rest[-1] == first - 1:
            first = rest.pop()
        runs.append((first, last))
    return runs


def adjacent_runs(columns: list[int]) -> list[tuple[int, int]]:
    """Blocks (first, last) of adjacent columns, left first: one `dataChanged` each repaints the
    same cells as one per column, for fewer calls (sorts `columns` in place)."""
    columns.sort()
    runs: list[tuple[int, int]] = []
    start = end = columns[0]
    for c in columns[1:]:
        if c != end + 1:
            runs.append((start, end))
            start = c
        end = c
    runs.append((start, end))
    return runs

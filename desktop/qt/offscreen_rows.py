"""Which rows of a quote table changed while off screen: not formatted yet, sort keys not current.

A sorted list of thousands of symbols sees most of them change every second while its view shows
forty. Noting them costs two set unions a frame however many changed; each row is formatted when
it comes into view and its sort key computed once before rows are ordered, instead of per change.
"""

from __future__ import annotations

import time
from collections.abc import Set

from desktop.qt.quote_row import QuoteRow
from desktop.qt.quote_row_formatter import QuoteRowFormatter

__all__ = ["REKEY_SLICE_S", "OffscreenRows"]

REKEY_SLICE_S = 0.003
"""Longest stretch of sort-key work in one frame before an automatic re-sort (the rest waits
for the next frames, so a 5,000-row re-sort never holds the loop for its whole key pass)."""


class OffscreenRows:
    """The symbols of one quote table whose rows are behind the book, by what is behind."""

    def __init__(self, formatter: QuoteRowFormatter) -> None:
        self._formatter = formatter
        self._unformatted: set[str] = set()
        """Changed off screen: formatted in full (without a flash) when they come into view."""
        self._unkeyed: set[str] = set()
        """Changed since their sort keys were last computed (only ordering reads them)."""
        self._pass: list[str] = []
        """The symbols a sliced key pass (`rekey_some`) has still to do."""

    def note(self, changed: Set[str]) -> None:
        """These rows changed (any of them may be on screen: `caught_up` takes those back)."""
        self._unformatted |= changed
        self._unkeyed |= changed

    def caught_up(self, symbol: str) -> bool:
        """Whether `symbol`'s row was behind; it counts as formatted from now on."""
        if symbol in self._unformatted:
            self._unformatted.discard(symbol)
            return True
        return False

    def any_unformatted(self) -> bool:
        """Whether some row still waits to be formatted."""
        return bool(self._unformatted)

    def rekey(self, rows: list[QuoteRow], row_of: dict[str, int], sorted_: bool) -> None:
        """Bring every noted row's sort key up to date (only when `sorted_`: else just forget)."""
        self.rekey_some(rows, row_of, sorted_, budget_s=None)
        self.rekey_some(rows, row_of, sorted_, budget_s=None)  # the pass, then what it left

    def rekey_some(
        self, rows: list[QuoteRow], row_of: dict[str, int], sorted_: bool, budget_s: float | None
    ) -> bool:
        """Work on a key pass over the rows noted so far for at most `budget_s` (None: finish);
        True when the pass is done. Rows that change meanwhile wait for the next pass."""
        if not self._pass:
            self._pass = list(self._unkeyed)
            self._unkeyed = set()
        work = self._pass
        if not sorted_:
            work.clear()
            return True
        rekey = self._formatter.rekey
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        while work:
            rekey(work[-64:], rows, row_of)
            del work[-64:]
            if deadline is not None and time.perf_counter() > deadline:
                break
        return not work

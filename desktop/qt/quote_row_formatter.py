"""The formatter that turns `QuoteState`s into the cells of the watchlist's `QuoteRow`s.

`QuoteTableModel` keeps the rows, their order and the Qt signals; everything a row shows is
decided here, once per flush for each dirty symbol on screen: strings are formatted only when a
value moved, each cell becomes one `QuoteCell` for the delegate, price moves start a flash that
fades by step, and notes, freshness, sparklines and alert badges land in the same cells. This runs
at the flush rate for hundreds of rows, so the loops bind attributes to locals and call nothing
per column that they can avoid.
"""

from __future__ import annotations

import time

from PySide6.QtGui import QBrush

from desktop.domain.quote_book import QuoteBook, QuoteState
from desktop.domain.sparklines import SparklineStore
from desktop.domain.truth_terms import Truth, TruthVerdict, price_timeline
from desktop.qt.palette import live_brush
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
    SparkCell,
    flash_step,
)
from desktop.qt.quote_row import QuoteRow
from desktop.qt.quote_row_order import QuoteRowOrder
from desktop.qt.truth_style import truth_brush

__all__ = ["QuoteRowFormatter"]

_LAST = int(ColumnId.LAST)
_TIME_KEEPING = frozenset({Truth.LIVE, Truth.DEMO, Truth.REPLAY})
"""States whose rows keep showing the trade time (coloured) rather than a chip."""
_SYMBOL = int(ColumnId.SYMBOL)
_TREND = int(ColumnId.TREND)
_NAME = int(ColumnId.NAME)
_TIME = int(ColumnId.TIME)
_SESSION = int(ColumnId.SESSION)
_SESSION_BRUSHES = {
    "RTH": live_brush(lambda c: c.up),
    "HALF-DAY": live_brush(lambda c: c.up),
    "PRE": live_brush(lambda c: c.note),
    "POST": live_brush(lambda c: c.note),
    "LUNCH": live_brush(lambda c: c.note),
}
"""Session chips in colour at a glance (the word says it too): regular green, extended amber."""


class QuoteRowFormatter:
    """Fills `QuoteRow`s from the book: texts, sort keys, `QuoteCell`s, flashes and decorations.

    It raises `order.stale` when a value in the sort column moves; it never emits a Qt signal.
    """

    def __init__(self, book: QuoteBook, order: QuoteRowOrder) -> None:
        self._book = book
        self._order = order
        self._columns = QUOTE_COLUMNS
        self._ncols = len(QUOTE_COLUMNS)
        self.aligns = [column.alignment for column in QUOTE_COLUMNS]
        """Each column's text alignment, by column number."""
        self._blanks = [
            QuoteCell("", "", col.alignment, col.numeric, col.numeric, None, None)
            for col in QUOTE_COLUMNS
        ]
        """One shared empty cell per column: most of a big list's rows are off screen and blank."""
        # (column, sort key, formatter, numeric, flashes): attribute lookups hoisted out of the loop.
        self._plan = [
            (c, col.sort_key, col.format, col.numeric, col.flash)
            for c, col in enumerate(QUOTE_COLUMNS)
        ]
        self._tooltips = [
            (c, col.cell_tooltip)
            for c, col in enumerate(QUOTE_COLUMNS)
            if col.cell_tooltip is not None
        ]
        self._flashing: set[tuple[QuoteRow, int]] = set()
        self._sparklines: SparklineStore | None = None

    # -- filling rows -------------------------------------------------------------------------
    def new_row(self, symbol: str) -> QuoteRow:
        """A filled row for `symbol`, which the book starts tracking."""
        row = QuoteRow(symbol, self._ncols)
        self.fill(row, self._book.track(symbol))
        return row

    def fill(self, row: QuoteRow, state: QuoteState) -> None:
        """Format a row in full from `state` (no flash): a new row, or one coming into view."""
        self.update(row, state, None)
        row.cells = [self.cell(row, c) for c in range(self._ncols)]

    def rekey(self, symbols: list[str], rows: list[QuoteRow], row_of: dict[str, int]) -> None:
        """Bring these off-screen rows' sort keys up to date (rows are about to be ordered)."""
        order = self._order
        c = order.column
        if c < 0:
            return
        key_of, get = self._plan[c][1], self._book.get
        moved = False
        for symbol in symbols:
            r = row_of.get(symbol)
            state = get(symbol)
            if r is None or state is None:
                continue
            keys = rows[r].keys
            key = key_of(state)
            if key != keys[c]:
                keys[c] = key
                moved = True
        if moved:
            order.stale = True

    def update_cells(self, row: QuoteRow, state: QuoteState, now: float) -> list[int]:
        """`update`, then remake the changed columns' cells; returns the changed columns."""
        changed = self.update(row, state, now)
        if _LAST in changed:
            row.painted_at = time.monotonic()
        for c in changed:
            row.cells[c] = self.cell(row, c)
        return changed

    def tooltip(self, row: QuoteRow, c: int) -> str | None:
        """A cell's tooltip: the Last cell's price timeline, else what the row keeps for it."""
        if c == _LAST and row.note is None:
            return self._timeline(row)
        tip = row.tooltips.get(c)
        if c == _SYMBOL and row.badge_note:
            tip = f"{tip}\n{row.badge_note}" if tip else row.badge_note
        return plain_tooltip(tip) if tip else None  # names come from the network

    def _timeline(self, row: QuoteRow) -> str | None:
        """Exchange time → received → painted of the row's last price."""
        state = self._book.get(row.symbol)
        if state is None or state.last_src is None:
            return None
        now, now_ms = time.monotonic(), time.time_ns() // 1_000_000
        painted_at = row.painted_at or now
        painted_ms = int(now_ms - (now - painted_at) * 1000)
        return price_timeline(state, now, now_ms, painted_ms)

    def update(self, row: QuoteRow, state: QuoteState, now: float | None) -> list[int]:
        """Reformat what moved in `row` from `state`; start flashes; return the changed columns.

        A numeric cell's text is a function of its sort key, so it is formatted only when the key
        moved (or on the first fill, `now` None); text cells are cheap and always re-read. The
        caller makes the changed columns' cells.
        """
        changed: list[int] = []
        texts, keys, market, note = row.texts, row.keys, row.market, row.note
        first = now is None
        order = self._order
        for c, sort_key, format_cell, numeric, flash in self._plan:
            key = sort_key(state)
            old_key = keys[c]
            if key == old_key:
                if numeric and not first:
                    continue
            else:
                keys[c] = key
                if c == order.column:
                    order.stale = True
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
                self._flash(row, c, now, 1 if key > old_key else -1)
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

    def cell(self, row: QuoteRow, c: int) -> QuoteCell:
        """Column `c` of `row` as the delegate paints it, from the row's cached state."""
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
        elif c == _SESSION:
            fg = _SESSION_BRUSHES.get(text, DIM_BRUSH)
        elif column.signed:
            key = row.keys[c]
            if isinstance(key, float) and key != 0.0:
                fg = UP_BRUSH if key > 0 else DOWN_BRUSH
        if c == _TIME and (row.time_note is not None or row.truth is not Truth.LIVE):
            fg, glyph_fg = truth_brush(row.truth), None
        elif row.dim:
            fg, glyph_fg = DIM_BRUSH, None
        flash = row.flashes.get(c) if row.flashes else None
        bg = (
            None
            if flash is None
            else (
                FLASH_UP_BRUSHES
                if flash[1] > 0
                else FLASH_DOWN_BRUSHES
                if flash[1] < 0
                else FLASH_NOTICE_BRUSHES
            )[flash[2]]
        )
        if bg is not None:
            glyph_fg = None  # on a flash the glyph would vanish in its own colour: use the text's
        display = f"{text} {glyph}" if glyph and text else text
        badge = row.badge if c == _SYMBOL else 0
        if badge:
            display = f"{text} {BELL}"
        elif not text and fg is None and bg is None and not glyph and numeric == column.numeric:
            return self._blanks[c]
        return QuoteCell(
            text, display, self.aligns[c], column.numeric, numeric, fg, bg, glyph, glyph_fg, badge
        )

    # -- flashes ------------------------------------------------------------------------------
    def _flash(self, row: QuoteRow, c: int, now: float, direction: int) -> None:
        if row.flashes is None:
            row.flashes = {}
        row.flashes[c] = (now, direction, 0)
        self._flashing.add((row, c))

    def advance_flashes(self, now: float) -> list[tuple[QuoteRow, int]]:
        """Step every fading flash to `now`; return the (row, column) cells whose step changed."""
        moved: list[tuple[QuoteRow, int]] = []
        if not self._flashing:
            return moved
        finished: list[tuple[QuoteRow, int]] = []
        for flashing in self._flashing:
            row, c = flashing
            flashes = row.flashes
            assert flashes is not None
            at, direction, old = flashes[c]
            step = flash_step(now - at)
            if step == old:
                continue
            if step < 0:
                del flashes[c]
                finished.append(flashing)
            else:
                flashes[c] = (at, direction, step)
            row.cells[c] = self.cell(row, c)
            moved.append(flashing)
        self._flashing.difference_update(finished)
        return moved

    def flash_row(self, row: QuoteRow, now: float) -> None:
        """Flash every cell of `row` in the neutral notice colour, starting at `now`."""
        for c in range(self._ncols):
            self._flash(row, c, now, 0)
            row.cells[c] = self.cell(row, c)

    def forget(self, gone: list[QuoteRow]) -> None:
        """Rows left the table: stop fading their flashes."""
        self._flashing = {(row, c) for row, c in self._flashing if row not in gone}

    # -- notes, freshness, sparklines and alert badges ----------------------------------------
    def set_note(self, row: QuoteRow, text: str | None) -> bool:
        """Show `text` dimmed in the Last cell (None clears); True when the cell changed."""
        if row.note == text:
            return False
        row.note = text
        if row.flashes:
            row.flashes.pop(_LAST, None)
        self._flashing.discard((row, _LAST))
        state = self._book.get(row.symbol)
        if text is not None:
            row.texts[_LAST] = text
            row.tooltips[_LAST] = text
        else:
            row.tooltips.pop(_LAST, None)
            column = self._columns[_LAST]
            row.texts[_LAST] = column.format(state, row.market) if state is not None else ""
        row.cells[_LAST] = self.cell(row, _LAST)
        return True

    def set_truth(self, row: QuoteRow, verdict: TruthVerdict) -> bool:
        """Show the row's truth state: its chip replaces the Time cell (Live, Demo and Replay keep
        the tick time, in the state's colour), dimmed states grey the row; True if changed."""
        # Live rows keep their trade time, or say what an outage missed until it is old news.
        text = (verdict.gap or None) if verdict.state in _TIME_KEEPING else verdict.cell
        tip = verdict.sentence
        if (
            row.time_note == text
            and row.dim == verdict.dim
            and row.truth is verdict.state
            and row.tooltips.get(_TIME) == tip
        ):
            return False
        row.time_note, row.dim, row.truth = text, verdict.dim, verdict.state
        row.tooltips[_TIME] = tip
        state = self._book.get(row.symbol)
        if text is not None:
            row.texts[_TIME] = text
        elif state is not None:
            row.texts[_TIME] = self._columns[_TIME].format(state, row.market)
        row.cells = [self.cell(row, c) for c in range(self._ncols)]
        return True

    def set_sparklines(self, store: SparklineStore | None, rows: list[QuoteRow]) -> None:
        """Draw the Trend cells of `rows` (and of rows updated later) from `store`; None: none."""
        self._sparklines = store
        for row in rows:
            state = self._book.get(row.symbol)
            if state is None or store is None:
                row.spark = None
            else:
                self._update_spark(row, state)

    def _update_spark(self, row: QuoteRow, state: QuoteState) -> bool:
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

    def set_badge(self, row: QuoteRow, badge: int, note: str) -> bool:
        """Show an alert badge (0: none) and its note on the Symbol cell; True when it changed."""
        if row.badge == badge and row.badge_note == note:
            return False
        row.badge, row.badge_note = badge, note
        row.cells[_SYMBOL] = self.cell(row, _SYMBOL)
        return True

"""What a watchlist column is: its position (`ColumnId`), its definition (`QuoteColumn`) and the
sort value of a cell (`SortKey`). The column sets live in `quote_columns` and `glance_columns`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import Qt

from desktop.domain.quote_book import QuoteState
from desktop.domain.symbols import Market

__all__ = ["ColumnId", "QuoteColumn", "SortKey"]

SortKey = float | str | None
"""A cell's sort value: a float for numbers, a casefolded str for text, None when empty."""

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class ColumnId(IntEnum):
    """Column positions in the model, in display order."""

    SYMBOL = 0
    NAME = 1
    LAST = 2
    CHANGE = 3
    CHANGE_PCT = 4
    TREND = 5
    BID = 6
    ASK = 7
    BID_SIZE = 8
    ASK_SIZE = 9
    VOLUME = 10
    OPEN = 11
    HIGH = 12
    LOW = 13
    TIME = 14
    SESSION = 15
    EXT = 16
    TURNOVER = 17
    VWAP = 18
    PREV_CLOSE = 19
    CHANGE_OPEN = 20
    REL_VOLUME = 21
    RANGE_POS = 22
    HIGH_52W = 23
    LOW_52W = 24


@dataclass(frozen=True, slots=True)
class QuoteColumn:
    """One column: what it is called, how it looks, and how a `QuoteState` becomes its cell."""

    id: ColumnId
    key: str
    """Stable name for saved layouts and CSV headers (`last`, `change_pct`)."""
    title: str
    tooltip: str
    numeric: bool
    width: int
    format: Callable[[QuoteState, Market], str]
    sort_key: Callable[[QuoteState], SortKey]
    flash: bool = False
    """Flash the cell when its value moves: prices only (sizes, volume and time move too often)."""
    signed: bool = False
    """Colour the text by the sign of the value (change columns)."""
    cell_tooltip: Callable[[QuoteState, Market], str] | None = None
    decimal_align: bool = False
    """Line the column's numbers up on the decimal point (the delegate pads the shorter ones)."""

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        """Right for numbers (digits line up), left for text."""
        return _RIGHT if self.numeric else _LEFT

    @property
    def initial_order(self) -> Qt.SortOrder:
        """Order of a first header click: biggest first for numbers, A→Z for text."""
        return Qt.SortOrder.DescendingOrder if self.numeric else Qt.SortOrder.AscendingOrder

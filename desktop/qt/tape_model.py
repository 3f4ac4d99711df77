"""The time & sales table of one symbol: newest print on top, fed a batch per flush from `TapeBook`.

Nothing per tick touches Qt: the book's trade listener fills the domain ring, and `on_frame` (the
flush timer) inserts what is new in one `beginInsertRows` at the top, formatted once. While the user
holds the tape (pointer over it), new prints wait in the ring and are counted, so the rows being
read never move; releasing inserts them all.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from desktop.domain.formatting import (
    format_exact,
    format_price,
    format_size,
    format_time_ms,
    market_of,
    pad_decimals,
    zone_label,
)
from desktop.domain.market_data import TradeSide
from desktop.domain.symbols import Market
from desktop.domain.tape import TapeBook, TapeEntry
from desktop.qt.palette import live_brush
from desktop.qt.quote_columns import DIM_BRUSH, DOWN_BRUSH, UP_BRUSH

__all__ = [
    "DIVIDER_ROLE",
    "ENTRY_ROLE",
    "MAX_TAPE_ROWS",
    "ROW_ROLE",
    "TapeColumn",
    "TapeModel",
    "TapeRow",
]

MAX_TAPE_ROWS = 1_000
"""Rows the table keeps; older prints stay in the domain ring until it drops them."""
ENTRY_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The row's `TapeEntry` (any column)."""
DIVIDER_ROLE = int(Qt.ItemDataRole.UserRole) + 2
"""True on a divider row (the view spans it across every column)."""
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 3
"""The row's `TapeRow`: everything a lean delegate paints, in one `data()` call."""

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FG = int(Qt.ItemDataRole.ForegroundRole)
_BG = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

BIG_BRUSH = live_brush(lambda c: c.alert, 70)
"""Background of a big print: amber, distinct from the buy teal and sell orange."""
DIVIDER_BRUSH = live_brush(lambda c: c.raised)
_DIVIDER_FG = live_brush(lambda c: c.alert)
_NEUTRAL_FG = live_brush(lambda c: c.text)
_BOLD = QFont()
_BOLD.setBold(True)

_SIDE_TEXT = {TradeSide.BUY: "▲ B", TradeSide.SELL: "▼ S", TradeSide.NEUTRAL: "• N"}
_SIDE_WORDS = {
    TradeSide.BUY: "Buy: the buyer lifted the ask",
    TradeSide.SELL: "Sell: the seller hit the bid",
    TradeSide.NEUTRAL: "Neutral: printed between bid and ask",
}
_SIDE_FG = {TradeSide.BUY: UP_BRUSH, TradeSide.SELL: DOWN_BRUSH, TradeSide.NEUTRAL: _NEUTRAL_FG}


class TapeColumn(IntEnum):
    """Tape columns in display order."""

    TIME = 0
    PRICE = 1
    SIZE = 2
    SIDE = 3


_NCOLS = len(TapeColumn)
_ALIGNS = (_LEFT, _RIGHT, _RIGHT, _CENTER)


class TapeRow:
    """One preformatted tape row: texts, text brushes per column, background, bold (big print).

    The price text is re-padded when the column's precision grows.
    """

    __slots__ = ("bg", "bold", "decimals", "entry", "fgs", "price", "texts", "tooltip")

    def __init__(self, entry: TapeEntry, market: Market) -> None:
        self.entry = entry
        if entry.divider:
            self.texts = [f"{format_time_ms(entry.ts_ms, market)}  {entry.divider}", "", "", ""]
            self.price = ""
            self.decimals = 0
            self.tooltip = entry.detail or entry.divider
            self.fgs: list[QBrush | None] = [_DIVIDER_FG] * _NCOLS
            self.bg: QBrush | None = DIVIDER_BRUSH
            self.bold = False
            return
        price = format_price(market, entry.price)
        point = price.rfind(".")
        self.price = price
        self.decimals = len(price) - point - 1 if point >= 0 else 0
        self.texts = [
            format_time_ms(entry.ts_ms, market),
            price,
            format_size(entry.volume),
            _SIDE_TEXT[entry.side],
        ]
        side = _SIDE_FG[entry.side]
        self.fgs = [DIM_BRUSH, side, side if entry.big else None, side]
        self.bg = BIG_BRUSH if entry.big else None
        self.bold = entry.big
        tip = _SIDE_WORDS[entry.side]
        if entry.big:
            tip = (
                f"Big print: {entry.multiple:.1f}× today's median print\n"
                f"{format_exact(entry.volume)} shares · {tip}"
            )
        self.tooltip = tip


class TapeModel(QAbstractTableModel):
    """Prints of one symbol, newest first, at or above a minimum size; dividers where prints may
    be missing. Fed by `on_frame` (a `StreamBridge` frame listener)."""

    def __init__(
        self, tape: TapeBook, max_rows: int = MAX_TAPE_ROWS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._tape = tape
        self._max_rows = max_rows
        self._rows: list[TapeRow] = []
        self._symbol: str | None = None
        self._market = Market.US
        self._cursor = 0
        self._revision = 0
        self._min_size = 0
        self._held = False
        self._pending = 0
        self._decimals = 0
        self.inserted = 0
        """Rows inserted since construction (benchmarks and tests)."""

    # -- what is shown ------------------------------------------------------------------------
    def symbol(self) -> str | None:
        """The symbol on the tape, or None."""
        return self._symbol

    def set_symbol(self, symbol: str | None) -> None:
        """Show `symbol`'s tape (its recent prints from the ring at once)."""
        if symbol == self._symbol:
            return
        self._symbol = symbol or None
        self._market = market_of(symbol) if symbol else Market.US
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, _NCOLS - 1)
        self._reload()

    def min_size(self) -> int:
        """Prints smaller than this are not shown."""
        return self._min_size

    def set_min_size(self, shares: int) -> None:
        """Hide prints under `shares` (0 shows every print); reloads from the ring."""
        shares = max(0, int(shares))
        if shares != self._min_size:
            self._min_size = shares
            self._reload()

    def is_held(self) -> bool:
        """Whether new prints wait (the user is reading the tape)."""
        return self._held

    def set_held(self, held: bool) -> None:
        """Hold (True) new prints back so rows stay put; releasing inserts what waited."""
        if held == self._held:
            return
        self._held = held
        if not held:
            self._pull()

    def pending(self) -> int:
        """Entries that arrived while held (before the size filter)."""
        return self._pending

    def entry_at(self, row: int) -> TapeEntry | None:
        """The entry shown in `row` (0 is the newest)."""
        return self._rows[row].entry if 0 <= row < len(self._rows) else None

    def time_title(self) -> str:
        """The Time column's title with the market's zone (`Time ET`)."""
        return f"Time {zone_label(self._market)}"

    # -- feeding ------------------------------------------------------------------------------
    def on_frame(self, dirty: set[str], now: float) -> None:
        """Flush timer: insert the prints that arrived since the last frame (one insert)."""
        symbol = self._symbol
        if symbol is None:
            return
        if self._tape.revision(symbol) != self._revision:
            self._reword(symbol)
        cursor = self._tape.cursor(symbol)
        if cursor == self._cursor:
            return
        if self._held:
            self._pending = max(0, cursor - self._cursor)
            return
        self._pull()

    def _reword(self, symbol: str) -> None:
        """Dividers already shown learned what was missed: update their rows in place."""
        self._revision = self._tape.revision(symbol)
        current = {e.ts_ms: e for e in self._tape.dividers(symbol)}
        for i, row in enumerate(self._rows):
            entry = row.entry
            if entry.divider and (new := current.get(entry.ts_ms)) is not None and new != entry:
                self._rows[i] = TapeRow(new, self._market)
                self.dataChanged.emit(self.index(i, 0), self.index(i, _NCOLS - 1))

    def _keep(self, entry: TapeEntry) -> bool:
        return bool(entry.divider) or entry.volume >= self._min_size

    def _pull(self) -> None:
        symbol = self._symbol
        self._pending = 0
        if symbol is None:
            return
        entries, self._cursor, lost = self._tape.entries_since(symbol, self._cursor)
        if lost:
            self._reload()
            return
        market = self._market
        fresh = [TapeRow(e, market) for e in reversed(entries) if self._keep(e)]
        if not fresh:
            return
        if len(fresh) > self._max_rows:
            fresh = fresh[: self._max_rows]
        self._widen(fresh)
        overflow = len(self._rows) + len(fresh) - self._max_rows
        if overflow > 0:
            keep = len(self._rows) - overflow
            self.beginRemoveRows(_ROOT, keep, len(self._rows) - 1)
            del self._rows[keep:]
            self.endRemoveRows()
        self.beginInsertRows(_ROOT, 0, len(fresh) - 1)
        self._rows[0:0] = fresh
        self.endInsertRows()
        self.inserted += len(fresh)

    def _widen(self, rows: list[TapeRow]) -> None:
        """Pad prices to the column's widest precision (HK tick bands differ: 99.95 vs 100.1)."""
        widest = max((row.decimals for row in rows), default=0)
        if widest > self._decimals:
            self._decimals = widest
            for row in self._rows:
                row.texts[1] = pad_decimals(row.price, row.decimals, widest)
            if self._rows:
                top, bottom = self.index(0, 1), self.index(len(self._rows) - 1, 1)
                self.dataChanged.emit(top, bottom, [_DISPLAY])
        for row in rows:
            if row.decimals < self._decimals and row.price:
                row.texts[1] = pad_decimals(row.price, row.decimals, self._decimals)

    def _reload(self) -> None:
        """Rebuild the rows from the ring (symbol or filter changed, or the ring overtook us)."""
        self.beginResetModel()
        self._rows = []
        self._decimals = 0
        self._pending = 0
        symbol = self._symbol
        if symbol is not None:
            entries = self._tape.recent(symbol)
            self._cursor = self._tape.cursor(symbol)
            self._revision = self._tape.revision(symbol)
            market = self._market
            rows = [TapeRow(e, market) for e in reversed(entries) if self._keep(e)]
            rows = rows[: self._max_rows]
            self._widen(rows)
            self._rows = rows
        else:
            self._cursor = 0
        self.endResetModel()

    # -- QAbstractItemModel -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Rows shown (0 under any valid parent: a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Time, Price, Size, Side (0 under any valid parent)."""
        return 0 if parent.isValid() else _NCOLS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Preformatted texts and cached brushes only."""
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < _NCOLS):
            return None
        row = self._rows[r]
        entry = row.entry
        if role == _DISPLAY:
            return row.texts[c]
        if role == _ALIGN:
            return _LEFT if entry.divider else _ALIGNS[c]
        if role == ROW_ROLE:
            return row
        if role == _FG:
            return row.fgs[c]
        if role == _BG:
            return row.bg
        if role == _FONT:
            return _BOLD if row.bold and c != TapeColumn.TIME else None
        if role == _TOOLTIP:
            return row.tooltip
        if role == _ACCESSIBLE:
            return row.tooltip if c == TapeColumn.SIDE else None
        if role == ENTRY_ROLE:
            return entry
        if role == DIVIDER_ROLE:
            return bool(entry.divider)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Titles (the Time column names the zone) and tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _NCOLS:
            return None
        if role == _DISPLAY:
            return (self.time_title(), "Price", "Size", "Side")[section]
        if role == _ALIGN:
            return _ALIGNS[section]
        if role == _TOOLTIP:
            return (
                "Exchange time of the print, to the millisecond, in the market's own time zone",
                "Trade price",
                "Shares traded; big prints for this symbol are highlighted",
                "Aggressor: ▲ B buyer lifted the ask, ▼ S seller hit the bid, • N in between",
            )[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Selectable, never editable."""
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

"""Qt table model of one symbol's order book as a price ladder: asks above, bids below.

Rows, top to bottom: the ask levels from the worst shown down to the best ask, one *inside* row
(spread, the last trade when it printed between the levels, or why a side is empty), then the bid
levels from the best bid down. The row count is fixed per symbol (10 levels a side for HK, 1 for
US, more if a feed sends more), so rows never jump; missing levels are blank. Cells are built in
`refresh` when the book changed (once per flush, from the same dirty set as the watchlist) and
`data()` only looks them up.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.domain.formatting import format_exact, format_time_zoned, market_of, price_decimals
from desktop.domain.market_data import DepthLevel, DepthSnapshot
from desktop.domain.quote_book import QuoteBook, QuoteState
from desktop.domain.symbols import Market
from desktop.domain.tick_grid import ticks_between
from desktop.qt.depth_ladder_cells import LADDER_CELL_ROLE, LadderCell, LadderColumn, RowKind
from desktop.qt.depth_ladder_rows import LadderRowBuilder

__all__ = ["DEFAULT_LEVELS", "DepthLadderModel", "LadderSummary"]

DEFAULT_LEVELS: dict[Market, int] = {Market.HK: 10, Market.US: 1}
"""Levels a side a ladder shows before the feed sends more (the provider's maxima, reference §1.7)."""

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROOT = QModelIndex()
_NCOLS = len(LadderColumn)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
_TITLES = ("#", "Cum", "Bid", "Price", "Ask", "Cum", "#")
_TIPS = (
    "Number of bid orders at the level (when the feed gives counts)",
    "Cumulative bid size from the best bid down to this level (hover: average fill price)",
    "Shares bid at the level; the bar is scaled to the biggest level shown",
    "Price; ◆ marks the last trade's price",
    "Shares offered at the level; the bar is scaled to the biggest level shown",
    "Cumulative ask size from the best ask up to this level (hover: average fill price)",
    "Number of ask orders at the level (when the feed gives counts)",
)


@dataclass(frozen=True, slots=True)
class LadderSummary:
    """What the ladder's header shows: identity, last trade, spread, mid and any state note."""

    symbol: str = ""
    name: str = ""
    last: str = ""
    tick_dir: int = 0
    spread: str = ""
    spread_ticks: int | None = None
    mid: str = ""
    book_time: str = ""
    note: str = ""
    """Why the ladder cannot show a live book (plan limit, waiting); "" when it can."""


class DepthLadderModel(QAbstractTableModel):
    """A price ladder over `QuoteBook` depth for one symbol at a time; see the module docstring."""

    summaryChanged = Signal()
    """Header values (last, spread, mid, note) changed."""
    orderCountsChanged = Signal(bool)
    """The feed started (True) or stopped (False) giving order counts: show or hide `#`."""

    def __init__(self, book: QuoteBook, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._symbol: str | None = None
        self._market = Market.US
        self._levels = 1
        self._note: str | None = None
        self._placeholder = "Select a symbol in the watchlist"
        self._builder = LadderRowBuilder()
        self._rows: list[list[LadderCell]] = []
        self._signatures: list[tuple[object, ...]] = []
        self._summary = LadderSummary()
        self._has_orders = False
        self._lots = False
        self._set_levels(1)

    # -- what is shown ------------------------------------------------------------------------
    def set_symbol(self, symbol: str | None, now: float = 0.0) -> None:
        """Show `symbol`'s book (None: nothing); resets the model and forgets flashes."""
        if symbol == self._symbol:
            return
        self.beginResetModel()
        self._symbol = symbol or None
        self._market = market_of(symbol) if symbol else Market.US
        self._builder.forget()
        self._has_orders = False
        self._set_levels(DEFAULT_LEVELS[self._market] if symbol else 1)
        self._rebuild(now, emit=False)
        self.endResetModel()
        self.orderCountsChanged.emit(self._has_orders)

    def symbol(self) -> str | None:
        """The symbol shown, if any."""
        return self._symbol

    def market(self) -> Market:
        """The market of the symbol shown (US when none)."""
        return self._market

    def set_note(self, note: str | None, now: float = 0.0) -> None:
        """Say why the live book is missing (e.g. the plan's depth limit); None clears it."""
        if note != self._note:
            self._note = note or None
            self._rebuild(now)

    def note(self) -> str | None:
        """The note set by `set_note`, if any."""
        return self._note

    # -- geometry -----------------------------------------------------------------------------
    def levels(self) -> int:
        """Level rows a side (the ask half and the bid half each have this many)."""
        return self._levels

    def inside_row(self) -> int:
        """Index of the inside row between the asks and the bids."""
        return self._levels

    def row_kind(self, row: int) -> RowKind:
        """Whether `row` is an ask level, the inside row or a bid level."""
        if row < self._levels:
            return RowKind.ASK
        return RowKind.INSIDE if row == self._levels else RowKind.BID

    def has_order_counts(self) -> bool:
        """True once the feed gave an order count for any level of this symbol."""
        return self._has_orders

    def summary(self) -> LadderSummary:
        """The header values."""
        return self._summary

    def shown_levels(self) -> tuple[tuple[DepthLevel, ...], tuple[DepthLevel, ...]]:
        """(bids best first, asks best first) exactly as the rows show them."""
        return self._builder.bids, self._builder.asks

    # -- updates ------------------------------------------------------------------------------
    def on_frame(self, dirty: Collection[str], now: float) -> None:
        """`StreamBridge` frame listener: rebuild when this symbol changed (which advances the
        flashes too), else advance the flashes alone."""
        if self._symbol is not None and self._symbol in dirty:
            self.refresh(now)
        else:
            self.tick_flash(now)

    def refresh(self, now: float) -> int:
        """Rebuild from the book; emit dataChanged for rows that look different; return their count."""
        return self._rebuild(now)

    def tick_flash(self, now: float) -> int:
        """Advance size-change flashes; repaint only rows whose flash step changed."""
        if not self._builder.flashing():
            return 0
        return self._rebuild(now)

    def _set_levels(self, levels: int) -> None:
        self._levels = max(1, levels)
        rows = 2 * self._levels + 1
        self._rows = [
            [LadderCell("", self.row_kind(r)) for _ in range(_NCOLS)] for r in range(rows)
        ]
        self._signatures = [()] * rows

    def _rebuild(self, now: float, emit: bool = True) -> int:
        state = self._book.get(self._symbol) if self._symbol else None
        depth = state.depth if state is not None else None
        wanted = max(len(depth.bids), len(depth.asks)) if depth is not None else 0
        if wanted > self._levels:  # a feed with more levels than expected: grow, never shrink
            if emit:
                self.beginResetModel()
            self._set_levels(wanted)
            self._fill(state, depth, now)
            if emit:
                self.endResetModel()
            return len(self._rows)
        return self._fill(state, depth, now, emit)

    def _fill(
        self,
        state: QuoteState | None,
        depth: DepthSnapshot | None,
        now: float,
        emit: bool = False,
    ) -> int:
        builder = self._builder
        note = self._note if self._symbol else self._placeholder
        changed = builder.build(
            self._levels, self._market, state, depth, now, note, self._rows, self._signatures
        )
        if emit and changed:  # one emit per run of adjacent changed rows
            start = end = changed[0]
            for r in changed[1:]:
                if r != end + 1:
                    self.dataChanged.emit(
                        self.createIndex(start, 0), self.createIndex(end, _NCOLS - 1)
                    )
                    start = r
                end = r
            self.dataChanged.emit(self.createIndex(start, 0), self.createIndex(end, _NCOLS - 1))
        if builder.has_orders != self._has_orders:
            self._has_orders = builder.has_orders
            if emit:
                self.orderCountsChanged.emit(self._has_orders)
        lots = builder.lot_size is not None
        if lots != self._lots:
            self._lots = lots
            if emit:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, _NCOLS - 1)
        summary = self._make_summary(state, depth)
        if summary != self._summary:
            self._summary = summary
            if emit:
                self.summaryChanged.emit()
        return len(changed)

    def _make_summary(self, state: QuoteState | None, depth: DepthSnapshot | None) -> LadderSummary:
        if self._symbol is None:
            return LadderSummary(note=self._placeholder)
        market = self._market
        builder = self._builder
        note = self._note or ("" if depth is not None else "Waiting for the order book…")
        spread = mid = ""
        ticks: int | None = None
        if builder.bids and builder.asks:
            bid, ask = builder.bids[0].price, builder.asks[0].price
            decimals = price_decimals(market, bid, ask)
            spread = f"{ask - bid:,.{decimals}f}"
            ticks = ticks_between(market, bid, ask)
            middle = (bid + ask) / 2
            exponent = middle.normalize().as_tuple().exponent
            mid_decimals = max(decimals, -exponent if isinstance(exponent, int) else 0)
            mid = f"{middle:,.{mid_decimals}f}"
        last = ""
        if state is not None and state.last is not None:
            last = builder.format_price(state.last)
        return LadderSummary(
            symbol=self._symbol,
            name=state.name if state is not None else "",
            last=last,
            tick_dir=state.tick_dir if state is not None else 0,
            spread=spread,
            spread_ticks=ticks,
            mid=mid,
            book_time=format_time_zoned(depth.ts_ms, market) if depth is not None else "",
            note=note,
        )

    # -- QAbstractItemModel -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """2 × levels + 1 (0 under any valid parent: a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Seven columns mirrored around the price (0 under any valid parent)."""
        return 0 if parent.isValid() else _NCOLS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Cached cells only: never formats."""
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < _NCOLS):
            return None
        cell = self._rows[r][c]
        if role == LADDER_CELL_ROLE:
            return cell
        if role == _DISPLAY:
            return f"{cell.text}{cell.sub}"
        if role == _ALIGN:
            if c == LadderColumn.PRICE or cell.kind is RowKind.INSIDE:
                return _CENTER
            return _LEFT if c == LadderColumn.BID_SIZE else _RIGHT
        if role == _TOOLTIP:
            return cell.tooltip or self._builder.tooltip(self._levels, r, c) or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column titles ("Bid · lots" for HK), their tooltips and alignment."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _NCOLS:
            return None
        if role == _DISPLAY:
            title = _TITLES[section]
            if self._lots and section in (LadderColumn.BID_SIZE, LadderColumn.ASK_SIZE):
                return f"{title} · lots"
            return title
        if role == _TOOLTIP:
            tip = _TIPS[section]
            lot = self._builder.lot_size
            if lot and section in (LadderColumn.BID_SIZE, LadderColumn.ASK_SIZE):
                tip += f"; after the dot, board lots of {format_exact(lot)} shares"
            return tip
        if role == _ALIGN:
            if section == LadderColumn.BID_SIZE:
                return _LEFT  # bid sizes sit at the outer edge, like their numbers
            return _CENTER if section == LadderColumn.PRICE else _RIGHT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Enabled, not selectable (a ladder is read, not picked from), never editable."""
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def price_at(self, row: int) -> Decimal | None:
        """The price of the level shown in `row`, or None (inside row, blank level)."""
        return self._builder.price_at(self._levels, row)

"""Turns one book into the ladder's rows of `LadderCell`s, and remembers sizes to flash changes.

Pure bookkeeping for `DepthLadderModel`: it formats every string once per book change, so the
model's `data()` and the delegate's `paint()` never format.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import accumulate

from desktop.domain.formatting import (
    MINUS,
    format_exact,
    format_size,
    format_volume,
    price_decimals,
)
from desktop.domain.market_data import DepthLevel, DepthSnapshot
from desktop.domain.quote_book import QuoteState
from desktop.domain.symbols import Market
from desktop.domain.tick_grid import ticks_between
from desktop.qt.depth_ladder_cells import (
    ASK_BAR_BRUSH,
    ASK_BRUSH,
    ASK_TINT,
    BEST_ASK_TINT,
    BEST_BID_TINT,
    BID_BAR_BRUSH,
    BID_BRUSH,
    BID_TINT,
    LAST_MARKER,
    MUTED_BRUSH,
    NOTE_BRUSH,
    SIZE_FLASH_BRUSHES,
    TEXT_BRUSH,
    LadderCell,
    LadderColumn,
    RowKind,
    size_flash_step,
)
from desktop.qt.quote_columns import DOWN_BRUSH, DOWN_GLYPH, UP_BRUSH, UP_GLYPH

__all__ = ["LadderRowBuilder"]

_NCOLS = len(LadderColumn)
_PRICE = int(LadderColumn.PRICE)
_SIDE_COLUMNS = {
    RowKind.ASK: (LadderColumn.ASK_SIZE, LadderColumn.ASK_CUM, LadderColumn.ASK_ORDERS),
    RowKind.BID: (LadderColumn.BID_SIZE, LadderColumn.BID_CUM, LadderColumn.BID_ORDERS),
}
_FlashKey = tuple[RowKind, Decimal]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class LadderRowBuilder:
    """Builds the ladder's rows from a book; keeps last sizes per price to start size flashes."""

    def __init__(self) -> None:
        self.bids: tuple[DepthLevel, ...] = ()
        self.asks: tuple[DepthLevel, ...] = ()
        self.has_orders = False
        self.lot_size: int | None = None
        self._market = Market.US
        self._decimals = 2
        self._sizes: dict[_FlashKey, int] = {}
        self._flash_at: dict[_FlashKey, float] = {}
        self._seen_book: DepthSnapshot | None = None

    def forget(self) -> None:
        """Drop sizes and flashes (another symbol is shown now)."""
        self.bids = self.asks = ()
        self.has_orders = False
        self.lot_size = None
        self._sizes.clear()
        self._flash_at.clear()
        self._seen_book = None

    def flashing(self) -> bool:
        """True while some size flash is still fading (so the rows need a rebuild)."""
        return bool(self._flash_at)

    def format_price(self, price: Decimal) -> str:
        """A price at the decimals every price on this ladder uses (so the column lines up)."""
        return f"{price:,.{self._decimals}f}"

    def price_at(self, levels: int, row: int) -> Decimal | None:
        """Price of the level in `row` of a ladder with `levels` a side."""
        if 0 <= row < levels:
            index = levels - 1 - row
            return self.asks[index].price if index < len(self.asks) else None
        index = row - levels - 1
        return self.bids[index].price if 0 <= index < len(self.bids) else None

    # -- building -----------------------------------------------------------------------------
    def build(
        self,
        levels: int,
        market: Market,
        state: QuoteState | None,
        depth: DepthSnapshot | None,
        now: float,
        note: str | None,
        rows: list[list[LadderCell]],
        signatures: list[tuple[object, ...]],
    ) -> list[int]:
        """Rebuild, in place, the rows whose inputs changed; return their indices (ascending).

        Rows are `levels` asks (worst first), the inside row, `levels` bids (best first). Each
        row's inputs are compared as a tuple before any cell is made, so an unchanged level costs
        one tuple, not seven cells and their strings.
        """
        self._market = market
        if depth is not None:
            self.bids = tuple(sorted(depth.bids, key=lambda lv: lv.price, reverse=True))[:levels]
            self.asks = tuple(sorted(depth.asks, key=lambda lv: lv.price))[:levels]
        else:
            self.bids = self.asks = ()
        lot = state.lot_size if state is not None and market is Market.HK else None
        self.lot_size = lot if lot is not None and lot > 1 else None
        both = (*self.bids, *self.asks)
        if any(lv.orders is not None for lv in both):
            self.has_orders = True
        last = state.last if state is not None else None
        self._decimals = price_decimals(market, *(lv.price for lv in both), last)
        if not both and last is None:
            self._decimals = 2
        if depth is not self._seen_book:
            self._note_size_changes(now)
            self._seen_book = depth
        self._expire_flashes(now)

        biggest = max((lv.volume for lv in both), default=0)
        lots = {lv.volume: self._lots(lv.volume) for lv in both}
        lots_width = max(map(len, lots.values()), default=0)
        sizes = {lv.volume: format_size(lv.volume) for lv in both}
        size_width = max(map(len, sizes.values()), default=0)
        shared = (biggest, lots_width, size_width, self._decimals, last, self.lot_size)
        changed: list[int] = []
        plan = [(RowKind.ASK, levels - 1 - r) for r in range(levels)]
        plan.append((RowKind.INSIDE, 0))
        plan.extend((RowKind.BID, i) for i in range(levels))
        running = {RowKind.ASK: list(accumulate(lv.volume for lv in self.asks))}
        running[RowKind.BID] = list(accumulate(lv.volume for lv in self.bids))
        for r, (kind, index) in enumerate(plan):
            if kind is RowKind.INSIDE:
                signature: tuple[object, ...] = self._inside_signature(state, depth, last, note)
            else:
                side = self.asks if kind is RowKind.ASK else self.bids
                if index >= len(side):
                    signature = (kind,)
                else:
                    level = side[index]
                    flash_at = self._flash_at.get((kind, level.price))
                    step = size_flash_step(now - flash_at) if flash_at is not None else -1
                    signature = (kind, index, level, running[kind][index], step, *shared)
            if signature == signatures[r]:
                continue
            signatures[r] = signature
            changed.append(r)
            if kind is RowKind.INSIDE:
                rows[r] = self._inside_row(state, depth, last, note)
            elif len(signature) == 1:
                rows[r] = [LadderCell("", kind) for _ in range(_NCOLS)]
            else:
                side = self.asks if kind is RowKind.ASK else self.bids
                cumulative = running[kind][index]
                size_text = sizes[side[index].volume].rjust(size_width)
                lot_text = lots[side[index].volume]
                sub = f" · {lot_text.rjust(lots_width)}" if lot_text else ""
                rows[r] = self._level_row(
                    kind, index, side, (size_text, sub, cumulative), signature
                )
        return changed

    def _note_size_changes(self, now: float) -> None:
        sizes: dict[_FlashKey, int] = {}
        for kind, side in ((RowKind.BID, self.bids), (RowKind.ASK, self.asks)):
            for level in side:
                key = (kind, level.price)
                sizes[key] = level.volume
                before = self._sizes.get(key)
                if before is not None and before != level.volume:
                    self._flash_at[key] = now
        self._sizes = sizes

    def _expire_flashes(self, now: float) -> None:
        done = [key for key, at in self._flash_at.items() if size_flash_step(now - at) < 0]
        for key in done:
            del self._flash_at[key]

    def _lots(self, volume: int) -> str:
        lot = self.lot_size
        if lot is None:
            return ""
        whole, rest = divmod(volume, lot)
        if rest:
            return f"{volume / lot:,.1f}"
        return format_volume(whole) if whole >= 10_000 else f"{whole:,}"

    def _level_row(
        self,
        kind: RowKind,
        index: int,
        side: tuple[DepthLevel, ...],
        texts: tuple[str, str, int],
        signature: tuple[object, ...],
    ) -> list[LadderCell]:
        size_text, sub, cumulative = texts
        step: int = signature[4]  # type: ignore[assignment]
        biggest: int = signature[5]  # type: ignore[assignment]
        last: Decimal | None = signature[9]  # type: ignore[assignment]
        level = side[index]
        best = index == 0
        if kind is RowKind.ASK:
            tint = BEST_ASK_TINT if best else ASK_TINT
            price_brush, bar_brush = ASK_BRUSH, ASK_BAR_BRUSH
        else:
            tint = BEST_BID_TINT if best else BID_TINT
            price_brush, bar_brush = BID_BRUSH, BID_BAR_BRUSH
        cells = [LadderCell("", kind, tint=tint) for _ in range(_NCOLS)]
        at_last = last is not None and level.price == last
        cells[_PRICE] = LadderCell(
            self.format_price(level.price),
            kind,
            fg=price_brush,
            tint=tint,
            strong=best,
            marker=LAST_MARKER if at_last else "",
        )
        size_col, cum_col, orders_col = _SIDE_COLUMNS[kind]
        # Padded to the widest size shown: bid sizes sit at the outer edge of their column (away
        # from the bar's root at the price), and in a monospace font the digits still line up.
        cells[size_col] = LadderCell(
            size_text,
            kind,
            sub=sub,
            tint=tint,
            flash=SIZE_FLASH_BRUSHES[step] if step >= 0 else None,
            bar=level.volume / biggest if biggest > 0 else 0.0,
            bar_brush=bar_brush,
            bar_from_right=kind is RowKind.BID,
            strong=best,
        )
        cells[cum_col] = LadderCell(format_size(cumulative), kind, fg=MUTED_BRUSH, tint=tint)
        if level.orders is not None:
            cells[orders_col] = LadderCell(str(level.orders), kind, fg=MUTED_BRUSH, tint=tint)
        return cells

    # -- tooltips (made on hover, never per frame) ------------------------------------------------
    def tooltip(self, levels: int, row: int, column: int) -> str:
        """The tooltip of a level cell: the level, its size in detail, or the cost of a sweep."""
        if 0 <= row < levels:
            kind, index, side = RowKind.ASK, levels - 1 - row, self.asks
        elif row > levels:
            kind, index, side = RowKind.BID, row - levels - 1, self.bids
        else:
            return ""
        if index >= len(side):
            return ""
        level = side[index]
        size_col, cum_col, _orders_col = _SIDE_COLUMNS[kind]
        name = "ask" if kind is RowKind.ASK else "bid"
        if column == _PRICE:
            where = "Best " if index == 0 else f"Level {index + 1} "
            return f"{where}{name} {self.format_price(level.price)}"
        if column == size_col:
            tip = f"{format_exact(level.volume)} shares"
            lot = self.lot_size
            if lot:
                tip += f" · {self._lots(level.volume)} lots of {format_exact(lot)}"
            if level.orders is not None:
                tip += f" · {_plural(level.orders, 'order')}"
            return tip
        if column == cum_col:
            swept = side[: index + 1]
            return self._sweep_tip(kind, swept, sum(lv.volume for lv in swept))
        return ""

    def _sweep_tip(self, kind: RowKind, levels: tuple[DepthLevel, ...], shares: int) -> str:
        """What taking every share down to this level costs: the average price vs the best."""
        notional = sum((lv.price * lv.volume for lv in levels), Decimal(0))
        average = notional / shares if shares else Decimal(0)
        best = levels[0].price
        verb = "Buying" if kind is RowKind.ASK else "Selling"
        slip = average - best if kind is RowKind.ASK else best - average
        decimals = self._decimals + 2
        slip_text = f"{abs(slip):,.{decimals}f}"
        worse = "above" if kind is RowKind.ASK else "below"
        return (
            f"{verb} {format_exact(shares)} shares takes {_plural(len(levels), 'level')} "
            f"to {self.format_price(levels[-1].price)}: average {average:,.{decimals}f}, "
            f"{slip_text} {worse} the best {'ask' if kind is RowKind.ASK else 'bid'}"
        )

    def _inside_signature(
        self,
        state: QuoteState | None,
        depth: DepthSnapshot | None,
        last: Decimal | None,
        note: str | None,
    ) -> tuple[object, ...]:
        """Everything the inside row depends on: the touch, the ends, the last trade, the note."""
        if depth is None:
            return ("inside", note, None)
        bids, asks = self.bids, self.asks
        at_level = last is not None and any(lv.price == last for lv in (*bids, *asks))
        return (
            "inside",
            note,
            tuple(lv.price for lv in bids[:1] + bids[-1:]),
            tuple(lv.price for lv in asks[:1] + asks[-1:]),
            last,
            at_level,
            state.tick_dir if state is not None else 0,
            self._decimals,
            self._market,
        )

    # -- the inside row -----------------------------------------------------------------------
    def _inside_row(
        self,
        state: QuoteState | None,
        depth: DepthSnapshot | None,
        last: Decimal | None,
        note: str | None,
    ) -> list[LadderCell]:
        cells = [LadderCell("", RowKind.INSIDE) for _ in range(_NCOLS)]
        cells[0] = self._ribbon(state, depth, last, note)
        return cells

    def _ribbon(
        self,
        state: QuoteState | None,
        depth: DepthSnapshot | None,
        last: Decimal | None,
        note: str | None,
    ) -> LadderCell:
        inside = RowKind.INSIDE
        if note:
            return LadderCell(note, inside, fg=NOTE_BRUSH, tooltip=note)
        if depth is None:
            return LadderCell("Waiting for the order book…", inside, fg=MUTED_BRUSH)
        bids, asks = self.bids, self.asks
        if not bids and not asks:
            return LadderCell(
                "Book empty — halted?",
                inside,
                fg=NOTE_BRUSH,
                tooltip="No bids and no asks: trading may be halted or suspended.",
            )
        if not asks:
            return LadderCell(
                "No asks — limit up?",
                inside,
                fg=NOTE_BRUSH,
                tooltip="Only bids in the book: nobody is selling (limit up, or an auction).",
            )
        if not bids:
            return LadderCell(
                "No bids — limit down?",
                inside,
                fg=NOTE_BRUSH,
                tooltip="Only asks in the book: nobody is buying (limit down, or an auction).",
            )
        bid, ask = bids[0].price, asks[0].price
        spread = f"spread {self.format_price(ask - bid)}"
        ticks = ticks_between(self._market, bid, ask)
        if ticks is not None:
            spread += f" · {_plural(ticks, 'tick')}"
        if bid >= ask:
            spread = f"crossed book ({MINUS}{self.format_price(bid - ask)})"
        shown = {lv.price for lv in (*bids, *asks)}
        if last is None or last in shown:
            return LadderCell(spread, inside, fg=MUTED_BRUSH)
        if last > asks[-1].price:
            where = "above the asks"
        elif last < bids[-1].price:
            where = "below the bids"
        elif bid < last < ask:
            where = "inside the spread"
        else:
            where = "between levels"
        direction = state.tick_dir if state is not None else 0
        glyph = UP_GLYPH if direction > 0 else DOWN_GLYPH if direction < 0 else ""
        fg = UP_BRUSH if direction > 0 else DOWN_BRUSH if direction < 0 else TEXT_BRUSH
        text = f"{LAST_MARKER} {self.format_price(last)}" + (f" {glyph}" if glyph else "")
        return LadderCell(
            text,
            inside,
            fg=fg,
            sub=f"  last, {where}",
            strong=True,
            tooltip=f"Last trade {self.format_price(last)}, {where}; {spread}",
        )

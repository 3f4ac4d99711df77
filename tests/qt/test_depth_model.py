"""DepthLadderModel: ladder layout, sorted levels, cumulative sizes, one-sided books, flashes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.depth_ladder_cells import (
    LADDER_CELL_ROLE,
    LAST_MARKER,
    SIZE_FLASH_STEP_S,
    LadderCell,
    LadderColumn,
    RowKind,
)
from desktop.qt.depth_model import DepthLadderModel

D = Decimal
T0_MS = 1_732_286_400_000
HK = "00700.HK"
US = "AAPL.US"


class Ladder:
    """A book and a ladder model over one symbol, with helpers that feed real domain events."""

    def __init__(self, symbol: str = HK, lot_size: int | None = 100) -> None:
        self.symbol = symbol
        self.book = QuoteBook()
        self.book.track(symbol)
        self.book.apply_reference(ReferenceData(symbol, name="Tencent", lot_size=lot_size), 0.0)
        self.model = DepthLadderModel(self.book)
        self.model.set_symbol(symbol)
        self.seq = 0

    def depth(
        self,
        bids: list[tuple[str, int]],
        asks: list[tuple[str, int]],
        now: float = 1.0,
        orders: bool = False,
    ) -> None:
        def side(levels: list[tuple[str, int]]) -> tuple[DepthLevel, ...]:
            return tuple(DepthLevel(D(p), v, 3 if orders else None) for p, v in levels)

        self.seq += 1
        snapshot = DepthSnapshot(self.symbol, side(bids), side(asks), T0_MS + self.seq)
        self.book.apply_depth(snapshot, now)
        self.model.on_frame(self.book.take_dirty(), now)

    def trade(self, price: str, now: float = 1.0) -> None:
        self.seq += 1
        tick = Tick(self.symbol, D(price), 100, None, TradeSide.BUY, T0_MS + self.seq, self.seq)
        self.book.apply_tick(tick, now)
        self.model.on_frame(self.book.take_dirty(), now)

    def cell(self, row: int, column: LadderColumn | int) -> LadderCell:
        value = self.model.index(row, int(column)).data(LADDER_CELL_ROLE)
        assert isinstance(value, LadderCell)
        return value

    def tip(self, row: int, column: LadderColumn) -> str:
        value = self.model.index(row, int(column)).data(Qt.ItemDataRole.ToolTipRole)
        assert isinstance(value, str)
        return value

    def column(self, column: LadderColumn) -> list[str]:
        return [self.cell(r, column).text for r in range(self.model.rowCount())]

    def ribbon(self) -> LadderCell:
        return self.cell(self.model.inside_row(), 0)


def hk_book(levels: int = 10) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    bids = [(f"{480.0 - 0.2 * i:.1f}", 100 * (i + 1)) for i in range(levels)]
    asks = [(f"{480.2 + 0.2 * i:.1f}", 200 * (i + 1)) for i in range(levels)]
    return bids, asks


def test_the_model_passes_qtmodeltester_through_books_switches_and_growth(
    qtmodeltester: ModelTester,
) -> None:
    ladder = Ladder()
    qtmodeltester.check(ladder.model, force_py=True)
    ladder.depth(*hk_book())
    ladder.depth([], [("480.2", 100)])
    ladder.model.set_symbol(US)
    ladder.model.set_symbol(None)
    ladder.model.set_symbol(HK)
    ladder.depth(*hk_book(12))  # a feed with more levels than expected grows the ladder
    qtmodeltester.check(ladder.model, force_py=True)


def test_an_hk_ladder_has_ten_asks_above_the_inside_row_and_ten_bids_below() -> None:
    ladder = Ladder()
    ladder.depth(*hk_book())
    assert ladder.model.rowCount() == 21 and ladder.model.inside_row() == 10
    prices = ladder.column(LadderColumn.PRICE)
    assert prices[:10] == [f"{480.2 + 0.2 * i:.1f}" for i in reversed(range(10))]
    assert prices[10] == ""
    assert prices[11:] == [f"{480.0 - 0.2 * i:.1f}" for i in range(10)]
    assert [ladder.model.row_kind(r) for r in (0, 9, 10, 11, 20)] == [
        RowKind.ASK,
        RowKind.ASK,
        RowKind.INSIDE,
        RowKind.BID,
        RowKind.BID,
    ]


def test_levels_are_shown_sorted_even_when_the_feed_sends_them_out_of_order() -> None:
    ladder = Ladder()
    ladder.depth(
        [("479.6", 300), ("480.0", 100), ("479.8", 200)],
        [("480.6", 300), ("480.2", 100), ("480.4", 200)],
    )
    bids, asks = ladder.model.shown_levels()
    assert [lv.price for lv in bids] == [D("480.0"), D("479.8"), D("479.6")]
    assert [lv.price for lv in asks] == [D("480.2"), D("480.4"), D("480.6")]
    assert ladder.cell(9, LadderColumn.PRICE).text == "480.2"  # best ask right above the inside
    assert ladder.cell(11, LadderColumn.PRICE).text == "480.0"  # best bid right below it


book_side = st.lists(
    st.tuples(st.integers(1, 5_000), st.integers(1, 900_000)),
    min_size=0,
    max_size=10,
    unique_by=lambda level: level[0],
)


@settings(max_examples=60, deadline=None)
@given(bids=book_side, asks=book_side)
def test_cumulative_sizes_are_running_sums_from_the_best_level_outwards(
    bids: list[tuple[int, int]], asks: list[tuple[int, int]]
) -> None:
    ladder = Ladder(US, lot_size=None)
    ladder.depth(
        [(str(D(400) - D(p) / 100), v) for p, v in bids],
        [(str(D(401) + D(p) / 100), v) for p, v in asks],
    )
    shown_bids, shown_asks = ladder.model.shown_levels()
    levels = ladder.model.levels()

    def exact(row: int, column: LadderColumn) -> int:  # "Selling 12,300 shares takes …": exact
        return int(ladder.tip(row, column).split()[1].replace(",", ""))

    running = 0
    for i, level in enumerate(shown_bids):
        running += level.volume
        assert exact(levels + 1 + i, LadderColumn.BID_CUM) == running
    running = 0
    for i, level in enumerate(shown_asks):
        running += level.volume
        assert exact(levels - 1 - i, LadderColumn.ASK_CUM) == running
    prices = [lv.price for lv in shown_bids]
    assert prices == sorted(prices, reverse=True)
    prices = [lv.price for lv in shown_asks]
    assert prices == sorted(prices)


def test_size_bars_are_scaled_to_the_biggest_level_shown_on_either_side() -> None:
    ladder = Ladder()
    ladder.depth([("480.0", 500), ("479.8", 1000)], [("480.2", 250)])
    bars = {
        (r, c): ladder.cell(r, c).bar
        for r in range(ladder.model.rowCount())
        for c in (LadderColumn.BID_SIZE, LadderColumn.ASK_SIZE)
        if ladder.cell(r, c).bar
    }
    assert sorted(bars.values()) == [0.25, 0.5, 1.0]
    assert ladder.cell(12, LadderColumn.BID_SIZE).bar_from_right
    assert not ladder.cell(9, LadderColumn.ASK_SIZE).bar_from_right


def test_only_the_best_bid_and_best_ask_are_flagged() -> None:
    ladder = Ladder()
    ladder.depth(*hk_book())
    strong_rows = [
        r for r in range(ladder.model.rowCount()) if ladder.cell(r, LadderColumn.PRICE).strong
    ]
    assert strong_rows == [9, 11]


def test_a_book_with_no_asks_is_shown_as_limit_up_not_as_an_error() -> None:
    ladder = Ladder()
    ladder.depth([("480.0", 100), ("479.8", 200)], [])
    assert ladder.ribbon().text == "No asks — limit up?"
    assert all(ladder.cell(r, LadderColumn.PRICE).text == "" for r in range(10))
    assert ladder.cell(11, LadderColumn.PRICE).text == "480.0"
    assert ladder.model.summary().spread == ""


def test_a_book_with_no_bids_is_shown_as_limit_down() -> None:
    ladder = Ladder()
    ladder.depth([], [("480.2", 100)])
    assert ladder.ribbon().text == "No bids — limit down?"


def test_an_empty_book_says_halted_and_a_missing_book_says_waiting() -> None:
    ladder = Ladder()
    assert ladder.ribbon().text == "Waiting for the order book…"
    assert ladder.model.summary().note == "Waiting for the order book…"
    ladder.depth([], [])
    assert ladder.ribbon().text == "Book empty — halted?"
    assert ladder.model.summary().note == ""


def test_a_us_book_with_one_level_is_three_rows_with_the_spread_between() -> None:
    ladder = Ladder(US, lot_size=None)
    ladder.depth([("189.23", 300)], [("189.25", 500)])
    assert ladder.model.rowCount() == 3
    assert ladder.column(LadderColumn.PRICE) == ["189.25", "", "189.23"]
    assert ladder.ribbon().text == "spread 0.02 · 2 ticks"
    summary = ladder.model.summary()
    assert (summary.spread, summary.spread_ticks, summary.mid) == ("0.02", 2, "189.24")


def test_hk_sizes_show_board_lots_and_the_header_says_so() -> None:
    ladder = Ladder(lot_size=400)
    ladder.depth([("480.0", 12_000)], [("480.2", 800)])
    assert ladder.cell(11, LadderColumn.BID_SIZE).text == "12,000"
    assert ladder.cell(11, LadderColumn.BID_SIZE).sub == " · 30"
    assert ladder.cell(9, LadderColumn.ASK_SIZE).sub == " ·  2"  # padded: lots line up
    title = ladder.model.headerData(int(LadderColumn.BID_SIZE), Qt.Orientation.Horizontal)
    assert title == "Bid · lots"
    us = Ladder(US, lot_size=None)
    us.depth([("189.23", 300)], [("189.25", 500)])
    assert us.cell(2, LadderColumn.BID_SIZE).sub == ""
    assert us.model.headerData(int(LadderColumn.BID_SIZE), Qt.Orientation.Horizontal) == "Bid"


def test_order_counts_appear_only_when_the_feed_gives_them(qtbot: QtBot) -> None:
    ladder = Ladder()
    ladder.depth(*hk_book())
    assert not ladder.model.has_order_counts()
    assert ladder.cell(11, LadderColumn.BID_ORDERS).text == ""
    with qtbot.waitSignal(ladder.model.orderCountsChanged) as blocker:
        ladder.depth(*hk_book(), orders=True)
    assert blocker.args == [True]
    assert ladder.cell(11, LadderColumn.BID_ORDERS).text == "3"


def test_the_last_trade_is_marked_on_its_level_or_in_the_inside_row() -> None:
    ladder = Ladder()
    ladder.depth(*hk_book())
    ladder.trade("479.8")
    assert ladder.cell(12, LadderColumn.PRICE).marker == LAST_MARKER
    assert ladder.ribbon().text.startswith("spread")
    ladder.trade("480.1")  # inside the spread
    assert not any(ladder.cell(r, LadderColumn.PRICE).marker for r in range(21))
    assert ladder.ribbon().text.startswith(f"{LAST_MARKER} 480.1")
    assert "inside the spread" in ladder.ribbon().sub


def test_a_size_change_at_the_same_price_flashes_and_fades(qtbot: QtBot) -> None:
    ladder = Ladder()
    bids, asks = hk_book()
    ladder.depth(bids, asks, now=1.0)
    bids[0] = (bids[0][0], 9_900)
    ladder.depth(bids, asks, now=2.0)
    assert ladder.cell(11, LadderColumn.BID_SIZE).flash is not None
    assert ladder.cell(12, LadderColumn.BID_SIZE).flash is None
    with qtbot.waitSignal(ladder.model.dataChanged):
        ladder.model.on_frame(set(), 2.0 + SIZE_FLASH_STEP_S * 1.5)
    assert ladder.cell(11, LadderColumn.BID_SIZE).flash is not None
    ladder.model.on_frame(set(), 2.0 + SIZE_FLASH_STEP_S * 3.5)
    assert ladder.cell(11, LadderColumn.BID_SIZE).flash is None


def test_a_book_that_moved_to_new_prices_does_not_flash() -> None:
    ladder = Ladder()
    bids, asks = hk_book()
    ladder.depth(bids, asks, now=1.0)
    shifted = [(f"{float(p) + 5.0:.1f}", v + 1) for p, v in bids]  # a jump to untouched prices
    ladder.depth(shifted, [(f"{float(p) + 5.0:.1f}", v + 1) for p, v in asks], now=2.0)
    assert not any(ladder.cell(r, LadderColumn.BID_SIZE).flash for r in range(21))


def test_another_symbols_change_does_not_touch_the_ladder(qtbot: QtBot) -> None:
    ladder = Ladder()
    ladder.depth(*hk_book())
    with qtbot.assertNotEmitted(ladder.model.dataChanged):
        ladder.model.on_frame({"AAPL.US"}, 5.0)


def test_a_changed_level_repaints_only_its_rows(qtbot: QtBot) -> None:
    ladder = Ladder()
    bids, asks = hk_book()
    ladder.depth(bids, asks, now=1.0)
    # The 9th ask (row 1): its size and the cumulative sizes from it outwards (rows 1 and 0)
    # change; the biggest level, which scales every bar, does not.
    asks[8] = (asks[8][0], 1_700)
    emitted: list[tuple[int, int]] = []
    ladder.model.dataChanged.connect(lambda a, b, roles=(): emitted.append((a.row(), b.row())))
    ladder.depth(bids, asks, now=10.0)
    assert emitted == [(0, 1)]


def test_a_plan_limit_note_replaces_the_book_until_cleared() -> None:
    ladder = Ladder()
    ladder.depth(*hk_book())
    ladder.model.set_note("Depth not streaming: plan limit")
    assert ladder.ribbon().text == "Depth not streaming: plan limit"
    assert ladder.model.summary().note == "Depth not streaming: plan limit"
    ladder.model.set_note(None)
    assert ladder.ribbon().text.startswith("spread")


def test_the_summary_gives_spread_in_ticks_and_a_mid_with_enough_decimals() -> None:
    ladder = Ladder()
    ladder.depth([("480.0", 100)], [("480.6", 100)])
    summary = ladder.model.summary()
    assert (summary.spread, summary.spread_ticks, summary.mid) == ("0.6", 3, "480.3")
    ladder.depth([("480.0", 100)], [("480.2", 100)])
    assert ladder.model.summary().mid == "480.1"
    cheap = Ladder("00005.HK")
    cheap.depth([("9.99", 400)], [("10.02", 400)])
    assert cheap.model.summary().spread_ticks == 2
    assert cheap.model.summary().mid == "10.005"


def test_a_cumulative_cell_says_what_sweeping_to_that_level_costs() -> None:
    ladder = Ladder()
    ladder.depth([("480.0", 100)], [("480.2", 100), ("480.4", 300)])
    tip = ladder.tip(8, LadderColumn.ASK_CUM)
    assert tip.startswith("Buying 400 shares takes 2 levels to 480.4: average 480.350")

"""QuoteTableModel: cached cells, minimal dataChanged, flash, in-model sorting and its throttle."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_columns import (
    DIM_BRUSH,
    DOWN_BRUSH,
    FLASH_DOWN_BRUSHES,
    FLASH_UP_BRUSHES,
    UP_BRUSH,
    ColumnId,
    QuoteCell,
)
from desktop.qt.quote_table_model import CELL_ROLE, SYMBOL_ROLE, QuoteTableModel

D = Decimal
T0_MS = 1_732_286_400_000  # 2024-11-22 14:40 UTC
LAST = int(ColumnId.LAST)
DISPLAY = Qt.ItemDataRole.DisplayRole


class Market:
    """A QuoteBook and a model over it, with helpers that feed real domain events."""

    def __init__(self, symbols: list[str]) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(symbols)
        self.seq = 0

    def reference(self, symbol: str, last: str, prev_close: str, name: str = "") -> None:
        ref = ReferenceData(
            symbol,
            name=name or f"{symbol} Corp.",
            prev_close=D(prev_close),
            open=D(prev_close),
            high=D(last),
            low=D(last),
            volume=1_000,
            turnover=D(last) * 1_000,
            last=D(last),
            last_time_ms=T0_MS,
            as_of_ms=T0_MS,
        )
        self.book.apply_reference(ref, 0.0)

    def tick(self, symbol: str, price: str, volume: int = 100) -> None:
        self.seq += 1
        tick = Tick(
            symbol, D(price), volume, None, TradeSide.BUY, T0_MS + self.seq * 1000, self.seq
        )
        self.book.apply_tick(tick, 0.0)

    def depth(self, symbol: str, bid: str, ask: str, bid_size: int = 100) -> None:
        book = DepthSnapshot(
            symbol, (DepthLevel(D(bid), bid_size),), (DepthLevel(D(ask), 200),), T0_MS
        )
        self.book.apply_depth(book, 0.0)

    def flush(self, now: float) -> int:
        return self.model.refresh(self.book.take_dirty(), now)

    def text(self, symbol: str, column: ColumnId) -> str:
        row = self.model.row_of(symbol)
        assert row is not None
        value = self.model.index(row, int(column)).data(DISPLAY)
        assert isinstance(value, str)
        return value

    def cell(self, symbol: str, column: ColumnId) -> QuoteCell:
        row = self.model.row_of(symbol)
        assert row is not None
        value = self.model.index(row, int(column)).data(CELL_ROLE)
        assert isinstance(value, QuoteCell)
        return value


class Spy:
    """Collects every dataChanged emission as the set of (row, column) cells it covers."""

    def __init__(self, model: QuoteTableModel) -> None:
        self.emits = 0
        self.cells: set[tuple[int, int]] = set()
        model.dataChanged.connect(self._on_changed)

    def _on_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any) -> None:
        self.emits += 1
        for row in range(top_left.row(), bottom_right.row() + 1):
            for column in range(top_left.column(), bottom_right.column() + 1):
                self.cells.add((row, column))


@pytest.fixture
def market() -> Market:
    m = Market(["AAPL.US", "00700.HK", "MSFT.US", "SIRI.US"])
    m.reference("AAPL.US", "189.84", "187.00", "Apple Inc.")
    m.reference("00700.HK", "480.2", "470.0", "Tencent Holdings Ltd.")
    m.reference("MSFT.US", "415.26", "420.00", "Microsoft Corporation")
    m.reference("SIRI.US", "0.8712", "0.8600", "Sirius XM Holdings Inc.")
    m.flush(0.0)
    return m


def test_the_model_passes_the_model_tester_after_fill_refresh_and_sort(
    market: Market, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(market.model)
    market.tick("AAPL.US", "190.01")
    market.depth("MSFT.US", "415.20", "415.30")
    market.flush(1.0)
    market.model.tick_flash(1.3)
    qtmodeltester.check(market.model)
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(market.model)
    market.model.set_symbols(["MSFT.US", "NVDA.US", "AAPL.US"])
    qtmodeltester.check(market.model)
    market.model.set_symbols([])
    qtmodeltester.check(market.model)


def test_the_python_model_tester_watches_every_signal_through_a_session(
    market: Market, qtmodeltester: ModelTester
) -> None:
    # The Python tester stays connected after one check() and asserts on each begin/end pair.
    qtmodeltester.check(market.model, force_py=True)
    market.tick("AAPL.US", "190.01")
    market.flush(1.0)
    market.model.tick_flash(1.3)
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    market.model.set_row_note("SIRI.US", "stale")
    market.model.set_symbols(["SIRI.US", "NVDA.US", "AAPL.US", "09988.HK"])
    market.model.sort(-1, Qt.SortOrder.AscendingOrder)
    market.model.set_symbols([])
    market.model.set_symbols(["AAPL.US"])
    assert market.model.rowCount() == 1


def test_cells_show_prices_at_tick_precision_with_signed_changes(market: Market) -> None:
    assert market.text("AAPL.US", ColumnId.LAST) == "189.84"
    assert market.text("AAPL.US", ColumnId.CHANGE) == "+2.84"
    assert market.text("00700.HK", ColumnId.LAST) == "480.2"
    assert market.text("00700.HK", ColumnId.CHANGE_PCT) == "+2.17%"
    assert market.text("MSFT.US", ColumnId.CHANGE) == "\u22124.74"
    assert market.text("SIRI.US", ColumnId.LAST) == "0.8712"
    assert market.text("AAPL.US", ColumnId.NAME) == "Apple Inc."
    assert market.text("AAPL.US", ColumnId.TIME) == "09:40:00 ET"  # every time says its zone
    assert market.text("00700.HK", ColumnId.TIME) == "22:40:00 HKT"


def test_refresh_emits_only_the_cells_that_changed(market: Market) -> None:
    spy = Spy(market.model)
    market.tick("AAPL.US", "190.00")  # Last, Chg, Chg %, High, Volume, Time move, and what
    changed = market.flush(1.0)  # follows from them: turnover, VWAP, change from open, range %
    row = market.model.row_of("AAPL.US")
    moved = {ColumnId.LAST, ColumnId.CHANGE, ColumnId.CHANGE_PCT, ColumnId.HIGH, ColumnId.VOLUME}
    moved |= {ColumnId.TIME, ColumnId.TURNOVER, ColumnId.VWAP, ColumnId.CHANGE_OPEN}
    moved |= {ColumnId.RANGE_POS}
    assert changed == len(moved)
    assert spy.cells == {(row, int(c)) for c in moved}
    assert spy.emits <= changed

    spy.cells.clear()
    market.depth("MSFT.US", "415.20", "415.30")
    assert market.flush(1.1) == 4  # bid, ask and both sizes
    row = market.model.row_of("MSFT.US")
    expected = {ColumnId.BID, ColumnId.ASK, ColumnId.BID_SIZE, ColumnId.ASK_SIZE}
    assert spy.cells == {(row, int(c)) for c in expected}


def test_a_dirty_symbol_whose_text_did_not_change_emits_nothing(market: Market) -> None:
    spy = Spy(market.model)
    assert market.model.refresh(["AAPL.US", "NOT.US"], 1.0) == 0
    assert spy.emits == 0


def test_a_row_where_most_cells_changed_is_emitted_as_one_range(market: Market) -> None:
    market.model.set_symbols([*market.model.symbols(), "NVDA.US"])
    spy = Spy(market.model)
    market.reference("NVDA.US", "121.44", "118.00")
    market.depth("NVDA.US", "121.40", "121.45")
    assert market.flush(1.0) > 7
    row = market.model.row_of("NVDA.US")
    assert spy.emits == 1
    assert spy.cells == {(row, c) for c in range(market.model.columnCount())}


def test_data_only_reads_cached_strings_and_never_formats(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> str:
        raise AssertionError("data() formatted a value")

    for name in ("format_price", "format_change", "format_change_pct", "format_volume"):
        monkeypatch.setattr(f"desktop.qt.quote_columns.{name}", refuse)
    model = market.model
    roles = [int(role) for role in Qt.ItemDataRole] + [CELL_ROLE, SYMBOL_ROLE]
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in roles:
                model.index(row, column).data(role)


def test_a_price_move_flashes_its_cell_and_the_flash_fades_then_expires(market: Market) -> None:
    market.tick("AAPL.US", "190.00")
    market.flush(10.0)
    assert market.cell("AAPL.US", ColumnId.LAST).bg is FLASH_UP_BRUSHES[0]
    spy = Spy(market.model)
    assert market.model.tick_flash(10.1) == 0  # same step: nothing to repaint
    assert market.model.tick_flash(10.25) >= 1
    assert market.cell("AAPL.US", ColumnId.LAST).bg is FLASH_UP_BRUSHES[1]
    market.model.tick_flash(10.45)
    assert market.cell("AAPL.US", ColumnId.LAST).bg is FLASH_UP_BRUSHES[2]
    market.model.tick_flash(10.7)
    assert market.cell("AAPL.US", ColumnId.LAST).bg is None
    row = market.model.row_of("AAPL.US")
    assert (row, LAST) in spy.cells
    assert market.model.tick_flash(11.0) == 0


def test_a_down_move_flashes_in_the_down_colour_and_values_arriving_do_not_flash(
    market: Market,
) -> None:
    market.tick("MSFT.US", "415.00")
    market.depth("MSFT.US", "414.90", "415.10")  # first book: no previous value, no flash
    market.flush(5.0)
    assert market.cell("MSFT.US", ColumnId.LAST).bg is FLASH_DOWN_BRUSHES[0]
    assert market.cell("MSFT.US", ColumnId.BID).bg is None
    assert market.cell("MSFT.US", ColumnId.VOLUME).bg is None  # volume never flashes


def test_the_last_cell_carries_a_direction_glyph_so_colour_is_not_the_only_cue(
    market: Market,
) -> None:
    market.tick("AAPL.US", "190.00")
    market.tick("MSFT.US", "415.00")
    market.flush(1.0)
    up = market.cell("AAPL.US", ColumnId.LAST)
    assert (up.text, up.glyph, up.display) == ("190.00", "▲", "190.00 ▲")
    assert market.cell("MSFT.US", ColumnId.LAST).glyph == "▼"
    assert market.cell("00700.HK", ColumnId.LAST).glyph == ""


def test_change_columns_are_coloured_by_sign(market: Market) -> None:
    assert market.cell("AAPL.US", ColumnId.CHANGE).fg is UP_BRUSH
    assert market.cell("AAPL.US", ColumnId.CHANGE_PCT).fg is UP_BRUSH
    assert market.cell("MSFT.US", ColumnId.CHANGE).fg is DOWN_BRUSH
    row = market.model.row_of("MSFT.US")
    fg = market.model.index(row, int(ColumnId.CHANGE)).data(Qt.ItemDataRole.ForegroundRole)
    assert fg.color() == DOWN_BRUSH.color()


def test_sorting_is_numeric_not_lexicographic(market: Market) -> None:
    market.model.sort(LAST, Qt.SortOrder.AscendingOrder)
    assert market.model.symbols() == ["SIRI.US", "AAPL.US", "MSFT.US", "00700.HK"]
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    assert market.model.symbols() == ["00700.HK", "MSFT.US", "AAPL.US", "SIRI.US"]


def test_sorting_is_stable_and_keeps_empty_values_last_in_both_orders() -> None:
    m = Market(["A.US", "B.US", "C.US", "D.US", "E.US"])
    for symbol in ("B.US", "D.US"):
        m.reference(symbol, "10.00", "9.00")
    m.reference("E.US", "5.00", "5.50")
    m.flush(0.0)
    m.model.sort(LAST, Qt.SortOrder.AscendingOrder)
    assert m.model.symbols() == ["E.US", "B.US", "D.US", "A.US", "C.US"]
    m.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    assert m.model.symbols() == ["B.US", "D.US", "E.US", "A.US", "C.US"]
    m.model.sort(-1, Qt.SortOrder.AscendingOrder)
    assert m.model.symbols() == ["A.US", "B.US", "C.US", "D.US", "E.US"]


def test_sorting_keeps_persistent_indexes_on_their_symbols(market: Market) -> None:
    model = market.model
    keep = {s: QPersistentModelIndex(model.index(model.row_of(s) or 0, LAST)) for s in ("AAPL.US",)}
    keep["SIRI.US"] = QPersistentModelIndex(model.index(model.row_of("SIRI.US") or 0, 0))
    model.sort(LAST, Qt.SortOrder.DescendingOrder)
    for symbol, index in keep.items():
        assert index.isValid()
        assert index.row() == model.row_of(symbol)
        assert index.data(SYMBOL_ROLE) == symbol
    assert keep["AAPL.US"].column() == LAST


def test_layout_signals_surround_a_reorder_and_are_skipped_when_nothing_moves(
    market: Market,
) -> None:
    seen: list[str] = []
    market.model.layoutAboutToBeChanged.connect(lambda *a: seen.append("about"))
    market.model.layoutChanged.connect(lambda *a: seen.append("changed"))
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    assert seen == ["about", "changed"]
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    assert seen == ["about", "changed"]


def test_an_error_inside_sort_is_logged_and_never_escapes_to_qt(
    market: Market, caplog: pytest.LogCaptureFixture
) -> None:
    row = market.model._rows[0]  # white-box: force an incomparable key
    row.keys[LAST] = "not a number"
    with caplog.at_level(logging.ERROR):
        market.model.sort(LAST, Qt.SortOrder.AscendingOrder)
    assert "sorting the watchlist" in caplog.text


def test_a_moving_sort_column_resorts_at_most_every_interval(market: Market) -> None:
    model = market.model
    model.sort(LAST, Qt.SortOrder.DescendingOrder)
    model.resort_if_due(0.0)
    market.tick("SIRI.US", "999.00")
    market.flush(1.0)
    assert model.is_order_stale()
    assert model.resort_if_due(1.0)
    assert model.symbols()[0] == "SIRI.US"
    market.tick("AAPL.US", "1999.00")
    market.flush(1.2)
    assert not model.resort_if_due(1.2)  # 0.2 s after the last re-sort
    assert model.symbols()[0] == "SIRI.US"
    assert model.resort_if_due(1.6)
    assert model.symbols()[0] == "AAPL.US"


def test_changes_outside_the_sort_column_do_not_mark_the_order_stale(market: Market) -> None:
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    market.depth("AAPL.US", "189.80", "189.90")
    market.flush(1.0)
    assert not market.model.is_order_stale()


def test_hold_order_prevents_resorts_until_released(market: Market) -> None:
    model = market.model
    model.sort(LAST, Qt.SortOrder.DescendingOrder)
    before = model.symbols()
    model.hold_order(True)
    market.tick("SIRI.US", "999.00")
    market.flush(1.0)
    assert not model.resort_if_due(5.0)
    assert model.symbols() == before
    model.hold_order(False)
    assert model.resort_if_due(5.1)
    assert model.symbols()[0] == "SIRI.US"


def test_flush_refreshes_fades_and_resorts_in_one_call(market: Market) -> None:
    model = market.model
    model.set_resort_interval(0.0)
    model.sort(LAST, Qt.SortOrder.AscendingOrder)
    market.tick("00700.HK", "0.5")
    assert model.flush(market.book.take_dirty(), 2.0) > 0
    assert model.symbols()[0] == "00700.HK"


def test_set_symbols_inserts_and_removes_rows_and_tracks_new_symbols(
    market: Market, qtmodeltester: ModelTester
) -> None:
    model = market.model
    qtmodeltester.check(model)
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda parent, first, last: removed.append((first, last)))
    model.set_symbols(["AAPL.US", "NVDA.US", "00700.HK", "09988.HK"])
    assert removed == [(2, 3)]  # MSFT and SIRI sat next to each other: one block
    assert inserted == [(1, 1), (3, 3)]  # each new symbol goes in at its place in the list
    assert model.symbols() == ["AAPL.US", "NVDA.US", "00700.HK", "09988.HK"]
    assert market.book.get("NVDA.US") is not None
    assert model.symbol_at(1) == "NVDA.US"
    assert model.symbol_at(9) is None
    assert model.row_of("MSFT.US") is None
    removed.clear()
    model.set_symbols(["NVDA.US", "09988.HK"])  # rows 0 and 2 go: two blocks, bottom first
    assert removed == [(2, 2), (0, 0)]
    assert model.symbols() == ["NVDA.US", "09988.HK"]


def test_new_symbols_join_a_sorted_table_in_order(market: Market) -> None:
    market.model.sort(LAST, Qt.SortOrder.DescendingOrder)
    market.book.track("BIG.US")
    market.reference("BIG.US", "5000.00", "4900.00")
    market.model.set_symbols([*market.model.symbols(), "BIG.US"])
    assert market.model.symbols()[0] == "BIG.US"


def test_rows_as_displayed_follow_display_order_without_glyphs(market: Market) -> None:
    market.tick("AAPL.US", "190.00")
    market.flush(1.0)
    market.model.sort(LAST, Qt.SortOrder.AscendingOrder)
    titles = market.model.column_titles()
    rows = market.model.rows_as_displayed()
    assert titles[:5] == ["Symbol", "Name", "Last", "Chg", "Chg %"]
    assert [row[0] for row in rows] == market.model.symbols()
    aapl = rows[market.model.symbols().index("AAPL.US")]
    assert aapl[LAST] == "190.00"
    assert len(aapl) == len(titles)


def test_a_row_note_replaces_the_last_price_dimmed_until_cleared(market: Market) -> None:
    spy = Spy(market.model)
    market.model.set_row_note("AAPL.US", "not streaming — plan limit")
    cell = market.cell("AAPL.US", ColumnId.LAST)
    assert (cell.text, cell.fg, cell.glyph) == ("not streaming — plan limit", DIM_BRUSH, "")
    row = market.model.row_of("AAPL.US")
    assert spy.cells == {(row, LAST)}
    assert market.model.row_note("AAPL.US") == "not streaming — plan limit"
    market.tick("AAPL.US", "191.00")
    market.flush(1.0)
    assert market.text("AAPL.US", ColumnId.LAST) == "not streaming — plan limit"
    assert market.text("AAPL.US", ColumnId.CHANGE) == "+4.00"
    market.model.set_row_note("AAPL.US", None)
    assert market.text("AAPL.US", ColumnId.LAST) == "191.00 ▲"


def test_tooltips_give_exact_volume_and_turnover_and_the_full_name(market: Market) -> None:
    model = market.model
    row = model.row_of("AAPL.US")
    tooltip = Qt.ItemDataRole.ToolTipRole
    volume = model.index(row, int(ColumnId.VOLUME)).data(tooltip)
    assert "Volume 1,000 shares" in volume
    assert "Turnover 189,840 USD" in volume
    assert model.index(row, int(ColumnId.NAME)).data(tooltip) == "<qt>Apple Inc.</qt>"
    assert "Apple Inc." in model.index(row, int(ColumnId.SYMBOL)).data(tooltip)


def test_a_name_from_the_network_that_looks_like_markup_is_escaped_in_tooltips(
    market: Market,
) -> None:
    market.reference("MSFT.US", "415.26", "420.00", "<b>Micro</b> & Soft")
    market.flush(1.0)
    row = market.model.row_of("MSFT.US")
    tip = market.model.index(row, int(ColumnId.NAME)).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "<qt>&lt;b&gt;Micro&lt;/b&gt; &amp; Soft</qt>"


def test_headers_give_titles_first_click_order_and_the_sort_arrow(market: Market) -> None:
    model = market.model
    horizontal = Qt.Orientation.Horizontal
    initial = Qt.ItemDataRole.InitialSortOrderRole
    assert model.headerData(LAST, horizontal) == "Last"
    assert model.headerData(LAST, horizontal, initial) == Qt.SortOrder.DescendingOrder.value
    assert model.headerData(0, horizontal, initial) == Qt.SortOrder.AscendingOrder.value
    model.sort(LAST, Qt.SortOrder.DescendingOrder)
    assert model.headerData(LAST, horizontal) == "▾ Last"
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.headerData(0, horizontal) == "Symbol ▴"
    assert model.headerData(LAST, horizontal) == "Last"
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_rows_off_screen_are_announced_and_formatted_only_when_they_come_into_view() -> None:
    m = Market(["AAPL.US", "MSFT.US", "NVDA.US"])
    for symbol in ("AAPL.US", "MSFT.US", "NVDA.US"):
        m.reference(symbol, "100.00", "100.00")
    m.flush(1.0)
    m.model.set_visible_rows(0, 0)  # the view shows AAPL only
    spy = Spy(m.model)
    m.tick("AAPL.US", "101.00")
    m.tick("NVDA.US", "103.00")
    m.flush(2.0)
    assert {r for r, _ in spy.cells} == {0}
    assert m.text("NVDA.US", ColumnId.LAST).startswith("100.00")  # stale until shown
    m.model.set_visible_rows(1, 2)  # scrolled down
    assert {r for r, _ in spy.cells} == {0, 2}
    assert m.text("NVDA.US", ColumnId.LAST).startswith("103.00")
    assert m.cell("NVDA.US", ColumnId.LAST).bg is None  # caught up, not flashed


def _sorted_by_last_showing_one_row() -> Market:
    """Three symbols at 100.00, sorted by Last, the view showing only the top row."""
    m = Market(["AAPL.US", "MSFT.US", "NVDA.US"])
    for symbol in ("AAPL.US", "MSFT.US", "NVDA.US"):
        m.reference(symbol, "100.00", "100.00")
    m.flush(1.0)
    m.model.sort(int(ColumnId.LAST), Qt.SortOrder.DescendingOrder)
    m.model.set_visible_rows(0, 0)
    return m


def test_an_off_screen_row_still_moves_in_the_sort_order() -> None:
    m = _sorted_by_last_showing_one_row()
    m.tick("NVDA.US", "150.00")
    m.flush(2.0)
    assert m.model.is_order_stale()
    assert m.model.resort_if_due(10.0)
    assert m.model.symbols()[0] == "NVDA.US"
    assert m.text("NVDA.US", ColumnId.LAST).startswith("150.00")  # fresh once on screen
    assert m.model.rows_as_displayed()[1][int(ColumnId.LAST)] == "100.00"


def test_an_off_screen_row_is_rekeyed_once_per_re_sort_not_once_per_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m = _sorted_by_last_showing_one_row()
    formatter = m.model._formatter
    rekeyed: list[str] = []
    rekey = formatter.rekey
    monkeypatch.setattr(
        formatter,
        "rekey",
        lambda symbols, rows, row_of: (rekeyed.extend(symbols), rekey(symbols, rows, row_of)),
    )
    m.tick("NVDA.US", "110.00")
    m.model.flush(m.book.take_dirty(), 2.0)  # an automatic re-sort: the interval starts
    assert rekeyed == ["NVDA.US"] and m.model.symbols()[0] == "NVDA.US"
    m.tick("AAPL.US", "90.00")
    m.model.flush(m.book.take_dirty(), 2.0)
    rekeyed.clear()
    for frame, price in enumerate(("120.00", "130.00", "150.00")):
        m.tick("AAPL.US", price)
        m.model.flush(m.book.take_dirty(), 2.1 + frame * 0.1)  # within the interval
    assert rekeyed == []
    assert m.model.resort_if_due(10.0)
    assert rekeyed == ["AAPL.US"]
    assert m.model.symbols()[0] == "AAPL.US"


def test_a_big_re_sort_spreads_its_key_pass_over_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    symbols = [f"S{i:03d}.US" for i in range(200)]
    m = Market(symbols)
    for symbol in symbols:
        m.reference(symbol, "100.00", "100.00")
    m.flush(1.0)
    m.model.sort(int(ColumnId.LAST), Qt.SortOrder.DescendingOrder)
    m.model.set_visible_rows(0, 9)
    for i, symbol in enumerate(symbols):
        m.tick(symbol, f"{101 + i}.00")  # the last symbol now sorts first
    m.flush(2.0)
    monkeypatch.setattr("desktop.qt.quote_table_model.REKEY_SLICE_S", 0.0)  # one block a frame
    frames = [m.model.resort_if_due(3.0 + k * 0.016) for k in range(4)]
    assert frames == [False, False, False, True]  # 64 + 64 + 64 keys, then the last 8 and sort
    assert m.model.symbols()[0] == symbols[-1]


# -- Trend column and alert badges -----------------------------------------------------


def test_the_trend_cell_changes_only_when_the_symbols_line_moves(
    market: Market, qtmodeltester: ModelTester
) -> None:
    from desktop.domain.sparklines import SparklineStore
    from desktop.qt.quote_columns import SparkCell
    from desktop.qt.quote_table_model import SPARK_ROLE

    sparks = SparklineStore()
    market.book.add_trade_listener(sparks.add_trade)
    market.model.set_sparklines(sparks)
    trend = int(ColumnId.TREND)
    row = market.model.row_of("AAPL.US") or 0
    before = market.model.index(row, trend).data(SPARK_ROLE)
    assert isinstance(before, SparkCell) and before.prev_close == 187.0
    spy = Spy(market.model)
    market.depth("AAPL.US", "189.80", "189.90")  # a book update does not move the line
    market.flush(1.0)
    assert (row, trend) not in spy.cells
    market.tick("AAPL.US", "190.50")
    market.flush(2.0)
    assert (row, trend) in spy.cells
    after = market.model.index(row, trend).data(SPARK_ROLE)
    assert isinstance(after, SparkCell) and after.version > before.version
    assert sparks.last_price("AAPL.US") == 190.5
    qtmodeltester.check(market.model)


def test_an_alert_badge_rides_on_the_symbol_cell_with_its_note_in_the_tooltip(
    market: Market,
) -> None:
    from desktop.qt.quote_columns import BADGE_ARMED, BADGE_FIRED, BELL

    spy = Spy(market.model)
    market.model.set_badge("AAPL.US", BADGE_FIRED, "Alert fired at 10:00:00")
    row = market.model.row_of("AAPL.US") or 0
    symbol_col = int(ColumnId.SYMBOL)
    assert spy.cells == {(row, symbol_col)}
    assert market.cell("AAPL.US", ColumnId.SYMBOL).badge == BADGE_FIRED
    assert market.text("AAPL.US", ColumnId.SYMBOL) == f"AAPL.US {BELL}"
    tip = market.model.index(row, symbol_col).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("<br>Alert fired at 10:00:00</qt>")
    market.model.set_badge("AAPL.US", BADGE_ARMED)
    assert market.model.badge("AAPL.US") == BADGE_ARMED
    market.model.set_badge("AAPL.US", 0)
    assert market.text("AAPL.US", ColumnId.SYMBOL) == "AAPL.US"
    market.tick("AAPL.US", "191.00")
    market.flush(1.0)
    assert market.cell("AAPL.US", ColumnId.SYMBOL).badge == 0


def test_rows_without_data_share_one_blank_cell_per_column_and_a_price_gets_its_own() -> None:
    market = Market(["AAPL.US", "MSFT.US"])
    blank = market.cell("AAPL.US", ColumnId.LAST)
    assert blank is market.cell("MSFT.US", ColumnId.LAST)
    assert (blank.text, blank.fg, blank.bg) == ("", None, None)
    market.reference("AAPL.US", "190.50", "189.00")
    market.flush(1.0)
    assert market.cell("AAPL.US", ColumnId.LAST).text == "190.50"
    assert market.cell("MSFT.US", ColumnId.LAST) is blank and blank.text == ""

"""The tape model against literal trades: order, filter, big prints, time zones, dividers, hold."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.domain.formatting import FIGURE_SPACE
from desktop.domain.gaps import Gap
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.tape import TapeBook
from desktop.qt.tape_model import BIG_BRUSH, TapeModel

# 2026-03-02 15:00:00.125 UTC = 10:00:00.125 ET (EST) = 23:00:00.125 HKT
T0 = 1_772_463_600_125
DISPLAY = Qt.ItemDataRole.DisplayRole


def tick(symbol: str, price: str, size: int, side: int = 1, ms: int = 0) -> Tick:
    return Tick(symbol, Decimal(price), size, None, TradeSide(side), T0 + ms)


def texts(model: TapeModel, row: int) -> list[str]:
    return [model.data(model.index(row, c), DISPLAY) for c in range(model.columnCount())]


def test_prints_appear_newest_first_with_exchange_time_to_the_ms_in_new_york(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("AAPL.US")
    tape.add(tick("AAPL.US", "189.23", 300, side=1))
    tape.add(tick("AAPL.US", "189.22", 50, side=2, ms=7))
    model.on_frame({"AAPL.US"}, 0.0)
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal, DISPLAY) == "Time ET"
    assert texts(model, 0) == ["10:00:00.132", "189.22", "50", "▼ S"]
    assert texts(model, 1) == ["10:00:00.125", "189.23", "300", "▲ B"]


def test_a_hong_kong_tape_is_labelled_hkt_and_shows_hong_kong_time() -> None:
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("00700.HK")
    tape.add(tick("00700.HK", "480.2", 1_000, side=0))
    model.on_frame({"00700.HK"}, 0.0)
    assert model.headerData(0, Qt.Orientation.Horizontal, DISPLAY) == "Time HKT"
    assert texts(model, 0) == ["23:00:00.125", "480.2", "1,000", "• N"]
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole).startswith("Neutral")


def test_the_minimum_size_filter_hides_small_prints_and_keeps_dividers() -> None:
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("AAPL.US")
    for size in (10, 500, 99, 100):
        tape.add(tick("AAPL.US", "189.23", size))
    tape.mark_gap(T0 + 50, "Feed reconnected")
    model.on_frame({"AAPL.US"}, 0.0)
    model.set_min_size(100)
    sizes = [texts(model, r)[2] for r in range(model.rowCount())]
    assert sizes == ["", "100", "500"]
    assert "Feed reconnected" in texts(model, 0)[0]


def test_a_big_print_is_highlighted_and_says_how_big_in_words(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    tape = TapeBook(min_prints=4)
    model = TapeModel(tape)
    model.set_symbol("AAPL.US")
    for i in range(4):
        tape.add(tick("AAPL.US", "189.23", 100, ms=i))
    tape.add(tick("AAPL.US", "189.25", 1_200, ms=9))
    model.on_frame({"AAPL.US"}, 0.0)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole) is BIG_BRUSH
    assert model.data(model.index(1, 2), Qt.ItemDataRole.BackgroundRole) is None
    tip = model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Big print: 12.0× today's median print")


def test_a_reconnect_divider_shows_where_prints_may_be_missing() -> None:
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("AAPL.US")
    tape.add(tick("AAPL.US", "189.23", 100))
    model.on_frame({"AAPL.US"}, 0.0)
    tape.mark_gap(T0 + 1_000, "Feed reconnected after 12 s: prints may be missing")
    tape.add(tick("AAPL.US", "189.30", 100, ms=2_000))
    model.on_frame(set(), 0.0)  # a divider alone makes no symbol dirty: still pulled
    assert texts(model, 1)[0] == (
        "10:00:01.125  Feed reconnected after 12 s: prints may be missing"
    )
    assert model.data(model.index(1, 0), Qt.ItemDataRole.UserRole + 2) is True
    assert texts(model, 0)[1] == "189.30"


def test_a_ledger_outage_is_a_divider_row_that_says_when_nothing_was_received() -> None:
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("AAPL.US")
    tape.add(tick("AAPL.US", "189.23", 100))
    model.on_frame({"AAPL.US"}, 0.0)
    tape.mark_outage(Gap(0, T0 + 1_000, T0 + 43_000, ("AAPL.US",), reason="server closed"))
    tape.add(tick("AAPL.US", "189.30", 100, ms=44_000))
    model.on_frame({"AAPL.US"}, 0.0)
    assert texts(model, 1)[0] == "10:00:43.125  gap 42 s · reconnected"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.UserRole + 2) is True
    tip = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip == (
        "No prints were received from 10:00:01 to 10:00:43 (server closed): "
        "prints may be missing above."
    )


def test_a_divider_on_screen_learns_how_much_traded_in_place(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    tape = TapeBook()
    model = TapeModel(tape)
    qtmodeltester.check(model)
    model.set_symbol("AAPL.US")
    gap = Gap(0, T0 + 1_000, T0 + 43_000, ("AAPL.US",), reason="server closed")
    tape.mark_outage(gap)
    tape.add(tick("AAPL.US", "189.30", 100, ms=44_000))
    model.on_frame({"AAPL.US"}, 0.0)
    rows, inserted = model.rowCount(), model.inserted
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append(top.row()))
    tape.mark_outage(Gap(0, gap.start_ms, gap.end_ms, gap.symbols, {"AAPL.US": 18_000}))
    model.on_frame({"AAPL.US"}, 0.0)
    assert texts(model, 1)[0] == "10:00:43.125  gap 42 s · ~18.0K shares traded"
    assert changed == [1] and model.rowCount() == rows and model.inserted == inserted
    tip = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("about 18,000 shares traded meanwhile.")


def test_holding_the_tape_keeps_rows_still_and_counts_what_waits() -> None:
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("AAPL.US")
    tape.add(tick("AAPL.US", "189.23", 100))
    model.on_frame({"AAPL.US"}, 0.0)
    model.set_held(True)
    for i in range(3):
        tape.add(tick("AAPL.US", "189.24", 200, ms=i + 1))
    model.on_frame({"AAPL.US"}, 0.0)
    assert model.rowCount() == 1 and model.pending() == 3
    model.set_held(False)
    assert model.rowCount() == 4 and model.pending() == 0


def test_hong_kong_prices_are_padded_to_the_columns_widest_precision() -> None:
    tape = TapeBook()
    model = TapeModel(tape)
    model.set_symbol("00005.HK")
    tape.add(tick("00005.HK", "99.95", 400))
    tape.add(tick("00005.HK", "100.1", 400, ms=1))
    model.on_frame({"00005.HK"}, 0.0)
    assert texts(model, 0)[1] == "100.1" + FIGURE_SPACE
    assert texts(model, 1)[1] == "99.95"


def test_the_table_keeps_at_most_its_row_limit(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    tape = TapeBook()
    model = TapeModel(tape, max_rows=5)
    qtmodeltester.check(model)  # the C++ tester stays attached: every insert and removal below
    model.set_symbol("AAPL.US")
    tape.mark_gap(T0, "Feed reconnected")
    for batch in range(3):
        for i in range(4):
            tape.add(tick("AAPL.US", "189.23", 100 + batch * 10 + i, ms=batch * 10 + i))
        model.on_frame({"AAPL.US"}, 0.0)
    model.set_min_size(110)
    assert model.rowCount() == 5
    assert [texts(model, r)[2] for r in range(5)] == ["123", "122", "121", "120", "113"]

"""The column chooser lists every column, searches names and descriptions, and hides columns;
numbers of a column line up on the decimal point."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import ReferenceData
from desktop.qt.quote_columns import QUOTE_COLUMNS, ColumnId
from desktop.widgets.delegates import fraction_chars
from desktop.widgets.watchlist_panel import WatchlistPanel
from tests.widgets.conftest import watchlist_panel


def panel(qtbot: QtBot, tmp_path: Path, symbols: list[str]) -> WatchlistPanel:
    shown = watchlist_panel(tmp_path / "q.db", symbols)
    qtbot.addWidget(shown)
    shown.resize(1400, 400)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_every_column_is_listed_and_the_search_finds_by_description(
    qtbot: QtBot, tmp_path: Path
) -> None:
    view = panel(qtbot, tmp_path, ["AAPL"]).current_view()
    assert view is not None
    chooser = view.column_chooser()
    qtbot.addWidget(chooser)
    assert chooser.visible_titles() == [column.title for column in QUOTE_COLUMNS]
    qtbot.keyClicks(chooser.search, "weighted")
    assert chooser.visible_titles() == ["VWAP"]
    chooser.search.clear()
    qtbot.keyClicks(chooser.search, "52")
    assert chooser.visible_titles() == ["52W High", "52W Low"]


def test_unticking_a_column_hides_it_and_symbol_cannot_be_hidden(
    qtbot: QtBot, tmp_path: Path
) -> None:
    view = panel(qtbot, tmp_path, ["AAPL"]).current_view()
    assert view is not None
    chooser = view.column_chooser()
    qtbot.addWidget(chooser)
    chooser.set_checked("rel_volume", False)
    assert view.is_column_hidden("rel_volume")
    chooser.set_checked("symbol", False)
    assert not view.is_column_hidden("symbol")
    chooser.search.setText("turnover")
    qtbot.keyClick(chooser, Qt.Key.Key_Return)
    assert view.is_column_hidden("turnover")


def test_fraction_chars_counts_digits_after_the_point() -> None:
    assert [fraction_chars(t) for t in ("480.2", "3.45", "0.128", "1,234", "+1.23%")] == [
        1, 2, 3, 0, 3,
    ]  # fmt: skip


def test_hong_kong_and_us_prices_align_on_the_widest_precision(
    qtbot: QtBot, tmp_path: Path
) -> None:
    shown = panel(qtbot, tmp_path, ["00700", "00005", "SIRI"])
    view = shown.current_view()
    assert view is not None
    book = view.quote_model()._book
    for symbol, last in (("00700.HK", "480.2"), ("00005.HK", "63.45"), ("SIRI.US", "0.8712")):
        book.apply_reference(ReferenceData(symbol, last=Decimal(last), last_time_ms=1), 0.0)
    view.quote_model().refresh(book.take_dirty(), 1.0)
    view.grab()  # paints every visible cell
    assert view.cell_delegate().decimal_widths()[int(ColumnId.LAST)] == 4

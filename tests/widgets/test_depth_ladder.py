"""DepthLadder + DepthLadderDelegate: header values, layout per market, bars painted where due."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.depth_ladder_cells import LadderColumn
from desktop.qt.depth_model import DepthLadderModel
from desktop.widgets.depth_ladder import DepthLadder

D = Decimal


class Shown:
    """A book, a model and a shown ladder for one symbol."""

    def __init__(self, qtbot: QtBot, symbol: str = "00700.HK") -> None:
        self.symbol = symbol
        self.book = QuoteBook()
        self.book.track(symbol)
        self.book.apply_reference(ReferenceData(symbol, name="Tencent <b>Holdings</b>"), 0.0)
        self.model = DepthLadderModel(self.book)
        self.model.set_symbol(symbol)
        self.ladder = DepthLadder(self.model)
        self.ladder.resize(540, 600)
        qtbot.addWidget(self.ladder)
        self.ladder.show()
        qtbot.waitExposed(self.ladder)

    def depth(self, bids: list[tuple[str, int]], asks: list[tuple[str, int]]) -> None:
        snapshot = DepthSnapshot(
            self.symbol,
            tuple(DepthLevel(D(p), v) for p, v in bids),
            tuple(DepthLevel(D(p), v) for p, v in asks),
            1_732_286_400_000,
        )
        self.book.apply_depth(snapshot, 1.0)
        self.model.on_frame(self.book.take_dirty(), 1.0)

    def trade(self, price: str) -> None:
        tick = Tick(self.symbol, D(price), 100, None, TradeSide.BUY, 1_732_286_400_500, 1)
        self.book.apply_tick(tick, 1.0)
        self.model.on_frame(self.book.take_dirty(), 1.0)

    def image(self) -> QImage:
        return self.ladder.view().viewport().grab().toImage()

    def cell_rect_x(self, row: int, column: LadderColumn) -> tuple[int, int, int]:
        view = self.ladder.view()
        rect = view.visualRect(self.model.index(row, int(column)))
        return rect.left(), rect.right(), rect.center().y()


def bid_bar(color: QColor) -> bool:
    """A bid bar pixel: teal, brighter than the faint tint of a bid row."""
    return color.green() > 60 and color.green() > color.red() + 20


def ask_bar(color: QColor) -> bool:
    """An ask bar pixel: orange, brighter than the faint tint of an ask row."""
    return color.red() > 60 and color.red() > color.blue() + 20


def test_the_header_shows_last_spread_in_ticks_and_mid_with_names_as_plain_text(
    qtbot: QtBot,
) -> None:
    shown = Shown(qtbot)
    shown.depth([("480.0", 100)], [("480.4", 200)])
    shown.trade("480.2")
    texts = shown.ladder.header_texts()
    assert texts["symbol"] == "00700.HK"
    assert texts["name"] == "Tencent <b>Holdings</b>"  # PlainText labels: shown, not rendered
    assert texts["last"] == "480.2"
    assert texts["spread"] == "0.4 · 2 ticks"
    assert texts["mid"] == "480.2"
    assert texts["note"] == ""


def test_the_inside_row_spans_the_table_and_order_columns_hide_without_counts(
    qtbot: QtBot,
) -> None:
    shown = Shown(qtbot)
    view = shown.ladder.view()
    assert view.columnSpan(shown.model.inside_row(), 0) == len(LadderColumn)
    assert view.isColumnHidden(int(LadderColumn.BID_ORDERS))
    assert view.isColumnHidden(int(LadderColumn.ASK_ORDERS))


def test_a_one_level_us_book_keeps_its_rows_together_and_says_why(qtbot: QtBot) -> None:
    shown = Shown(qtbot, "AAPL.US")
    shown.depth([("189.23", 300)], [("189.25", 500)])
    assert shown.model.rowCount() == 3
    assert shown.ladder.view().maximumHeight() == shown.ladder.table_height()
    assert shown.ladder.footnote().startswith("Top of book only")
    hk = Shown(qtbot)
    assert hk.ladder.footnote() == ""


def test_bid_bars_grow_from_the_price_leftwards_and_ask_bars_rightwards(qtbot: QtBot) -> None:
    shown = Shown(qtbot)
    # The best levels are a quarter of the biggest (1000, the second bid level).
    shown.depth([("480.0", 250), ("479.8", 1000)], [("480.2", 250)])
    image = shown.image()
    left, right, y = shown.cell_rect_x(11, LadderColumn.BID_SIZE)
    assert bid_bar(image.pixelColor(right - 3, y + 6))  # the bar touches the price column
    assert not bid_bar(image.pixelColor(left + 3, y + 6))  # and stops a quarter of the way
    left, right, y = shown.cell_rect_x(12, LadderColumn.BID_SIZE)
    assert bid_bar(image.pixelColor(left + 3, y + 6))  # the biggest level fills its cell
    left, right, y = shown.cell_rect_x(9, LadderColumn.ASK_SIZE)
    assert ask_bar(image.pixelColor(left + 3, y + 6))
    assert not ask_bar(image.pixelColor(left + (right - left) * 6 // 10, y + 6))  # past the text

"""WatchlistView + QuoteCellDelegate: header sorting, selection kept by symbol, flash painting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QHeaderView
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.palette import DARK
from desktop.qt.quote_columns import QUOTE_COLUMNS, ColumnId
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.widgets.theme import apply_theme, qt_palette
from desktop.widgets.watchlist_view import WatchlistView
from tests.conftest import TIMEOUT_S

D = Decimal
T0_MS = 1_732_286_400_000
LAST = int(ColumnId.LAST)
WAIT_MS = int(TIMEOUT_S * 1000)
PRICES = {"AAPL.US": "189.84", "MSFT.US": "415.26", "SIRI.US": "0.8712", "00700.HK": "480.2"}


class Board:
    """A book, a model and a shown view, with a helper to trade a symbol at a price."""

    def __init__(self, qtbot: QtBot) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(list(PRICES))
        for symbol, price in PRICES.items():
            ref = ReferenceData(symbol, name=symbol, prev_close=D(price), last=D(price))
            self.book.apply_reference(ref, 0.0)
        self.model.refresh(self.book.take_dirty(), 0.0)
        self.view = WatchlistView(self.model)
        self.view.resize(1200, 300)
        qtbot.addWidget(self.view)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.seq = 0

    def trade(self, symbol: str, price: str, now: float) -> None:
        self.seq += 1
        tick = Tick(symbol, D(price), 100, None, TradeSide.BUY, T0_MS + self.seq * 1000, self.seq)
        self.book.apply_tick(tick, now)
        self.model.flush(self.book.take_dirty(), now)

    def click_header(self, qtbot: QtBot, column: int) -> None:
        header = self.view.horizontalHeader()
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(x, header.height() // 2),
        )

    def click_row(self, qtbot: QtBot, symbol: str) -> None:
        row = self.model.row_of(symbol)
        assert row is not None
        rect = self.view.visualRect(self.model.index(row, 0))
        qtbot.mouseClick(
            self.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            rect.center(),
        )


@pytest.fixture
def board(qtbot: QtBot) -> Board:
    return Board(qtbot)


def test_rows_have_a_fixed_height_and_widths_come_from_the_column_definitions(
    board: Board,
) -> None:
    view = board.view
    rows = view.verticalHeader()
    assert rows.isHidden()
    assert rows.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert rows.defaultSectionSize() == WatchlistView.ROW_HEIGHT
    header = view.horizontalHeader()
    for column in QUOTE_COLUMNS:
        mode = header.sectionResizeMode(int(column.id))
        assert mode != QHeaderView.ResizeMode.ResizeToContents
        if column.id is not ColumnId.NAME:  # Name stretches to take the spare width
            width = header.sectionSize(int(column.id))
            assert width >= column.width  # wider only where the title needs it: never cut
            assert width >= header.fontMetrics().horizontalAdvance(column.title) + 24
    assert not view.showGrid()
    assert view.isSortingEnabled()


def test_a_header_click_sorts_by_last_and_the_selection_stays_on_its_symbol(
    board: Board, qtbot: QtBot
) -> None:
    board.click_row(qtbot, "MSFT.US")
    assert board.view.selected_symbols() == ["MSFT.US"]
    board.click_header(qtbot, LAST)  # numbers sort biggest first on the first click
    qtbot.waitUntil(lambda: board.model.sort_column() == LAST, timeout=WAIT_MS)
    assert board.model.symbols() == ["00700.HK", "MSFT.US", "AAPL.US", "SIRI.US"]
    assert board.view.selected_symbols() == ["MSFT.US"]
    assert board.view.current_symbol() == "MSFT.US"
    board.click_header(qtbot, LAST)
    assert board.model.symbols() == ["SIRI.US", "AAPL.US", "MSFT.US", "00700.HK"]
    assert board.view.selected_symbols() == ["MSFT.US"]
    board.click_header(qtbot, LAST)  # third click: the watchlist's own order again
    assert board.model.sort_column() == -1
    assert board.model.symbols() == list(PRICES)
    assert board.view.selected_symbols() == ["MSFT.US"]


def test_the_selection_follows_its_symbol_through_throttled_resorts(
    board: Board, qtbot: QtBot
) -> None:
    board.view.sortByColumn(LAST, Qt.SortOrder.DescendingOrder)
    assert board.view.select_symbol("AAPL.US")
    board.trade("SIRI.US", "999.00", 10.0)
    assert board.model.symbols()[0] == "SIRI.US"
    assert board.view.selected_symbols() == ["AAPL.US"]
    assert board.view.current_symbol() == "AAPL.US"
    assert not board.view.select_symbol("NOPE.US")


def test_pressing_a_button_on_the_table_holds_the_row_order(board: Board, qtbot: QtBot) -> None:
    board.view.sortByColumn(LAST, Qt.SortOrder.DescendingOrder)
    row = board.model.row_of("AAPL.US") or 0
    point = board.view.visualRect(board.model.index(row, 0)).center()
    viewport = board.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert board.model.is_order_held()
    board.trade("SIRI.US", "999.00", 10.0)
    assert board.model.symbols()[0] == "00700.HK"
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert not board.model.is_order_held()
    assert board.model.resort_if_due(11.0)
    assert board.model.symbols()[0] == "SIRI.US"


def test_a_frozen_order_stays_frozen_until_the_user_unfreezes_it(board: Board) -> None:
    board.view.sortByColumn(LAST, Qt.SortOrder.DescendingOrder)
    board.view.set_order_frozen(True)
    board.trade("SIRI.US", "999.00", 10.0)
    assert board.model.symbols()[0] == "00700.HK"
    board.view.set_order_frozen(False)
    board.model.resort_if_due(11.0)
    assert board.model.symbols()[0] == "SIRI.US"


def test_double_click_asks_for_the_symbol_and_selection_announces_it(
    board: Board, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(board.view.currentSymbolChanged, timeout=WAIT_MS) as current:
        board.click_row(qtbot, "00700.HK")
    assert current.args == ["00700.HK"]
    row = board.model.row_of("00700.HK") or 0
    point = board.view.visualRect(board.model.index(row, 0)).center()
    with qtbot.waitSignal(board.view.symbolActivated, timeout=WAIT_MS) as activated:
        qtbot.mouseDClick(
            board.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            point,
        )
    assert activated.args == ["00700.HK"]


def _pixel_in_cell(board: Board, symbol: str, column: int) -> QColor:
    row = board.model.row_of(symbol)
    assert row is not None
    rect = board.view.visualRect(board.model.index(row, column))
    image = board.view.viewport().grab().toImage()
    return image.pixelColor(rect.left() + 2, rect.center().y())


def test_an_up_flash_paints_a_green_ish_background_that_fades_away(
    board: Board, qtbot: QtBot
) -> None:
    before = _pixel_in_cell(board, "AAPL.US", LAST)
    assert abs(before.green() - before.red()) < 20  # a neutral row background to start with
    board.trade("AAPL.US", "190.50", 10.0)

    def green_ish() -> bool:
        pixel = _pixel_in_cell(board, "AAPL.US", LAST)
        return 140 <= pixel.hsvHue() <= 200 and pixel.hsvSaturation() > 35  # blue-green

    qtbot.waitUntil(green_ish, timeout=WAIT_MS)
    board.model.tick_flash(11.0)
    qtbot.waitUntil(lambda: _pixel_in_cell(board, "AAPL.US", LAST) == before, timeout=WAIT_MS)


def test_a_down_flash_is_orange_ish_not_green(board: Board, qtbot: QtBot) -> None:
    board.trade("MSFT.US", "400.00", 10.0)

    def orange_ish() -> bool:
        pixel = _pixel_in_cell(board, "MSFT.US", LAST)
        return 0 <= pixel.hsvHue() <= 45 and pixel.hsvSaturation() > 35  # orange-red

    qtbot.waitUntil(orange_ish, timeout=WAIT_MS)


def test_the_dark_theme_colours_the_table_and_loads_its_style_sheet(
    board: Board, qtbot: QtBot
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, sheet = app.palette(), app.styleSheet()
    try:
        apply_theme(app, DARK)
        assert "QHeaderView::section" in app.styleSheet()
        base = qt_palette(DARK).color(qt_palette(DARK).ColorRole.Base)
        board.view.setAlternatingRowColors(False)
        qtbot.waitUntil(
            lambda: _pixel_in_cell(board, "SIRI.US", 1).lightness() < 60, timeout=WAIT_MS
        )
        assert _pixel_in_cell(board, "SIRI.US", 1) == base
    finally:
        app.setStyleSheet(sheet)
        app.setPalette(palette)


def test_numbers_are_painted_in_a_monospace_font(board: Board) -> None:
    font = board.view.cell_delegate().monospace()
    assert font.fixedPitch() or font.styleHint() == font.StyleHint.Monospace


# -- alert badge and row menu ----------------------------------------------------------


def test_a_fired_alert_paints_an_amber_bell_in_the_symbol_cell(board: Board, qtbot: QtBot) -> None:
    from desktop.qt.quote_columns import BADGE_ARMED, BADGE_FIRED

    def amber_pixels() -> int:
        row = board.model.row_of("MSFT.US") or 0
        rect = board.view.visualRect(board.model.index(row, int(ColumnId.SYMBOL)))
        image = board.view.viewport().grab(rect).toImage()
        return sum(
            1
            for y in range(image.height())
            for x in range(image.width())
            if (c := image.pixelColor(x, y)).red() > 200
            and 150 < c.green() < 210
            and c.blue() < 110
        )

    assert amber_pixels() == 0
    board.model.set_badge("MSFT.US", BADGE_FIRED, "Alert fired")
    qtbot.waitUntil(lambda: amber_pixels() >= 12, timeout=WAIT_MS)
    board.model.set_badge("MSFT.US", BADGE_ARMED)
    qtbot.waitUntil(lambda: amber_pixels() == 0, timeout=WAIT_MS)


def test_a_row_action_in_the_context_menu_acts_on_the_row_right_clicked(
    board: Board, qtbot: QtBot
) -> None:
    chosen: list[str] = []
    action = board.view.add_row_action("Open Chart", chosen.append)
    assert action in board.view.actions()
    assert board.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    row = board.model.row_of("00700.HK") or 0
    point = board.view.visualRect(board.model.index(row, 0)).center()
    qtbot.mouseClick(board.view.viewport(), Qt.MouseButton.RightButton, pos=point)
    assert board.view.current_symbol() == "00700.HK"  # a right-click makes the row current
    action.trigger()
    assert chosen == ["00700.HK"]

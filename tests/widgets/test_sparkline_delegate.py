"""SparklineDelegate: the Trend cell is painted in the sign's colour, with a cached path per row."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sparklines import SparklineStore
from desktop.qt.palette import DARK
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR, ColumnId
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.widgets.sparkline_delegate import FLAT_COLOR, spark_geometry
from desktop.widgets.theme import qt_palette
from desktop.widgets.watchlist_view import WatchlistView
from tests.conftest import TIMEOUT_S

D = Decimal
TREND = int(ColumnId.TREND)
WAIT_MS = int(TIMEOUT_S * 1000)
T0_S = 1_732_285_800  # Friday 2024-11-22 09:30 in New York
CLOSES = {"UP.US": "100", "DOWN.US": "100", "FLAT.US": "100", "NONE.US": "100"}


class Board:
    """A book with sparklines, a model and a shown view."""

    def __init__(self, qtbot: QtBot) -> None:
        self.book = QuoteBook()
        self.sparks = SparklineStore()
        self.book.add_trade_listener(self.sparks.add_trade)
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(list(CLOSES))
        for symbol, close in CLOSES.items():
            self.book.apply_reference(ReferenceData(symbol, name=symbol, prev_close=D(close)), 0.0)
        self.model.set_sparklines(self.sparks)
        self.view = WatchlistView(self.model)
        self.view.setPalette(qt_palette(DARK))
        self.view.resize(1400, 200)
        qtbot.addWidget(self.view)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.seq = 0

    def walk(self, symbol: str, prices: list[float], start_s: float = T0_S) -> None:
        for i, price in enumerate(prices):
            self.seq += 1
            at_ms = int((start_s + 10 * i) * 1000)
            tick = Tick(symbol, D(str(price)), 100, None, TradeSide.BUY, at_ms, self.seq)
            self.book.apply_tick(tick, 0.0)
        self.model.flush(self.book.take_dirty(), 1.0)

    def cell_image(self, symbol: str) -> QImage:
        row = self.model.row_of(symbol)
        assert row is not None
        rect = self.view.visualRect(self.model.index(row, TREND))
        return self.view.viewport().grab(rect).toImage()


def count_near(image: QImage, color: QColor, within: int = 40) -> int:
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            distance = (
                abs(pixel.red() - color.red())
                + abs(pixel.green() - color.green())
                + abs(pixel.blue() - color.blue())
            )
            count += distance <= within
    return count


@pytest.fixture
def board(qtbot: QtBot) -> Board:
    return Board(qtbot)


def test_a_line_above_the_previous_close_is_painted_in_the_up_colour(board: Board) -> None:
    board.walk("UP.US", [100.0, 100.5, 101.0, 100.8, 101.6, 102.0])
    image = board.cell_image("UP.US")
    assert count_near(image, UP_COLOR) >= 10
    assert count_near(image, DOWN_COLOR) == 0


def test_a_line_below_the_previous_close_is_painted_in_the_down_colour(board: Board) -> None:
    board.walk("DOWN.US", [100.0, 99.5, 99.2, 99.4, 98.6, 98.1])
    image = board.cell_image("DOWN.US")
    assert count_near(image, DOWN_COLOR) >= 10
    assert count_near(image, UP_COLOR) == 0


def test_a_line_back_at_the_previous_close_is_neutral_grey(board: Board) -> None:
    board.walk("FLAT.US", [100.0, 101.0, 99.0, 100.0])
    image = board.cell_image("FLAT.US")
    assert count_near(image, FLAT_COLOR, within=30) >= 10
    assert count_near(image, UP_COLOR) == 0 and count_near(image, DOWN_COLOR) == 0


def test_a_symbol_with_no_line_yet_paints_an_empty_cell(board: Board) -> None:
    image = board.cell_image("NONE.US")
    background = image.pixelColor(image.width() // 2, image.height() // 2)
    assert all(
        image.pixelColor(x, y) == background
        for y in range(image.height())
        for x in range(image.width())
    )


def test_the_path_is_built_once_per_change_and_reused_for_repaints(
    board: Board, qtbot: QtBot
) -> None:
    delegate = board.view.sparkline_delegate()
    board.walk("UP.US", [100.0, 101.0])
    board.cell_image("UP.US")
    built = delegate.builds
    board.view.viewport().repaint()
    board.cell_image("UP.US")
    assert delegate.builds == built  # nothing changed: the cached path is drawn again
    board.walk("UP.US", [101.0, 101.5], start_s=T0_S + 20)
    qtbot.waitUntil(lambda: delegate.builds > built, timeout=WAIT_MS)


def test_the_previous_close_joins_the_range_only_when_it_is_near() -> None:
    x = np.array([0.0, 1.0, 2.0])
    near = np.array([101.0, 102.0, 101.5])
    _, ys, baseline = spark_geometry(x, near, 100.0, 100, 20)
    assert baseline == pytest.approx(19.0)  # the bottom edge
    assert ys.min() == pytest.approx(0.0)
    far = np.array([110.0, 111.0, 110.5])
    _, ys, baseline = spark_geometry(x, far, 100.0, 100, 20)
    assert baseline is None
    assert ys.max() == pytest.approx(19.0) and ys.min() == pytest.approx(0.0)

"""Settings → Appearance applies live: up/down colours, flashes and font size, no restart."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.domain.appearance import Appearance, ColorConvention, FlashMode, FontSize
from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_columns import ColumnId
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.widgets.appearance_box import AppearanceBox, apply_appearance
from desktop.widgets.chart_items import BarsItem
from desktop.widgets.watchlist_view import WatchlistView

D = Decimal
CHANGE, LAST = int(ColumnId.CHANGE), int(ColumnId.LAST)


@pytest.fixture(autouse=True)
def default_appearance() -> Iterator[None]:
    """The colours are shared by every view: put the defaults back after each test."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    yield
    apply_appearance(app, Appearance())


class Board:
    """AAPL up on the day (a trade above the previous close) in a shown watchlist table."""

    def __init__(self, qtbot: QtBot) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(["AAPL.US", "MSFT.US"])
        for symbol in ("AAPL.US", "MSFT.US"):
            ref = ReferenceData(symbol, name=symbol, prev_close=D("100"), last=D("100"))
            self.book.apply_reference(ref, 0.0)
        self.model.refresh(self.book.take_dirty(), 0.0)
        self.view = WatchlistView(self.model)
        self.view.resize(1200, 200)
        qtbot.addWidget(self.view)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.seq = 0

    def trade(self, symbol: str, price: str, now: float) -> None:
        self.seq += 1
        tick = Tick(
            symbol, D(price), 100, None, TradeSide.BUY, 1_732_286_400_000 + self.seq, self.seq
        )
        self.book.apply_tick(tick, now)
        self.model.flush(self.book.take_dirty(), now)

    def ink(self, symbol: str, column: int) -> QColor:
        """The most colourful pixel in a cell: the colour its text is painted in."""
        row = self.model.row_of(symbol)
        assert row is not None
        rect = self.view.visualRect(self.model.index(row, column))
        image = self.view.viewport().grab().toImage()
        pixels = [
            image.pixelColor(x, y)
            for x in range(rect.left(), rect.right())
            for y in range(rect.top(), rect.bottom())
        ]
        return max(pixels, key=lambda p: p.hsvSaturation() * p.value())

    def background(self, symbol: str, column: int) -> QColor:
        row = self.model.row_of(symbol)
        assert row is not None
        rect = self.view.visualRect(self.model.index(row, column))
        return self.view.viewport().grab().toImage().pixelColor(rect.left() + 2, rect.top() + 2)


def greenish(color: QColor) -> bool:
    return 120 <= color.hsvHue() <= 200 and color.hsvSaturation() > 80


def reddish(color: QColor) -> bool:
    return 0 <= color.hsvHue() <= 40 and color.hsvSaturation() > 80


def test_red_up_recolours_an_up_cell_at_once(qtbot: QtBot) -> None:
    board = Board(qtbot)
    board.trade("AAPL.US", "103.50", now=0.0)
    assert greenish(board.ink("AAPL.US", CHANGE))
    box = AppearanceBox()
    qtbot.addWidget(box)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    box.changed.connect(lambda appearance: apply_appearance(app, appearance))
    box.convention_box.setCurrentIndex(box.convention_box.findData(ColorConvention.RED_UP))
    qtbot.waitUntil(lambda: reddish(board.ink("AAPL.US", CHANGE)))
    box.convention_box.setCurrentIndex(box.convention_box.findData(ColorConvention.GREEN_UP))
    qtbot.waitUntil(lambda: greenish(board.ink("AAPL.US", CHANGE)))


def test_flash_off_leaves_a_moved_price_untinted_and_subtle_tints_it_less(
    qtbot: QtBot,
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    board = Board(qtbot)
    plain = board.background("AAPL.US", LAST)  # before any trade: the row as it is
    board.trade("AAPL.US", "101", now=0.0)
    full = board.background("AAPL.US", LAST)
    assert full != plain
    apply_appearance(app, Appearance(flash=FlashMode.SUBTLE))
    board.trade("AAPL.US", "102", now=10.0)
    subtle = board.background("AAPL.US", LAST)
    assert subtle != plain
    assert abs(subtle.green() - plain.green()) < abs(full.green() - plain.green())
    apply_appearance(app, Appearance(flash=FlashMode.OFF))
    board.trade("AAPL.US", "103", now=20.0)
    assert board.background("AAPL.US", LAST) == plain


def test_a_longer_flash_lasts_longer(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    board = Board(qtbot)
    plain = board.background("AAPL.US", LAST)  # before any trade: the row as it is
    apply_appearance(app, Appearance(flash_ms=1800))
    board.trade("AAPL.US", "101", now=0.0)
    board.model.flush(set(), 1.0)  # 1 s later: a 0.6 s flash is over, a 1.8 s one is not
    assert board.background("AAPL.US", LAST) != plain
    board.model.flush(set(), 2.0)
    assert board.background("AAPL.US", LAST) == plain


def test_large_font_grows_text_and_rows_live(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    board = Board(qtbot)
    base_size, base_row = app.font().pointSizeF(), board.view.rowHeight(0)
    apply_appearance(app, Appearance(font=FontSize.LARGE))
    assert app.font().pointSizeF() == base_size + 2
    qtbot.waitUntil(lambda: board.view.font().pointSizeF() == base_size + 2)
    assert board.view.rowHeight(0) >= base_row
    apply_appearance(app, Appearance(font=FontSize.SMALL))
    assert app.font().pointSizeF() == base_size - 1


def test_appearance_survives_its_text_form_and_ignores_damage() -> None:
    chosen = Appearance(ColorConvention.RED_UP, FlashMode.SUBTLE, 900, FontSize.LARGE)
    assert Appearance.from_json(chosen.to_json()) == chosen
    assert Appearance.from_json('{"convention": "purple", "flash_ms": 99999}') == Appearance(
        flash_ms=2000
    )
    assert Appearance.from_json("not json") == Appearance()


def test_a_chart_redraws_its_bars_in_the_new_colours_at_its_next_update() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    bars = BarsItem(volume=False)
    prices = np.array([1.0, 2.0, 3.0])
    bars.set_bars(prices, prices + 1, prices - 1, prices + 0.5, prices * 100)
    drawn = bars.pictures_built
    bars.set_bars(prices, prices + 1, prices - 1, prices + 0.5, prices * 100)
    assert bars.pictures_built == drawn  # same bars, same colours: nothing to draw
    apply_appearance(app, Appearance(convention=ColorConvention.RED_UP))
    bars.set_bars(prices, prices + 1, prices - 1, prices + 0.5, prices * 100)
    assert bars.pictures_built == drawn + 1

"""HeatmapWidget: tiles sized by turnover per market, coloured by change, click selects, 2 Hz."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import ReferenceData
from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.widgets.heatmap import FULL_SCALE_PCT, REFRESH_MS, HeatmapWidget, change_color
from tests.conftest import TIMEOUT_S

D = Decimal
WAIT_MS = int(TIMEOUT_S * 1000)
# symbol: (previous close, last, turnover)
QUOTES = {
    "AAPL.US": ("100", "103", 6_000_000),
    "MSFT.US": ("100", "97", 3_000_000),
    "NVDA.US": ("100", "100", 1_000_000),
    "00700.HK": ("400", "404", 2_000_000),
    "00005.HK": ("60", "59", 2_000_000),
}


class Map:
    def __init__(self, qtbot: QtBot) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(list(QUOTES))
        for symbol, (close, last, turnover) in QUOTES.items():
            self.quote(symbol, close, last, turnover)
        self.widget = HeatmapWidget(self.model, self.book)
        qtbot.addWidget(self.widget)
        self.widget.resize(800, 500)
        self.widget.show()
        qtbot.waitExposed(self.widget)

    def quote(self, symbol: str, close: str, last: str, turnover: int, as_of: int = 1) -> None:
        ref = ReferenceData(
            symbol,
            prev_close=D(close),
            last=D(last),
            turnover=D(turnover),
            volume=1,
            as_of_ms=as_of,
        )
        self.book.apply_reference(ref, 0.0)

    def tile(self, symbol: str):  # type: ignore[no-untyped-def]
        return next(t for t in self.widget.tiles() if t.symbol == symbol)


@pytest.fixture
def heat(qtbot: QtBot) -> Map:
    return Map(qtbot)


def area(tile) -> float:  # type: ignore[no-untyped-def]
    return tile.rect.width() * tile.rect.height()


def test_tiles_within_a_market_are_sized_by_turnover(heat: Map) -> None:
    aapl, msft, nvda = (area(heat.tile(s)) for s in ("AAPL.US", "MSFT.US", "NVDA.US"))
    # tiles are inset by a 1 px gap, so compare loosely
    assert aapl / msft == pytest.approx(2.0, rel=0.08)
    assert msft / nvda == pytest.approx(3.0, rel=0.12)


def test_each_market_gets_a_share_of_the_map_by_its_number_of_symbols(heat: Map) -> None:
    us = sum(area(heat.tile(s)) for s in QUOTES if s.endswith(".US"))
    hk = sum(area(heat.tile(s)) for s in QUOTES if s.endswith(".HK"))
    assert us / hk == pytest.approx(3 / 2, rel=0.05)


def test_colours_diverge_from_grey_towards_the_boards_up_and_down_colours(heat: Map) -> None:
    up, down, flat = (heat.tile(s).color for s in ("AAPL.US", "MSFT.US", "NVDA.US"))
    assert up.green() > up.red() + 60
    assert down.red() > down.green() + 60
    assert abs(flat.red() - flat.green()) < 12 and abs(flat.green() - flat.blue()) < 16
    assert change_color(FULL_SCALE_PCT * 2) == change_color(FULL_SCALE_PCT)

    def distance(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    assert distance(change_color(3.0), UP_COLOR) < distance(change_color(1.0), UP_COLOR)
    assert distance(change_color(-3.0), DOWN_COLOR) < distance(change_color(-1.0), DOWN_COLOR)


def test_the_painted_tile_has_its_colour(heat: Map) -> None:
    image = heat.widget.grab().toImage()
    for symbol in ("AAPL.US", "MSFT.US"):
        tile = heat.tile(symbol)
        corner = tile.rect.topLeft() + QPointF(4, 4)  # away from the centred label
        assert image.pixelColor(corner.toPoint()).rgb() == tile.color.rgb()  # 8-bit channels


def test_clicking_a_tile_selects_its_symbol(heat: Map, qtbot: QtBot) -> None:
    centre = heat.tile("00700.HK").rect.center().toPoint()
    with qtbot.waitSignal(heat.widget.symbolSelected, timeout=WAIT_MS) as selected:
        qtbot.mouseClick(heat.widget, Qt.MouseButton.LeftButton, pos=centre)
    assert selected.args == ["00700.HK"]


def test_it_reads_the_book_on_a_half_second_timer_and_repaints_only_on_change(
    heat: Map, qtbot: QtBot
) -> None:
    assert heat.widget._timer.interval() == REFRESH_MS == 500
    assert not heat.widget.refresh()  # nothing moved
    repaints = heat.widget.repaints
    heat.quote("NVDA.US", "100", "105", 1_000_000, as_of=2)
    qtbot.waitUntil(lambda: heat.widget.repaints > repaints, timeout=WAIT_MS)
    assert heat.tile("NVDA.US").pct == 5.0


def test_a_hidden_heatmap_does_no_work(heat: Map) -> None:
    heat.widget.hide()
    heat.quote("NVDA.US", "100", "90", 1_000_000, as_of=2)
    assert not heat.widget.refresh()

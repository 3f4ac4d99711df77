"""The columns traders glance at: turnover, VWAP, previous close, change from open, relative
volume, day-range position and the 52-week range, from literal trades and daily bars."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from desktop.domain.daily_stats import DailyBar, daily_stats
from desktop.domain.formatting import local_day
from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.relative_volume import RelativeVolume
from desktop.domain.symbols import Market
from desktop.qt.quote_columns import ColumnId
from desktop.qt.quote_table_model import QuoteTableModel

NY = ZoneInfo("America/New_York")
D = Decimal


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=NY).timestamp() * 1000)


def text(model: QuoteTableModel, symbol: str, column: ColumnId) -> str:
    row = model.row_of(symbol)
    assert row is not None
    value = model.index(row, int(column)).data(Qt.ItemDataRole.DisplayRole)
    assert isinstance(value, str)
    return value


def board() -> tuple[QuoteBook, QuoteTableModel, RelativeVolume]:
    book = QuoteBook()
    rvol = RelativeVolume(book)
    book.add_trade_listener(rvol.on_trade)
    model = QuoteTableModel(book)
    model.set_symbols(["AAPL.US"])
    open_ms = ms(2026, 3, 6, 9, 30)
    book.apply_reference(
        ReferenceData(
            "AAPL.US", prev_close=D("100.00"), open=D("101.00"), high=D("103.00"),
            low=D("99.00"), volume=700_000, turnover=D("70700000"), as_of_ms=open_ms + 60_000,
        ),
        0.0,
    )  # fmt: skip
    return book, model, rvol


def test_turnover_vwap_prev_close_change_from_open_and_range_position() -> None:
    book, model, _ = board()
    # 100,000 shares at 102.00 at 10:45: volume 800,000, turnover 80,900,000
    book.apply_tick(
        Tick("AAPL.US", D("102.00"), 100_000, None, TradeSide.BUY, ms(2026, 3, 6, 10, 45)), 0.0
    )  # noqa: E501
    model.refresh(book.take_dirty(), 1.0)
    assert text(model, "AAPL.US", ColumnId.TURNOVER) == "80.9M"
    assert text(model, "AAPL.US", ColumnId.VWAP) == "101.12"  # 101.125 at tick precision
    assert text(model, "AAPL.US", ColumnId.PREV_CLOSE) == "100.00"
    assert text(model, "AAPL.US", ColumnId.CHANGE_OPEN) == "+0.99%"
    assert text(model, "AAPL.US", ColumnId.RANGE_POS) == "75%"  # (102 − 99) / (103 − 99)


def test_relative_volume_and_the_52_week_range_fill_in_when_daily_bars_arrive() -> None:
    book, model, rvol = board()
    tick = Tick("AAPL.US", D("102.00"), 85_000, None, TradeSide.BUY, ms(2026, 3, 6, 10, 45))
    book.apply_tick(tick, 0.0)
    model.refresh(book.take_dirty(), 1.0)
    assert text(model, "AAPL.US", ColumnId.REL_VOLUME) == ""
    bars = [
        DailyBar(ms(2026, 3, day, 0, 0) // 1000, D("100"), D(high), D(low), D("100"), volume)
        for day, volume, high, low in (
            (3, 1_200_000, "104.50", "97.00"),
            (4, 900_000, "100.00", "94.25"),
            (5, 1_500_000, "102.00", "98.00"),
        )
    ]
    today = local_day(Market.US, ms(2026, 3, 6, 12, 0) / 1000)
    rvol.set_stats("AAPL.US", daily_stats(bars, Market.US, today))
    model.refresh(book.take_dirty(), 2.0)
    # by hand: usual by 10:45 = 1,200,000 × 75/390 = 230,769; 785,000 / 230,769 = 3.40
    assert text(model, "AAPL.US", ColumnId.REL_VOLUME) == "3.40×"
    assert text(model, "AAPL.US", ColumnId.HIGH_52W) == "104.50"
    assert text(model, "AAPL.US", ColumnId.LOW_52W) == "94.25"
    row = model.row_of("AAPL.US")
    tip = model.index(row or 0, int(ColumnId.REL_VOLUME)).data(Qt.ItemDataRole.ToolTipRole)
    assert "785,000 shares so far against 230,769 usually traded by this time of day" in tip

"""StreamBridge: one flush hands the frame's changed symbols to the model and to `flushed`."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge


def test_a_flush_announces_the_symbols_it_changed_and_an_idle_one_stays_quiet(
    qtbot: QtBot,
) -> None:
    book = QuoteBook()
    model = QuoteTableModel(book)
    model.set_symbols(["AAPL.US", "MSFT.US"])
    bridge = StreamBridge(book, model, lambda: 0)
    book.take_dirty()
    seen: list[set[str]] = []
    bridge.flushed.connect(seen.append)
    book.apply_tick(Tick("AAPL.US", Decimal("1"), 1, None, TradeSide.BUY, 1_000, 1), 0.0)
    bridge.flush()
    bridge.flush()
    assert seen == [{"AAPL.US"}]

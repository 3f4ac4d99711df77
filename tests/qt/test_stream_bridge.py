"""StreamBridge: one flush hands the same dirty set to the table model and every ladder."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.market_data import DepthLevel, DepthSnapshot
from desktop.domain.quote_book import QuoteBook
from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge


def bridge_with(symbols: list[str]) -> tuple[QuoteBook, QuoteTableModel, StreamBridge]:
    book = QuoteBook()
    model = QuoteTableModel(book)
    model.set_symbols(symbols)
    return book, model, StreamBridge(book, model, frames=lambda: 0)


def push_book(book: QuoteBook, symbol: str, bid: str) -> None:
    snapshot = DepthSnapshot(
        symbol, (DepthLevel(Decimal(bid), 100),), (DepthLevel(Decimal(bid) + 1, 100),), 1
    )
    book.apply_depth(snapshot, 0.0)


def test_every_frame_listener_gets_the_dirty_set_the_table_got() -> None:
    book, _model, bridge = bridge_with(["AAPL.US", "00700.HK"])
    bridge.flush()
    seen: list[set[str]] = []
    other: list[set[str]] = []
    bridge.add_frame_listener(lambda dirty, now: seen.append(set(dirty)))
    bridge.add_frame_listener(lambda dirty, now: other.append(set(dirty)))
    push_book(book, "00700.HK", "480")
    bridge.flush()
    assert seen == other == [{"00700.HK"}]
    assert book.take_dirty() == set()


def test_an_open_ladder_is_refreshed_by_the_flush_and_a_closed_one_is_not() -> None:
    book, _model, bridge = bridge_with(["00700.HK"])
    ladder = DepthLadderModel(book)
    ladder.set_symbol("00700.HK")
    bridge.add_frame_listener(ladder.on_frame)
    push_book(book, "00700.HK", "480")
    bridge.flush()
    assert ladder.summary().spread == "1.0"
    bridge.remove_frame_listener(ladder.on_frame)
    push_book(book, "00700.HK", "470")
    bridge.flush()
    assert ladder.shown_levels()[0][0].price == Decimal("480")

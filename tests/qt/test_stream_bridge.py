"""StreamBridge: one flush hands the same dirty set to the table model and every ladder, and the
book's first change after a frame wakes the bridge (no latency floor, coalescing under load)."""

from __future__ import annotations

import time
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication

from desktop.domain.market_data import DepthLevel, DepthSnapshot, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.quote_columns import ColumnId
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from tests.conftest import TIMEOUT_S


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


def trade(symbol: str, price: str, seq: int) -> Tick:
    return Tick(symbol, Decimal(price), 100, None, TradeSide.NEUTRAL, 1_700_000_000_000 + seq, seq)


def test_a_change_after_an_idle_frame_reaches_the_model_on_the_next_turn_of_the_loop(
    qapp: QApplication,
) -> None:
    """One `processEvents()` (one turn of the event loop) carries the tick into the table."""
    book, model, _ = bridge_with(["AAPL.US"])
    clock = [100.0]
    bridge = StreamBridge(book, model, frames=lambda: 0, clock=lambda: clock[0])
    bridge.start()
    try:
        QCoreApplication.processEvents()  # the start-up frame
        flushes = bridge.stats.flushes
        assert not bridge.pacer.pending
        clock[0] += 1.0  # an idle second
        book.apply_tick(trade("AAPL.US", "187.25", 1), 0.0)
        assert bridge.pacer.pending  # the book woke the bridge: no polling timer involved
        QCoreApplication.processEvents()
        assert bridge.stats.flushes == flushes + 1
        assert model.symbol_at(0) == "AAPL.US"
        assert "187.25" in str(model.index(0, int(ColumnId.LAST)).data())
    finally:
        bridge.stop()


def test_changes_within_one_frame_are_coalesced_into_the_next_frame(qapp: QApplication) -> None:
    """Under load the bridge waits out the frame interval: a slow (1 Hz) screen makes it visible."""
    book, model, bridge = bridge_with(["AAPL.US", "00700.HK"])
    bridge = StreamBridge(book, model, frames=lambda: 0, refresh_hz=1.0)
    assert bridge.pacer.interval_s == 1.0
    seen: list[set[str]] = []
    bridge.add_frame_listener(lambda dirty, now: seen.append(set(dirty)))
    bridge.start()
    try:
        QCoreApplication.processEvents()
        seen.clear()
        book.apply_tick(trade("AAPL.US", "187.25", 1), 0.0)
        book.apply_tick(trade("00700.HK", "480.2", 1), 0.0)
        QCoreApplication.processEvents()
        assert seen == []  # inside the frame interval: nothing flushed yet
        deadline = time.monotonic() + TIMEOUT_S
        while not seen and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        assert seen == [{"AAPL.US", "00700.HK"}]  # both changes in one frame
    finally:
        bridge.stop()


def test_a_stopped_bridge_no_longer_listens_to_the_book(qapp: QApplication) -> None:
    book, _model, bridge = bridge_with(["AAPL.US"])
    bridge.start()
    QCoreApplication.processEvents()
    bridge.stop()
    book.apply_tick(trade("AAPL.US", "187.25", 1), 0.0)
    assert not bridge.pacer.pending
    assert book.take_dirty() == {"AAPL.US"}

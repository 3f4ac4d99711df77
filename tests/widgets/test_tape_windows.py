"""The tape dock and pop-outs: follow the watchlist and link groups, filter, hold while hovered."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.tape import TapeBook
from desktop.qt.link_groups import LinkGroupHub
from desktop.qt.stream_bridge import StreamBridge
from desktop.widgets.tape_windows import TapeWindowManager

T0 = 1_772_463_600_000
_KEEP: list[object] = []


def board(qtbot: QtBot) -> tuple[TapeBook, StreamBridge, LinkGroupHub, TapeWindowManager]:
    book = QuoteBook()
    tape = TapeBook()
    book.add_trade_listener(tape.add)
    for symbol in ("AAPL.US", "00700.HK"):
        book.track(symbol)
    window = QMainWindow()
    bridge = StreamBridge(book, [], lambda: 0, parent=window)
    hub = LinkGroupHub(window)
    manager = TapeWindowManager(tape, bridge, hub, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, manager.dock())
    _KEEP[:] = [window, book]
    qtbot.addWidget(window)
    window.show()
    return tape, bridge, hub, manager


def trade(symbol: str, size: int, ms: int = 0) -> Tick:
    return Tick(symbol, Decimal("189.23"), size, None, TradeSide.BUY, T0 + ms)


def test_the_dock_follows_the_watchlist_and_shows_prints_after_a_flush(qtbot: QtBot) -> None:
    tape, bridge, _hub, manager = board(qtbot)
    manager.follow_selection("AAPL.US")
    bridge.book.apply_tick(trade("AAPL.US", 300), 0.0)
    bridge.book.apply_tick(trade("00700.HK", 1000), 0.0)
    bridge.flush()
    dock = manager.dock()
    assert dock.caption() == "Time & Sales · AAPL.US"
    assert dock.model().rowCount() == 1
    dock.panel.set_min_size(500)
    assert dock.model().rowCount() == 0


def test_a_pop_out_in_a_link_group_follows_what_the_group_publishes(qtbot: QtBot) -> None:
    _tape, bridge, hub, manager = board(qtbot)
    window = manager.pop_out("AAPL.US", "blue")
    qtbot.addWidget(window)
    hub.publish("blue", "00700.HK")
    assert window.symbol() == "00700.HK"
    assert window.model().headerData(0, Qt.Orientation.Horizontal) == "Time HKT"
    hub.publish("yellow", "AAPL.US")
    assert window.symbol() == "00700.HK"
    window.set_link_group(None)
    hub.publish("blue", "AAPL.US")
    assert window.symbol() == "00700.HK"  # pinned


def test_the_tape_holds_while_the_pointer_is_over_it(qtbot: QtBot) -> None:
    _tape, bridge, _hub, manager = board(qtbot)
    manager.follow_selection("AAPL.US")
    view = manager.dock().panel.view
    bridge.book.apply_tick(trade("AAPL.US", 100), 0.0)
    bridge.flush()
    QApplication.sendEvent(view, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    for i in range(3):
        bridge.book.apply_tick(trade("AAPL.US", 200, ms=i + 1), 0.0)
    bridge.flush()
    assert view.model().rowCount() == 1
    qtbot.waitUntil(lambda: manager.dock().panel.held.text() == "Paused · 3 new")
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert view.model().rowCount() == 4
    assert manager.dock().panel.held.text() == ""


def test_a_closed_pop_out_stops_listening_to_the_flush(qtbot: QtBot) -> None:
    _tape, bridge, _hub, manager = board(qtbot)
    window = manager.pop_out("AAPL.US")
    listeners = len(bridge._listeners)
    window.close()
    assert manager.windows() == [] and len(bridge._listeners) == listeners - 1


def test_pop_outs_are_saved_as_layouts_and_reopen_linked_where_they_were(qtbot: QtBot) -> None:
    _tape, _bridge, _hub, manager = board(qtbot)
    window = manager.pop_out("00700.HK", "purple")
    window.setGeometry(120, 140, 400, 500)
    with qtbot.waitSignal(manager.layoutChanged):
        window.move(130, 150)
    [layout] = manager.layouts()
    assert (layout.kind, layout.symbol, layout.link_group) == ("tape", "00700.HK", "purple")
    manager.shutdown()  # at quit: closed, not forgotten
    assert manager.layouts() == [layout]
    _tape2, _bridge2, hub2, again = board(qtbot)
    again.restore([layout])
    [reopened] = again.windows()
    qtbot.addWidget(reopened)
    assert (reopened.symbol(), reopened.link_group()) == ("00700.HK", "purple")
    assert reopened.isVisible() and reopened.width() == layout.geometry.width
    hub2.publish("purple", "AAPL.US")
    assert reopened.symbol() == "AAPL.US"

"""The tape and the dashboard on the main window: View-menu toggles, the dock follows the
watchlist, the dashboard ranks only while shown, a click selects in the watchlist's group."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.domain.tape import TapeBook
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.dashboard_controller import DashboardController
from desktop.qt.link_groups import LinkGroupHub
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.main_window import MainWindow
from desktop.widgets.market_activity_ui import MarketActivityUi
from desktop.widgets.tape_windows import TapeWindowManager
from desktop.widgets.watchlist_panel import WatchlistPanel


def build(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, MarketActivityUi]:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    repo.create("Mine", ["AAPL.US", "00700.HK"])
    book = QuoteBook()
    session = WatchlistSession(repo, book)
    panel = WatchlistPanel(session, SymbolMatcher(SymbolUniverse()))
    window = MainWindow(panel)
    qtbot.addWidget(window)
    bridge = StreamBridge(book, session.models(), lambda: 0, parent=window)
    tape = TapeBook()
    tapes = TapeWindowManager(tape, bridge, LinkGroupHub(window), window)
    controller = DashboardController(
        book, MinuteBarStore(), tape, session.all_symbols, parent=window
    )
    ui = MarketActivityUi(window, tapes, controller)
    window.show()
    qtbot.waitExposed(window)
    return window, ui


def test_the_view_menu_shows_the_tape_and_the_dashboard(qtbot: QtBot, tmp_path: Path) -> None:
    window, ui = build(qtbot, tmp_path)
    texts = [action.text() for action in window.view_menu().actions()]
    assert "&Time && Sales" in texts and "Volume &Dashboard" in texts
    assert ui.tape_dock.isHidden() and ui.dashboard_dock.isHidden()
    ui.tape_action.trigger()
    ui.dashboard_action.trigger()
    qtbot.waitUntil(lambda: ui.controller.is_active())
    assert not ui.tape_dock.isHidden()
    assert sorted(ui.controller.anomalies.symbols()) == ["00700.HK", "AAPL.US"]
    ui.dashboard_action.trigger()
    qtbot.waitUntil(lambda: not ui.controller.is_active())
    assert ui.controller.baseline is not None  # hiding it marks "last looked"


def test_the_docked_tape_follows_the_watchlist_selection(qtbot: QtBot, tmp_path: Path) -> None:
    window, ui = build(qtbot, tmp_path)
    view = window.watchlists().current_view()
    assert view is not None
    view.select_symbol("00700.HK")
    assert ui.tape_dock.model().symbol() == "00700.HK"

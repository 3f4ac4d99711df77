"""MainWindow: title and size, menus with working actions only, a non-modal About, quit intent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

import desktop
from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.main_window import MainWindow
from desktop.widgets.watchlist_panel import WatchlistPanel
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    repo.create("Mine", ["AAPL.US", "00700.HK"])
    session = WatchlistSession(repo, QuoteBook())
    win = MainWindow(WatchlistPanel(session, SymbolMatcher(SymbolUniverse())))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_window_hosts_the_watchlist_and_the_status_bar(window: MainWindow) -> None:
    assert window.windowTitle() == "Quote Board"
    # Never larger than the screen (offscreen's default screen is 800×600): see test_small_screen.
    assert window.screen().availableGeometry().contains(window.frameGeometry())
    assert window.centralWidget().isAncestorOf(window.watchlists())
    assert window.watchlist_view() is window.watchlists().current_view()
    assert window.statusBar() is window.feed_status_bar()
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Workspaces", "Help"]


def test_status_and_rate_slots_reach_the_status_bar(window: MainWindow) -> None:
    window.set_status(FeedStatus(FeedState.LIVE, demo=True))
    window.set_rate(120.0)
    bar = window.feed_status_bar()
    assert bar.state_text() == "Live"
    assert bar.is_demo_shown()
    assert bar.rate_text() == "120 msg/s"


def test_about_opens_without_blocking_and_shows_the_version(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.show_about()  # would block here if it used exec()
    box = window.about_box()
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    assert desktop.__version__ in box.text()
    window.show_about()
    assert window.about_box() is box  # a second request raises the same box
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.about_box() is None, timeout=WAIT_MS)


def test_quit_and_closing_the_window_ask_the_app_to_quit(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.quitRequested, timeout=WAIT_MS):
        window.close()


def test_file_settings_asks_the_app_to_open_the_settings_dialog(
    window: MainWindow, qtbot: QtBot
) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert file_menu is not None
    settings = next(a for a in file_menu.actions() if a.text().replace("&", "") == "Settings…")
    assert settings.shortcut().toString() == "Ctrl+,"
    assert settings.menuRole() is settings.MenuRole.PreferencesRole
    with qtbot.waitSignal(window.settingsRequested, timeout=WAIT_MS):
        settings.trigger()


def test_view_menu_actions_freeze_order_and_restore_watchlist_order(window: MainWindow) -> None:
    view = window.watchlist_view()
    assert view is not None
    window.freeze_action.setChecked(True)
    assert view.is_order_frozen() and view.quote_model().is_order_held()
    window.freeze_action.setChecked(False)
    assert not view.quote_model().is_order_held()
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert view.quote_model().symbols() == ["00700.HK", "AAPL.US"]
    actions = {
        a.text().replace("&", ""): a for a in window.findChildren(type(window.freeze_action))
    }
    actions["Restore Watchlist Order"].trigger()
    assert view.quote_model().sort_column() == -1
    assert view.quote_model().symbols() == ["AAPL.US", "00700.HK"]


def test_ctrl_d_asks_to_pop_out_the_selected_rows_ladder(window: MainWindow, qtbot: QtBot) -> None:
    view = window.watchlist_view()
    assert view.select_symbol("00700.HK")
    view.setFocus()
    with qtbot.waitSignal(window.popOutRequested, timeout=WAIT_MS) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["00700.HK"]


def test_the_watchlist_rows_context_menu_offers_the_pop_out(window: MainWindow) -> None:
    view = window.watchlist_view()
    assert view is not None
    assert view.contextMenuPolicy() is Qt.ContextMenuPolicy.CustomContextMenu
    window.watchlists().tabs.rowMenuRequested.emit(view, QPoint(20, 20))
    menu = next(m for m in window.findChildren(QMenu) if m.isVisible())
    assert menu.actions()[0] is window.pop_out_action
    menu.close()


def test_the_depth_dock_is_installed_on_the_right_and_listed_in_view(window: MainWindow) -> None:
    from PySide6.QtWidgets import QDockWidget

    dock = QDockWidget("Depth Ladder", window)
    window.install_depth_dock(dock)
    assert window.dockWidgetArea(dock) is Qt.DockWidgetArea.RightDockWidgetArea
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert dock.toggleViewAction() in view_menu.actions()

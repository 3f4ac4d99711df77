"""The keyboard: a shortcut sheet generated from the actions, tab switching, visible keys in
context menus, and an Undo notice after deleting rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.domain.tape import TapeBook
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.tape_model import TapeModel
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.main_window import MainWindow
from desktop.widgets.shortcut_sheet import CHART_WINDOW, DEPTH_WINDOW, TAPE_WINDOW, WINDOW_KEYS
from desktop.widgets.tape_window import TapeWindow
from desktop.widgets.watchlist_panel import WatchlistPanel
from tests.widgets.test_chart_window import Chart
from tests.widgets.test_depth_window import make_window as make_depth_window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    repo.create("US", ["AAPL.US", "MSFT.US", "NVDA.US"])
    repo.create("HK", ["00700.HK"])
    session = WatchlistSession(repo, QuoteBook())
    win = MainWindow(WatchlistPanel(session, SymbolMatcher(SymbolUniverse())))
    dock = QDockWidget("Depth Ladder", win)
    dock.setObjectName("depthDock")
    win.install_depth_dock(dock)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def working_shortcuts(window: MainWindow) -> set[tuple[str, str]]:
    """(name, first key) of every action placed on a widget of the window (menus included)."""
    found: set[tuple[str, str]] = set()
    for widget in [window, *window.findChildren(QWidget)]:
        for action in widget.actions():
            if not action.shortcut().isEmpty() and action.text():
                name = action.text().replace("&", "").rstrip(".…").strip()
                found.add((name, action.shortcut().toString()))
    return found


def test_the_shortcut_sheet_lists_exactly_the_actions_with_working_shortcuts(
    window: MainWindow, qtbot: QtBot
) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.shortcuts_action in help_menu.actions()
    window.shortcuts_action.trigger()
    sheet = window.show_shortcuts()
    assert sheet.isVisible() and not sheet.isModal()
    pop_outs = set(WINDOW_KEYS)
    listed = {(e.name, e.keys.split("  or  ")[0]) for e in sheet.entries if e.where not in pop_outs}
    expected = working_shortcuts(window)
    assert listed == expected
    names = sheet.names()
    for must in (
        "Pop Out Depth Ladder",
        "Next Watchlist",
        "Save Workspace As",
        "Undo",
        "Keyboard Shortcuts",
    ):
        assert must in names
    assert sheet.table.rowCount() == len(sheet.entries)
    menus = list(dict.fromkeys(e.where.split(" → ")[0] for e in sheet.entries))
    assert menus == [  # the menu bar's order, then the pop-out windows
        "File", "Edit", "View", "Workspaces", "Help", DEPTH_WINDOW, CHART_WINDOW, TAPE_WINDOW,
    ]  # fmt: skip
    sheet.filter.setText("workspace")
    shown = [r for r in range(sheet.table.rowCount()) if not sheet.table.isRowHidden(r)]
    assert shown and all("orkspace" in sheet.table.item(r, 0).text() for r in shown)


def window_keys(window: QWidget) -> set[tuple[str, str]]:
    """(name, keys as the sheet writes them) of every action with a shortcut on a window."""
    return {
        (
            action.text(),
            "  or  ".join(
                dict.fromkeys(
                    k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
                )
            ),
        )
        for action in window.actions()
        if action.shortcuts()
    }


def test_the_sheet_lists_exactly_the_keys_each_pop_out_window_has(
    window: MainWindow, qtbot: QtBot
) -> None:
    depth = make_depth_window(qtbot)
    chart = Chart(qtbot).window
    tape = TapeWindow(TapeModel(TapeBook()), "AAPL.US")
    qtbot.addWidget(tape)
    sheet = window.show_shortcuts()
    for kind, opened in ((DEPTH_WINDOW, depth), (CHART_WINDOW, chart), (TAPE_WINDOW, tape)):
        listed = {(e.name, e.keys) for e in sheet.entries if e.where == kind}
        assert listed and listed == window_keys(opened), kind
    chart.close()


def test_a_new_action_with_a_shortcut_appears_in_the_sheet(window: MainWindow) -> None:
    extra = QAction("Flip the Board", window)
    extra.setShortcut("Ctrl+Alt+B")
    window.view_menu().addAction(extra)
    sheet = window.show_shortcuts()
    [entry] = [e for e in sheet.entries if e.name == "Flip the Board"]
    assert entry.where == "View"


def test_ctrl_page_down_and_up_switch_list_tabs(window: MainWindow, qtbot: QtBot) -> None:
    tabs = window.watchlists().tabs
    view = window.watchlist_view()
    assert view is not None and tabs.currentIndex() == 0
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 1
    qtbot.keyClick(tabs.currentWidget(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 0  # wraps around
    qtbot.keyClick(tabs.currentWidget(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 1


def test_every_row_context_menu_action_shows_its_shortcut(window: MainWindow) -> None:
    view = window.watchlist_view()
    assert view is not None
    window.watchlists().tabs.rowMenuRequested.emit(view, QPoint(20, 20))
    menu = next(m for m in window.findChildren(QMenu) if m.isVisible())
    with_keys = [a for a in menu.actions() if not a.shortcut().isEmpty()]
    assert len(with_keys) >= 4  # pop out, remove, copy, paste
    assert all(a.isShortcutVisibleInContextMenu() for a in with_keys)
    menu.close()


def test_deleting_rows_offers_undo_in_the_notice_bar(window: MainWindow, qtbot: QtBot) -> None:
    view = window.watchlist_view()
    assert view is not None and view.select_symbol("MSFT.US")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    notices = window.watchlists().notices
    assert view.list_model().symbols() == ["AAPL.US", "NVDA.US"]
    assert notices.isVisible() and notices.text() == "Removed MSFT.US from “US”."
    [undo] = notices.buttons()
    assert undo.text() == "Undo"
    undo.click()
    assert view.list_model().symbols() == ["AAPL.US", "MSFT.US", "NVDA.US"]

"""WatchlistTabs: tabs follow the lists, rename in place, reorder by drag, drops on tabs, restart."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.qt.quote_columns import ColumnId
from desktop.qt.symbol_mime import symbols_mime
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.watchlist_tabs import WatchlistTabs
from tests.widgets.conftest import Lists


def make_tabs(qtbot: QtBot, session: WatchlistSession) -> WatchlistTabs:
    tabs = WatchlistTabs(session)
    tabs.resize(1100, 400)
    qtbot.addWidget(tabs)
    tabs.show()
    qtbot.waitExposed(tabs)
    return tabs


def titles(tabs: WatchlistTabs) -> list[str]:
    return [tabs.tabText(i) for i in range(tabs.count())]


def drop_on_tab(tabs: WatchlistTabs, list_id: int, data: object, ctrl: bool = False) -> bool:
    bar = tabs.tabBar()
    pos = QPointF(tabs.tab_center(list_id))
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    action = Qt.DropAction.CopyAction if ctrl else Qt.DropAction.MoveAction
    args = (action | Qt.DropAction.MoveAction, data, Qt.MouseButton.LeftButton, mods)
    QApplication.sendEvent(bar, QDragEnterEvent(pos.toPoint(), *args))
    QApplication.sendEvent(bar, QDragMoveEvent(pos.toPoint(), *args))
    drop = QDropEvent(pos, *args)
    QApplication.sendEvent(bar, drop)
    return drop.isAccepted()


def test_one_tab_per_list_with_its_count_following_edits_and_undo(
    qtbot: QtBot, lists: Lists
) -> None:
    tabs = make_tabs(qtbot, lists.session)
    assert titles(tabs) == ["US · 4", "HK · 2"]
    lists.session.create_list("Movers", ["AMD"])
    assert titles(tabs) == ["US · 4", "HK · 2", "Movers · 1"]
    lists.session.delete_list(lists.hk)
    assert titles(tabs) == ["US · 4", "Movers · 1"]
    lists.session.undo_stack.undo()
    assert titles(tabs) == ["US · 4", "HK · 2", "Movers · 1"]
    assert tabs.view_of(lists.hk) is not None


def test_double_click_renames_in_place_and_escape_cancels(qtbot: QtBot, lists: Lists) -> None:
    tabs = make_tabs(qtbot, lists.session)
    bar = tabs.tabBar()
    qtbot.mouseDClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    editor = tabs.rename_editor()
    assert editor is not None and editor.text() == "HK" and editor.hasSelectedText()
    qtbot.keyClicks(editor, "HK banks")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert tabs.rename_editor() is None
    assert [i.name for i in lists.repo.lists()] == ["US", "HK banks"]
    tabs.start_rename(0)
    editor = tabs.rename_editor()
    assert editor is not None
    qtbot.keyClicks(editor, "Nope")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert [i.name for i in lists.repo.lists()] == ["US", "HK banks"]


def test_new_list_opens_its_name_for_editing(qtbot: QtBot, lists: Lists) -> None:
    tabs = make_tabs(qtbot, lists.session)
    tabs.new_list()
    assert titles(tabs)[-1] == "Watchlist · 0" and tabs.currentIndex() == 2
    editor = tabs.rename_editor()
    assert editor is not None
    qtbot.keyClicks(editor, "Today")
    qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert titles(tabs)[-1] == "Today · 0"


def test_dragging_a_tab_reorders_the_lists_once(qtbot: QtBot, lists: Lists) -> None:
    tabs = make_tabs(qtbot, lists.session)
    bar = tabs.tabBar()
    bar.moveTab(1, 0)  # what a tab drag does, swap by swap
    assert [i.name for i in lists.repo.lists()] == ["US", "HK"]  # not saved mid-drag
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    assert [i.name for i in lists.repo.lists()] == ["HK", "US"]
    assert lists.session.undo_stack.undoText() == "Reorder Lists"
    lists.session.undo_stack.undo()
    assert titles(tabs) == ["US · 4", "HK · 2"]


def test_rows_dropped_on_a_tab_move_there_and_ctrl_copies(qtbot: QtBot, lists: Lists) -> None:
    tabs = make_tabs(qtbot, lists.session)
    us = lists.session.model(lists.us)
    assert us is not None
    assert drop_on_tab(tabs, lists.hk, us.mimeData([us.index(0, 0), us.index(1, 0)]))
    assert lists.stored(lists.us) == ["NVDA.US", "TSLA.US"]
    assert lists.stored(lists.hk) == ["00700.HK", "09988.HK", "AAPL.US", "MSFT.US"]
    assert drop_on_tab(tabs, lists.hk, us.mimeData([us.index(0, 0)]), ctrl=True)
    assert lists.stored(lists.us) == ["NVDA.US", "TSLA.US"]
    assert lists.stored(lists.hk)[-1] == "NVDA.US"
    assert drop_on_tab(tabs, lists.us, symbols_mime(["5"]))  # a search result
    assert lists.stored(lists.us)[-1] == "00005.HK"


def test_added_symbols_are_selected_in_their_list(qtbot: QtBot, lists: Lists) -> None:
    tabs = make_tabs(qtbot, lists.session)
    lists.session.add_symbols(lists.us, ["AMD", "INTC"], before="NVDA.US")
    view = tabs.view_of(lists.us)
    assert view is not None and view.selected_symbols() == ["AMD.US", "INTC.US"]
    lists.session.add_symbols(lists.us, ["TSLA.US"])  # already there: selected, not added
    assert view.selected_symbols() == ["TSLA.US"]


def test_after_a_restart_the_last_list_and_each_lists_view_come_back(
    qtbot: QtBot, lists: Lists
) -> None:
    tabs = make_tabs(qtbot, lists.session)
    hk_view = tabs.view_of(lists.hk)
    assert hk_view is not None
    tabs.show_list(lists.hk)
    hk_view.sortByColumn(int(ColumnId.SYMBOL), Qt.SortOrder.DescendingOrder)
    hk_view.horizontalHeader().resizeSection(int(ColumnId.LAST), 140)
    tabs.save_all_views()
    tabs.close()
    restarted = make_tabs(qtbot, lists.reopen())
    assert restarted.current_list() == lists.hk
    view = restarted.view_of(lists.hk)
    assert view is not None
    assert view.list_model().symbols() == ["09988.HK", "00700.HK"]
    assert view.horizontalHeader().sectionSize(int(ColumnId.LAST)) == 140
    us = restarted.view_of(lists.us)
    assert us is not None and us.list_model().sort_column() == -1
    assert view.list_model().is_live() and not us.list_model().is_live()


def test_list_names_are_plain_text_in_tabs_and_tooltips(qtbot: QtBot, lists: Lists) -> None:
    tabs = make_tabs(qtbot, lists.session)
    info = lists.session.create_list("<b>AT&T</b>\u202eevil", ["AMD"])
    assert info is not None and info.name == "<b>AT&T</b>evil"  # the override is stripped
    index = tabs.count() - 1
    assert tabs.tabText(index) == "<b>AT&&T</b>evil · 1"  # "&" shown, not a mnemonic
    tooltip = tabs.tabToolTip(index)
    assert tooltip.startswith("<qt>") and "&lt;b&gt;AT&amp;T&lt;/b&gt;evil" in tooltip
    assert "<b>" not in tooltip

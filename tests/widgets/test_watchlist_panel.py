"""WatchlistPanel: Ctrl+K and type-to-search, Enter adds, non-modal delete with Undo, files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMenu
from pytestqt.qtbot import QtBot

from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse, parse_universe_csv
from desktop.widgets.watchlist_panel import WatchlistPanel
from tests.conftest import TIMEOUT_S
from tests.polling import wait_until
from tests.widgets.conftest import Lists

WAIT_MS = int(TIMEOUT_S * 1000)
UNIVERSE = (
    "symbol,name,indices\n700,Tencent Holdings,HSI\nAAPL,Apple Inc.,SPX\n"
    "AMD,Advanced Micro Devices,SPX\n"
)


@pytest.fixture
def panel(qtbot: QtBot, lists: Lists) -> WatchlistPanel:
    matcher = SymbolMatcher(SymbolUniverse(parse_universe_csv(UNIVERSE)))
    widget = WatchlistPanel(lists.session, matcher)
    widget.resize(1200, 500)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_ctrl_k_opens_the_search_and_enter_adds_to_the_shown_list(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel
) -> None:
    assert not panel.search.isVisible()
    view = panel.current_view()
    assert view is not None
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.isVisible() and panel.search.field().hasFocus()
    qtbot.keyClicks(panel.search.field(), "tencent")
    qtbot.keyClick(panel.search.field(), Qt.Key.Key_Return)
    assert lists.stored(lists.us)[-1] == "00700.HK"
    assert view.selected_symbols() == ["00700.HK"]
    qtbot.keyClick(panel.search.field(), Qt.Key.Key_Escape)
    assert not panel.search.isVisible() and view.hasFocus()


def test_typing_a_ticker_not_on_the_list_starts_a_search_with_what_was_typed(
    qtbot: QtBot, panel: WatchlistPanel
) -> None:
    view = panel.current_view()
    assert view is not None
    view.setFocus()
    qtbot.keyClicks(view, "a")  # AAPL is on the list: its row
    assert view.current_symbol() == "AAPL.US" and not panel.search.isVisible()
    qtbot.keyClicks(view, "m")  # no "AM…" on the list: search for "am"
    assert panel.search.isVisible()
    qtbot.keyClicks(panel.search.field(), "d")
    assert panel.search.field().text() == "amd"
    assert panel.search.model().hits()[0].code == "AMD.US"


def test_a_symbol_already_on_the_list_is_reported_not_added(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel
) -> None:
    panel.start_search("aapl")
    qtbot.keyClick(panel.search.field(), Qt.Key.Key_Return)
    assert lists.stored(lists.us) == ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US"]
    assert panel.notices.isVisible() and "already on this list" in panel.notices.text()


def test_delete_list_asks_without_a_dialog_and_offers_undo(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel
) -> None:
    panel.tabs.show_list(lists.hk)
    panel.delete_list_action.trigger()
    assert panel.notices.kind() == "question" and "“HK” (2 symbols)" in panel.notices.text()
    assert [i.name for i in lists.repo.lists()] == ["US", "HK"]  # nothing until answered
    panel.notices.buttons()[0].click()  # Delete
    assert [i.name for i in lists.repo.lists()] == ["US"]
    assert "Deleted the watchlist “HK”" in panel.notices.text()
    assert not panel.delete_list_action.isEnabled()  # the last list stays
    panel.notices.buttons()[0].click()  # Undo
    assert [i.name for i in lists.repo.lists()] == ["US", "HK"]
    assert lists.stored(lists.hk) == ["00700.HK", "09988.HK"]


def test_undo_and_redo_actions_follow_the_history(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel
) -> None:
    assert not panel.undo_action.isEnabled()
    lists.session.add_symbols(lists.us, ["AMD"])
    assert panel.undo_action.isEnabled() and "Add AMD.US" in panel.undo_action.text()
    panel.undo_action.trigger()
    assert "AMD.US" not in lists.stored(lists.us)
    panel.redo_action.trigger()
    assert lists.stored(lists.us)[-1] == "AMD.US"


def test_import_and_export_use_non_blocking_file_choosers(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel, tmp_path: Path
) -> None:
    source = tmp_path / "Movers.txt"
    source.write_text("AMD, 700.HK\n", encoding="utf-8")
    panel.import_action.trigger()  # returns at once: open(), never exec()
    dialog = panel.file_dialog()
    assert isinstance(dialog, QFileDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    dialog.fileSelected.emit(str(source))
    dialog.close()
    assert [i.name for i in lists.repo.lists()] == ["US", "HK", "Movers"]
    assert "Imported 2 symbols from Movers.txt" in panel.notices.text()
    target = tmp_path / "us-out.txt"
    panel.tabs.show_list(lists.us)
    panel.export_action.trigger()
    dialog = panel.file_dialog()
    assert isinstance(dialog, QFileDialog)
    dialog.fileSelected.emit(str(target))
    dialog.close()
    assert target.read_text(encoding="utf-8") == "AAPL.US\nMSFT.US\nNVDA.US\nTSLA.US\n"


def test_freeze_applies_to_every_list_including_ones_shown_later(
    lists: Lists, panel: WatchlistPanel
) -> None:
    panel.set_order_frozen(True)
    for view in panel.tabs.views():
        assert view.is_order_frozen()
    lists.session.create_list("Later")
    panel.tabs.setCurrentIndex(2)
    view = panel.current_view()
    assert view is not None and view.is_order_frozen()


def test_the_geometry_report_names_what_a_real_drag_needs(panel: WatchlistPanel) -> None:
    panel.start_search("tencent")
    report = panel.geometry_report()
    assert report["search_visible"] is True
    assert len(report["results"]) == 1  # type: ignore[arg-type]
    assert len(report["rows"]) == 4 and len(report["tabs"]) == 2  # type: ignore[arg-type]


def test_the_row_menu_moves_or_copies_the_selection_to_another_list(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel
) -> None:
    view = panel.current_view()
    assert view is not None
    view.reveal(["MSFT.US", "NVDA.US"])
    panel.tabs.rowMenuRequested.emit(view, QPoint(40, 40))
    menu = next(m for m in panel.findChildren(QMenu) if m.isVisible())
    submenus = {a.text(): a.menu() for a in menu.actions() if a.menu() is not None}
    assert set(submenus) == {"Move to", "Copy to"}
    hk = next(a for a in submenus["Move to"].actions() if a.text() == "HK")
    hk.trigger()
    assert lists.stored(lists.us) == ["AAPL.US", "TSLA.US"]
    assert lists.stored(lists.hk) == ["00700.HK", "09988.HK", "MSFT.US", "NVDA.US"]
    menu.close()


def test_the_tab_menu_offers_rename_export_and_delete_for_the_tab_clicked(
    lists: Lists, panel: WatchlistPanel
) -> None:
    panel.tabs.tabMenuRequested.emit(1, QPoint(40, 10))
    assert panel.tabs.current_list() == lists.hk
    menu = next(m for m in panel.findChildren(QMenu) if m.isVisible())
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == ["New Watchlist", "Rename Watchlist", "Export Watchlist…", "Delete Watchlist…"]
    menu.close()


def test_export_prefills_a_sanitised_file_name_never_a_path(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel
) -> None:
    hostile = lists.session.create_list("../../x/..\u202eevil", ["AMD"])
    assert hostile is not None
    panel.tabs.show_list(hostile.id)
    panel.export_action.trigger()
    dialog = panel.file_dialog()
    assert isinstance(dialog, QFileDialog)
    chosen = Path(dialog.selectedFiles()[0]).name
    dialog.close()
    assert chosen == "x_.evil.csv"
    assert "/" not in chosen and ".." not in chosen and "\u202e" not in chosen


async def test_a_large_import_from_the_file_menu_runs_in_the_background(
    qtbot: QtBot, lists: Lists, panel: WatchlistPanel, tmp_path: Path
) -> None:
    source = tmp_path / "Big.txt"
    source.write_text("".join(f"{n}.HK\n" for n in range(1, 9999)) * 5, encoding="utf-8")
    assert lists.session.is_large_import(source)
    panel.import_file(source)
    assert "Importing Big.txt" in panel.notices.text()  # said at once; the work is not done yet
    assert [i.name for i in lists.repo.lists()] == ["US", "HK"]
    await wait_until(lambda: "Imported 9998 symbols" in panel.notices.text(), "the import")
    assert [i.name for i in lists.repo.lists()] == ["US", "HK", "Big"]

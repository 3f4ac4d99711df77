"""Link groups done fully: a symbol typed into a linked window moves the whole group, the
watchlist's selection and the docked ladder included; the main window shows the group's chip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.depth_windows import DepthWindowManager
from desktop.widgets.main_window import MainWindow
from desktop.widgets.watchlist_panel import WatchlistPanel


class Desk:
    """Main window, watchlist, dock and pop-outs, connected the way the app connects them."""

    def __init__(self, qtbot: QtBot, path: Path) -> None:
        repo = WatchlistRepository(Database(path))
        repo.create("US", ["AAPL.US", "MSFT.US", "NVDA.US"])
        book = QuoteBook()
        self.panel = WatchlistPanel(WatchlistSession(repo, book), SymbolMatcher(SymbolUniverse()))
        self.window = MainWindow(self.panel)
        bridge = StreamBridge(book, QuoteTableModel(book), frames=lambda: 0)
        self.ladders = DepthWindowManager(book, bridge, main_window=self.window)
        self.window.install_depth_dock(
            self.ladders.dock(), self.ladders.watchlist_group_menu(self.window)
        )
        self.panel.currentSymbolChanged.connect(self.ladders.follow_selection)
        self.ladders.watchlistSymbolRequested.connect(self.panel.select_if_listed)
        chip = self.window.link_chip
        assert chip is not None
        self.ladders.watchlistGroupChanged.connect(chip.set_group)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        view = self.panel.current_view()
        assert view is not None and view.select_symbol("AAPL.US")
        self.view = view

    def docked(self) -> str | None:
        return self.ladders.dock_symbol()


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    board = Desk(qtbot, tmp_path / "q.db")
    yield board
    board.ladders.shutdown()


def type_symbol(qtbot: QtBot, window: QWidget, symbol: str) -> None:
    edit = window.findChild(QLineEdit, "depthSymbolEdit")
    assert edit is not None
    edit.selectAll()
    qtbot.keyClicks(edit, symbol)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_typing_into_a_linked_pop_out_moves_the_list_the_dock_and_the_group(
    desk: Desk, qtbot: QtBot
) -> None:
    linked = desk.ladders.pop_out("AAPL.US", link_group_key="blue")
    other = desk.ladders.pop_out("AAPL.US", link_group_key="blue")
    pinned = desk.ladders.pop_out("AAPL.US")
    type_symbol(qtbot, linked, "NVDA.US")
    assert desk.view.current_symbol() == "NVDA.US"
    assert desk.docked() == "NVDA.US"
    assert other.symbol() == "NVDA.US"
    assert pinned.symbol() == "AAPL.US"


def test_a_symbol_not_on_the_list_still_moves_the_dock_and_leaves_the_row(
    desk: Desk, qtbot: QtBot
) -> None:
    linked = desk.ladders.pop_out("AAPL.US", link_group_key="blue")
    type_symbol(qtbot, linked, "TSLA.US")
    assert desk.docked() == "TSLA.US"
    assert desk.view.current_symbol() == "AAPL.US"


def test_another_colours_window_moves_only_its_own_group(desk: Desk, qtbot: QtBot) -> None:
    yellow = desk.ladders.pop_out("AAPL.US", link_group_key="yellow")
    type_symbol(qtbot, yellow, "MSFT.US")
    assert desk.view.current_symbol() == "AAPL.US"
    assert desk.docked() == "AAPL.US"


def test_the_main_window_shows_its_groups_chip_and_follows_a_change(desk: Desk) -> None:
    chip = desk.window.link_chip
    assert chip is not None and chip.isVisible()
    assert chip.text() == "Linked: 1 Blue"
    assert chip.menu() is not None
    yellow = next(a for a in chip.menu().actions() if a.text() == "2 Yellow")
    yellow.trigger()
    assert chip.text() == "Linked: 2 Yellow" and chip.group_key() == "yellow"
    assert desk.ladders.watchlist_group() == "yellow"

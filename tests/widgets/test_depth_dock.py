"""DepthDock: its title bar's button and a double-click on the title both ask to pop out."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from desktop.domain.quote_book import QuoteBook
from desktop.qt.depth_model import DepthLadderModel
from desktop.widgets.depth_dock import DepthDock

_KEEP: list[object] = []


def docked(qtbot: QtBot, symbol: str | None) -> DepthDock:
    book = QuoteBook()
    window = QMainWindow()
    model = DepthLadderModel(book, window)
    model.set_symbol(symbol)
    dock = DepthDock(model, window)
    _KEEP[:] = [window]  # pytest-qt holds widgets weakly; the test holds the dock only
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return dock


def test_the_pop_out_button_asks_for_the_docked_symbol(qtbot: QtBot) -> None:
    dock = docked(qtbot, "00700.HK")
    with qtbot.waitSignal(dock.popOutRequested) as blocker:
        qtbot.mouseClick(dock.pop_out_button(), Qt.MouseButton.LeftButton)
    assert blocker.args == ["00700.HK"]


def test_a_double_click_on_the_title_pops_out_instead_of_floating(qtbot: QtBot) -> None:
    dock = docked(qtbot, "AAPL.US")
    title = dock.title_bar()
    with qtbot.waitSignal(dock.popOutRequested) as blocker:
        qtbot.mouseDClick(title, Qt.MouseButton.LeftButton, pos=QPoint(20, title.height() // 2))
    assert blocker.args == ["AAPL.US"]
    assert not dock.isFloating()


def test_with_no_symbol_there_is_nothing_to_pop_out(qtbot: QtBot) -> None:
    dock = docked(qtbot, None)
    assert not dock.pop_out_button().isEnabled()
    with qtbot.assertNotEmitted(dock.popOutRequested):
        qtbot.mouseDClick(dock.title_bar(), Qt.MouseButton.LeftButton, pos=QPoint(20, 5))

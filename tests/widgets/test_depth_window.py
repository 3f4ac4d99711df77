"""DepthWindow: typed symbols, link group choice, always-on-top, screens, close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton
from pytestqt.qtbot import QtBot

from desktop.domain.quote_book import QuoteBook
from desktop.qt.depth_model import DepthLadderModel
from desktop.widgets.depth_window import DepthWindow


def make_window(qtbot: QtBot, symbol: str = "00700.HK", group: str | None = None) -> DepthWindow:
    book = QuoteBook()
    book.track(symbol)
    window = DepthWindow(DepthLadderModel(book), symbol, group)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def type_symbol(qtbot: QtBot, window: DepthWindow, text: str) -> None:
    edit = window.findChild(QLineEdit, "depthSymbolEdit")
    assert edit is not None
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_a_typed_symbol_is_normalised_shown_and_announced(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    with (
        qtbot.waitSignal(window.symbolTyped) as typed,
        qtbot.waitSignal(window.symbolChanged) as changed,
    ):
        type_symbol(qtbot, window, "9988")
    assert typed.args == changed.args == ["09988.HK"]
    assert window.symbol() == "09988.HK"
    assert window.windowTitle().startswith("09988.HK")


def test_a_bad_symbol_is_explained_and_the_ladder_keeps_its_symbol(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    with qtbot.assertNotEmitted(window.symbolChanged):
        type_symbol(qtbot, window, "not a symbol!")
    assert window.symbol() == "00700.HK"
    assert "is not a symbol" in window.error_text()
    type_symbol(qtbot, window, "AAPL")
    assert window.error_text() == ""


def test_choosing_a_link_group_announces_it_and_pinning_clears_it(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    assert window.is_pinned()
    with qtbot.waitSignal(window.linkGroupChanged) as blocker:
        window.set_link_group("yellow")
    assert blocker.args == ["yellow"] and window.link_group() == "yellow"
    button = window.findChild(QToolButton, "depthLinkButton")
    assert button is not None and button.text().startswith("2 Yellow")
    window.set_link_group(None)
    assert window.is_pinned() and button.text().startswith("Pinned")
    window.set_link_group("no-such-group")
    assert window.is_pinned()


def test_always_on_top_keeps_the_geometry_and_the_button_in_step(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.setGeometry(200, 150, 520, 600)
    before = window.geometry()
    with qtbot.waitSignal(window.placementChanged):
        window.set_always_on_top(True)
    assert window.is_always_on_top() and window.isVisible()
    assert window.geometry() == before
    button = window.findChild(QToolButton, "depthOnTopButton")
    assert button is not None and button.isChecked()
    button.click()
    assert not window.is_always_on_top()


def test_moving_to_a_named_screen_centres_the_window_there(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    screen = QApplication.screens()[0]
    assert window.move_to_screen(screen.name())
    assert screen.availableGeometry().contains(window.geometry())
    assert not window.move_to_screen("no such screen")


def test_closing_the_window_tells_the_manager(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    with qtbot.waitSignal(window.closed):
        window.close()

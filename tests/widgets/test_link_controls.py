"""The shared symbol box and link-group chip, alone and in each window that carries them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.quote_book import QuoteBook
from desktop.domain.tape import TapeBook
from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.tape_model import TapeModel
from desktop.widgets.depth_window import DepthWindow
from desktop.widgets.link_controls import LinkGroupButton, SymbolEdit
from desktop.widgets.tape_window import TapeWindow


def enter(qtbot: QtBot, edit: SymbolEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_the_symbol_box_announces_the_canonical_symbol(qtbot: QtBot) -> None:
    edit = SymbolEdit("edit")
    qtbot.addWidget(edit)
    with qtbot.waitSignal(edit.symbolEntered) as entered:
        enter(qtbot, edit, "700")
    assert entered.args == ["00700.HK"] and edit.problem() == ""
    assert not edit.property("invalid")


def test_a_bad_symbol_is_marked_explained_and_cleared_by_the_next_keystroke(
    qtbot: QtBot,
) -> None:
    edit = SymbolEdit("edit")
    qtbot.addWidget(edit)
    problems: list[str] = []
    edit.problemChanged.connect(problems.append)
    with qtbot.assertNotEmitted(edit.symbolEntered):
        enter(qtbot, edit, "@@")
    assert edit.problem() and edit.property("invalid") is True
    qtbot.keyClicks(edit, "x")
    assert edit.problem() == "" and edit.property("invalid") is False
    assert problems == [problems[0], ""] and problems[0]


def test_the_link_chip_offers_pinned_and_every_group_and_shows_the_choice(
    qtbot: QtBot,
) -> None:
    button = LinkGroupButton("chip", "Hint.")
    qtbot.addWidget(button)
    menu = button.menu()
    assert menu is not None
    texts = [action.text() for action in menu.actions()]
    assert texts[0] == "Pinned to symbol" and all(t.startswith("Link group") for t in texts[1:])
    with qtbot.waitSignal(button.groupChosen) as chosen:
        menu.actions()[2].trigger()
    key = chosen.args[0]
    assert isinstance(key, str)
    button.show_group(key)
    assert [a.isChecked() for a in menu.actions()] == [i == 2 for i in range(len(texts))]
    assert button.text().endswith("▾") and "Follows link group" in button.toolTip()
    button.show_group(None)
    assert button.text() == "Pinned ▾" and menu.actions()[0].isChecked()


@pytest.mark.parametrize("kind", ["depth", "tape"])
def test_each_window_keeps_its_symbol_and_says_why_when_the_text_is_not_one(
    qtbot: QtBot, kind: str
) -> None:
    window: QWidget
    if kind == "depth":
        book = QuoteBook()
        book.track("AAPL.US")
        window = DepthWindow(DepthLadderModel(book), "AAPL.US")
    else:
        window = TapeWindow(TapeModel(TapeBook()), "AAPL.US")
    qtbot.addWidget(window)
    window.show()
    edit = window.findChild(SymbolEdit)
    assert edit is not None
    enter(qtbot, edit, "not a symbol!")
    assert window.symbol() == "AAPL.US"  # type: ignore[attr-defined]
    error = [label for label in window.findChildren(QLabel) if label.objectName().endswith("Error")]
    assert error[0].isVisible() and "is not a symbol" in error[0].text()
    with qtbot.waitSignal(window.symbolTyped) as typed:  # type: ignore[attr-defined]
        enter(qtbot, edit, "msft")
    assert typed.args == ["MSFT.US"] and window.symbol() == "MSFT.US"  # type: ignore[attr-defined]
    assert not error[0].isVisible() and edit.text() == "MSFT.US"

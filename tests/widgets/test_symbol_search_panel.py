"""SymbolSearchPanel: results as you type, Enter adds, commas add many, reasons for bad text, Esc."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.widgets.symbol_search_panel import SymbolSearchPanel

SYMBOLS_DIR = Path(__file__).resolve().parents[2] / "resources" / "symbols"


@pytest.fixture(scope="module")
def matcher() -> SymbolMatcher:
    return SymbolMatcher(
        SymbolUniverse.from_files([SYMBOLS_DIR / "us.csv", SYMBOLS_DIR / "hk.csv"])
    )


@pytest.fixture
def panel(qtbot: QtBot, matcher: SymbolMatcher) -> SymbolSearchPanel:
    widget = SymbolSearchPanel(matcher)
    widget.resize(340, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def added(qtbot: QtBot, panel: SymbolSearchPanel, key: Qt.Key = Qt.Key.Key_Return) -> list[str]:
    with qtbot.waitSignal(panel.addRequested, timeout=1000) as signal:
        qtbot.keyClick(panel.field(), key)
    return list(signal.args[0])


def test_typing_shows_matches_and_enter_adds_the_first(
    qtbot: QtBot, panel: SymbolSearchPanel
) -> None:
    panel.start()
    qtbot.keyClicks(panel.field(), "tencent")
    assert panel.model().hits()[0].code == "00700.HK"
    assert "match" in panel.status_text()
    assert added(qtbot, panel) == ["00700.HK"]
    assert panel.field().text() == "" and "Added 00700.HK" in panel.status_text()


def test_arrow_keys_pick_another_result(qtbot: QtBot, panel: SymbolSearchPanel) -> None:
    qtbot.keyClicks(panel.field(), "alibaba")
    codes = [hit.code for hit in panel.model().hits()]
    qtbot.keyClick(panel.field(), Qt.Key.Key_Down)
    qtbot.keyClick(panel.field(), Qt.Key.Key_Down)
    qtbot.keyClick(panel.field(), Qt.Key.Key_Up)
    assert added(qtbot, panel) == [codes[1]]


def test_comma_separated_text_adds_every_symbol(qtbot: QtBot, panel: SymbolSearchPanel) -> None:
    qtbot.keyClicks(panel.field(), "AAPL, MSFT 700.HK")
    assert added(qtbot, panel) == ["AAPL.US", "MSFT.US", "00700.HK"]


def test_a_code_outside_the_universe_is_accepted_and_nonsense_explained(
    qtbot: QtBot, panel: SymbolSearchPanel
) -> None:
    qtbot.keyClicks(panel.field(), "zzzz")
    assert added(qtbot, panel) == ["ZZZZ.US"]
    qtbot.keyClicks(panel.field(), "$$$")
    with qtbot.assertNotEmitted(panel.addRequested):
        qtbot.keyClick(panel.field(), Qt.Key.Key_Return)
    assert "is not a symbol" in panel.status_text()
    panel.field().setText("AAPL, !!")
    with qtbot.assertNotEmitted(panel.addRequested):
        qtbot.keyClick(panel.field(), Qt.Key.Key_Return)
    assert "“!!”" in panel.status_text()


def test_escape_clears_then_asks_to_close(qtbot: QtBot, panel: SymbolSearchPanel) -> None:
    panel.start("ms")
    assert panel.field().text() == "ms" and panel.field().hasFocus()
    qtbot.keyClick(panel.field(), Qt.Key.Key_Escape)
    assert panel.field().text() == ""
    with qtbot.waitSignal(panel.closeRequested, timeout=1000):
        qtbot.keyClick(panel.field(), Qt.Key.Key_Escape)


def test_results_already_on_the_list_are_marked(qtbot: QtBot, panel: SymbolSearchPanel) -> None:
    panel.set_on_list(["00700.HK"])
    qtbot.keyClicks(panel.field(), "700")
    assert panel.model().index(0).data(int(Qt.ItemDataRole.UserRole) + 4) is True
    grab = panel.grab()
    assert not grab.isNull()

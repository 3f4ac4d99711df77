"""InsightsUi on a MainWindow: docks and View toggles, row menu, chart on activation, notifications."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.domain.alerts import AlertFiring, AlertKind, AlertRule
from desktop.domain.market_data import ReferenceData
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.insights import InsightsUi
from desktop.widgets.main_window import MainWindow
from desktop.widgets.watchlist_panel import WatchlistPanel
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)
SYMBOLS = ["AAPL.US", "MSFT.US", "00700.HK"]


def board_window(book: QuoteBook, folder: Path) -> MainWindow:
    """A main window over one saved list holding SYMBOLS, priced from `book`."""
    repo = WatchlistRepository(Database(folder / "q.db"))
    repo.create("Mine", SYMBOLS)
    session = WatchlistSession(repo, book)
    for symbol in SYMBOLS:
        book.apply_reference(
            ReferenceData(symbol, prev_close=Decimal(100), last=Decimal(101), turnover=Decimal(5)),
            0.0,
        )
    dirty = book.take_dirty()
    for model in session.models():
        model.refresh(dirty, 0.0)
    return MainWindow(WatchlistPanel(session, SymbolMatcher(SymbolUniverse())))


@pytest.fixture
def ui(qtbot: QtBot, tmp_path: Path) -> Iterator[InsightsUi]:
    book = QuoteBook()
    window = board_window(book, tmp_path)
    qtbot.addWidget(window)
    made = InsightsUi(window, book, MinuteBarStore(), tray_available=False)
    window.show()
    qtbot.waitExposed(window)
    yield made
    made.shutdown()


def test_the_view_menu_toggles_the_heatmap_and_alerts_docks(ui: InsightsUi, qtbot: QtBot) -> None:
    texts = [action.text() for action in ui.window.view_menu().actions()]
    assert "Heatmap" in texts and "Alerts" in texts
    assert not ui.heatmap_dock.isVisible()
    ui.heatmap_action.trigger()
    qtbot.waitUntil(ui.heatmap_dock.isVisible, timeout=WAIT_MS)
    wide = int(ui.window.width() * 0.3)  # a useful first size, not the dock's minimum
    qtbot.waitUntil(lambda: ui.heatmap_dock.width() >= wide, timeout=WAIT_MS)
    assert ui.heatmap_action.shortcut().toString() == "Ctrl+Shift+H"
    assert ui.alerts_action.shortcut().toString() == "Ctrl+Shift+A"


def test_a_rows_menu_offers_a_chart_and_a_new_alert(ui: InsightsUi) -> None:
    view = ui.window.watchlist_view()
    assert view is not None
    actions = {action.text(): action for action in ui.window.watchlists().row_actions()}
    assert {"Open Chart", "New Alert…"} <= set(actions)
    view.select_symbol("MSFT.US")
    actions["Open Chart"].trigger()
    assert ui.charts.symbols() == ["MSFT.US"]
    actions["New Alert…"].trigger()
    editor = ui.editor()
    assert editor is not None and editor.symbol == "MSFT.US" and not editor.isModal()


def test_activating_a_row_opens_its_chart(ui: InsightsUi) -> None:
    ui.window.watchlists().symbolActivated.emit("00700.HK")
    window = ui.charts.window("00700.HK")
    assert window is not None and window.isVisible()


def test_a_heatmap_click_selects_the_row_in_the_watchlist(ui: InsightsUi) -> None:
    ui.heatmap.symbolSelected.emit("00700.HK")
    view = ui.window.watchlist_view()
    assert view is not None and view.current_symbol() == "00700.HK"


def test_a_submitted_alert_is_passed_on_and_the_alerts_dock_shows(
    ui: InsightsUi, qtbot: QtBot
) -> None:
    editor = ui.new_alert("AAPL.US")
    with qtbot.waitSignal(ui.alertRuleSubmitted, timeout=WAIT_MS) as submitted:
        editor.create_button.click()
    rule = submitted.args[0]
    assert isinstance(rule, AlertRule) and rule.kind is AlertKind.PRICE_ABOVE
    qtbot.waitUntil(ui.alerts_dock.isVisible, timeout=WAIT_MS)


def test_a_firing_shows_a_toast_and_skips_a_missing_tray(ui: InsightsUi) -> None:
    ui.show_firing(AlertFiring(1, "AAPL.US", AlertKind.PRICE_ABOVE, 0.0, "AAPL.US traded 101"))
    toast = ui.toasts.toasts()[-1]
    assert toast.title.text() == "Alert · AAPL.US"
    assert toast.body.text() == "AAPL.US traded 101"
    assert not ui.tray.available and ui.tray.sent == 0
    ui.show_problem("The alert could not be saved: disk full.")
    assert ui.toasts.toasts()[-1].title.text() == "Alerts"


def test_the_heatmap_shares_the_right_edge_with_a_docked_ladder_and_comes_to_the_front(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget, QLabel

    book = QuoteBook()
    window = board_window(book, tmp_path)
    qtbot.addWidget(window)
    ladder = QDockWidget("Depth Ladder", window)
    ladder.setWidget(QLabel("ladder"))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, ladder)
    ui = InsightsUi(window, book, MinuteBarStore(), tray_available=False)
    window.show()
    qtbot.waitExposed(window)
    ui.heatmap_action.trigger()
    qtbot.waitUntil(lambda: not ui.heatmap.visibleRegion().isEmpty(), timeout=WAIT_MS)
    assert window.tabifiedDockWidgets(ladder) == [ui.heatmap_dock]
    assert ladder.widget().visibleRegion().isEmpty()  # the heatmap tab is in front
    ui.shutdown()

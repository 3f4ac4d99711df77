"""AlertsPanel: rules and log side by side; delete, clear and double-click emit intents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from desktop.domain.alerts import AlertKind, AlertLogEntry, AlertRule
from desktop.qt.alert_models import AlertLogModel, AlertRulesModel
from desktop.widgets.alerts_panel import AlertsPanel
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)


@pytest.fixture
def panel(qtbot: QtBot) -> tuple[AlertsPanel, AlertRulesModel, AlertLogModel]:
    rules, log = AlertRulesModel(), AlertLogModel()
    made = AlertsPanel()
    made.set_models(rules, log)
    qtbot.addWidget(made)
    made.resize(900, 240)
    made.show()
    qtbot.waitExposed(made)
    return made, rules, log


def test_an_empty_panel_says_how_to_make_an_alert(
    panel: tuple[AlertsPanel, AlertRulesModel, AlertLogModel],
) -> None:
    made, rules, _ = panel
    assert made.empty.isVisible() and "New Alert" in made.empty.text()
    assert not made.delete_button.isEnabled()
    rules.set_rules([AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, Decimal(1), id=1)])
    assert not made.empty.isVisible()


def test_delete_sends_the_ids_of_the_selected_rules(
    panel: tuple[AlertsPanel, AlertRulesModel, AlertLogModel], qtbot: QtBot
) -> None:
    made, rules, _ = panel
    rules.set_rules(
        [
            AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, Decimal(1), id=4),
            AlertRule("MSFT.US", AlertKind.PRICE_BELOW, Decimal(1), id=9),
        ]
    )
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    made.rules.selectionModel().select(rules.index(1, 0), flags)
    assert made.delete_button.isEnabled()
    with qtbot.waitSignal(made.deleteRequested, timeout=WAIT_MS) as deleted:
        qtbot.mouseClick(made.delete_button, Qt.MouseButton.LeftButton)
    assert deleted.args == [[9]]


def test_clear_log_and_double_click_on_an_entry_are_passed_on(
    panel: tuple[AlertsPanel, AlertRulesModel, AlertLogModel], qtbot: QtBot
) -> None:
    made, _, log = panel
    log.set_entries([AlertLogEntry(1, None, "00700.HK", 100.0, "up")])
    with qtbot.waitSignal(made.clearLogRequested, timeout=WAIT_MS):
        qtbot.mouseClick(made.clear_button, Qt.MouseButton.LeftButton)
    rect = made.log.visualRect(log.index(0, 2))
    qtbot.mouseClick(made.log.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(made.symbolActivated, timeout=WAIT_MS) as activated:
        qtbot.mouseDClick(made.log.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == ["00700.HK"]

"""The dashboard widget: a click on a row selects its symbol in the dashboard's link group."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.qt.dashboard_controller import DashboardController
from desktop.widgets.volume_dashboard import VolumeDashboard
from tests.domain.test_volume_anomalies import SYMBOLS, ScriptedMarket, ms


def test_clicking_an_anomaly_selects_it_in_the_chosen_link_group(qtbot: QtBot) -> None:
    market = ScriptedMarket()
    market.surge()
    controller = DashboardController(
        market.book, market.bars, market.tape, lambda: list(SYMBOLS), lambda: ms(10, 30, 55)
    )
    dashboard = VolumeDashboard(controller)
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 300)
    dashboard.show()
    controller.set_active(True)
    dashboard.set_link_group("purple")
    view = dashboard.anomaly_view
    rect = view.visualRect(controller.anomalies.index(1, 0))
    with qtbot.waitSignal(dashboard.symbolSelected) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["NVDA.US", "purple"]
    assert "<br>print 20× median" in view.model().index(1, controller.anomalies.REASON_COLUMN).data(
        Qt.ItemDataRole.ToolTipRole
    )
    controller.set_active(False)
    assert not controller.is_active()

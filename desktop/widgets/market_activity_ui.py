"""Time & sales and the volume-anomaly dashboard, installed on a `MainWindow` in one place.

Adds the Time & Sales dock (right, under the depth ladder) and the Volume Dashboard dock (bottom,
like the heatmap), their View-menu toggles, and a row action that pops the current row's tape
out. The dashboard re-ranks only while shown; hiding it marks "last looked".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from desktop.qt.dashboard_controller import DashboardController
from desktop.widgets.main_window import MainWindow
from desktop.widgets.tape_windows import TapeWindowManager
from desktop.widgets.volume_dashboard import VolumeDashboard

__all__ = ["MarketActivityUi"]


class MarketActivityUi(QObject):
    """The widget side of the tape and the dashboard; app/ connects the data to it."""

    def __init__(
        self,
        window: MainWindow,
        tapes: TapeWindowManager,
        controller: DashboardController,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tapes = tapes
        self.controller = controller
        panel = window.watchlists()
        self.tape_dock = tapes.dock()
        right = Qt.DockWidgetArea.RightDockWidgetArea
        # Under what is on the right (the ladder and its tabs): price levels above, prints below,
        # as on a trading screen (`splitDockWidget` would only add a tab to a tabbed ladder).
        window.addDockWidget(right, self.tape_dock, Qt.Orientation.Vertical)
        self.tape_dock.hide()
        self.dashboard = VolumeDashboard(controller)
        self.dashboard_dock = QDockWidget("Volume Dashboard", window)
        self.dashboard_dock.setObjectName("volumeDashboardDock")
        self.dashboard_dock.setWidget(self.dashboard)
        self.dashboard_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dashboard_dock)
        self.dashboard_dock.hide()
        menu = window.view_menu()
        menu.addSeparator()
        self.tape_action = self.tape_dock.toggleViewAction()
        self.tape_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.dashboard_action = self.dashboard_dock.toggleViewAction()
        self.dashboard_action.setText("Volume &Dashboard")
        self.dashboard_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        for action in (self.tape_action, self.dashboard_action):
            menu.addAction(action)
        self.dashboard_dock.visibilityChanged.connect(controller.set_active)
        self.dashboard_dock.visibilityChanged.connect(self._first_size)
        self.tape_dock.visibilityChanged.connect(self._first_tape_size)
        self._sized = False
        self._tape_sized = False
        pop = QAction("Time && Sales", window)
        pop.triggered.connect(self._pop_out_current)
        panel.add_row_action(pop)
        panel.currentSymbolChanged.connect(tapes.follow_selection)

    def _pop_out_current(self) -> None:
        view = self.window.watchlists().current_view()
        symbol = view.current_symbol() if view is not None else None
        if symbol:
            self.tapes.pop_out(symbol)

    def _first_tape_size(self, shown: bool) -> None:
        """The first time the tape appears, give it three fifths of the right column."""
        if shown and not self._tape_sized and not self.tape_dock.isFloating():
            self._tape_sized = True
            ladder = self.window.findChild(QDockWidget, "depthDock")
            if ladder is None or ladder.isHidden():
                return
            column = ladder.height() + self.tape_dock.height()
            ladder_share = column * 2 // 5  # ten HK levels fit; the prints get the rest
            self.window.resizeDocks(
                [ladder, self.tape_dock], [ladder_share, column - ladder_share],
                Qt.Orientation.Vertical,
            )  # fmt: skip

    def _first_size(self, shown: bool) -> None:
        """The first time the dashboard appears, give it a third of the window's height."""
        if shown and not self._sized and not self.dashboard_dock.isFloating():
            self._sized = True
            self.window.resizeDocks(
                [self.dashboard_dock], [int(self.window.height() * 0.34)], Qt.Orientation.Vertical
            )

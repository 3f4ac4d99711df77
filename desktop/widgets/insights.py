"""Charts, the heatmap and alerts, installed on a `MainWindow` in one place.

Adds the Heatmap and Alerts docks with their View-menu toggles, the row context-menu entries
(Open Chart, New Alert…), double-click/Enter → chart, heatmap click → watchlist selection, and the
toast + tray notifications. It emits intents for what needs storage; the app package connects them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

from desktop.domain.alerts import AlertFiring
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.qt.alert_models import AlertLogModel, AlertRulesModel
from desktop.qt.palette import colors
from desktop.widgets.alert_editor import AlertEditor
from desktop.widgets.alerts_panel import AlertsPanel
from desktop.widgets.chart_windows import ChartWindowManager
from desktop.widgets.heatmap import HeatmapWidget
from desktop.widgets.main_window import MainWindow
from desktop.widgets.toast import ToastHost
from desktop.widgets.tray import TrayNotifier
from desktop.widgets.workspace_keeper import SIZE_RESTORED

__all__ = ["InsightsUi"]


def _dock(title: str, name: str, widget: QWidget, window: MainWindow) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    return dock


class InsightsUi(QObject):
    """The widget side of charts, heatmap and alerts: chart windows, docks, editor, toasts, tray."""

    alertRuleSubmitted = Signal(object)
    """A validated `AlertRule` from the editor, to store."""
    alertsDeleteRequested = Signal(list)
    alertLogClearRequested = Signal()

    def __init__(
        self,
        window: MainWindow,
        book: QuoteBook,
        bars: MinuteBarStore,
        tray_available: bool | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self._book = book
        panel = window.watchlists()
        view = panel.current_view()
        assert view is not None, "the watchlist panel always shows one list"
        self.charts = ChartWindowManager(bars, book, self, main_window=window)
        self.heatmap = HeatmapWidget(view.quote_model(), book)
        self.heatmap_dock = _dock("Heatmap", "heatmapDock", self.heatmap, window)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        beside = [
            dock
            for dock in window.findChildren(QDockWidget)
            if window.dockWidgetArea(dock) == right and not dock.isFloating()
        ]
        window.addDockWidget(right, self.heatmap_dock)
        if beside:  # share the right edge with the depth ladder as a tab, not half its height
            window.tabifyDockWidget(beside[0], self.heatmap_dock)
        self.heatmap_dock.hide()
        self.alerts_panel = AlertsPanel()
        self.alerts_dock = _dock("Alerts", "alertsDock", self.alerts_panel, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.alerts_dock)
        self.alerts_dock.hide()
        menu = window.view_menu()
        menu.addSeparator()
        for dock, keys in ((self.heatmap_dock, "Ctrl+Shift+H"), (self.alerts_dock, "Ctrl+Shift+A")):
            action = dock.toggleViewAction()
            action.setShortcut(QKeySequence(keys))
            menu.addAction(action)
        self.heatmap_action = self.heatmap_dock.toggleViewAction()
        self.alerts_action = self.alerts_dock.toggleViewAction()
        for dock in (self.heatmap_dock, self.alerts_dock):  # shown from the menu: the front tab
            dock.toggleViewAction().triggered.connect(
                lambda checked, d=dock: d.raise_() if checked else None
            )
        self._panel = panel
        for label, handler in (("Open Chart", self.charts.open), ("New Alert…", self.new_alert)):
            action = QAction(label, window)
            action.triggered.connect(lambda _=False, h=handler: self._on_current(h))
            panel.add_row_action(action)
        panel.symbolActivated.connect(self.charts.open)
        panel.currentSymbolChanged.connect(self.heatmap.set_selected)
        panel.currentSymbolChanged.connect(self._follow_list)
        self.heatmap.symbolSelected.connect(self._select)
        self.alerts_panel.symbolActivated.connect(self._select)
        self.alerts_panel.deleteRequested.connect(self.alertsDeleteRequested)
        self.alerts_panel.clearLogRequested.connect(self.alertLogClearRequested)
        self._sized: set[QDockWidget] = set()
        self.heatmap_dock.visibilityChanged.connect(
            lambda shown: self._first_size(self.heatmap_dock, shown, 0.4, Qt.Orientation.Horizontal)
        )
        self.alerts_dock.visibilityChanged.connect(
            lambda shown: self._first_size(self.alerts_dock, shown, 0.3, Qt.Orientation.Vertical)
        )
        self.toasts = ToastHost(window)
        self.tray = TrayNotifier(self, tray_available)
        self._editor: AlertEditor | None = None

    def _on_current(self, handler: Callable[[str], object]) -> None:
        """A row action: run `handler` on the shown list's current symbol."""
        view = self._panel.current_view()
        symbol = view.current_symbol() if view is not None else None
        if symbol:
            handler(symbol)

    def _select(self, symbol: str) -> None:
        """Select `symbol` in the shown list (heatmap tile, alert row)."""
        view = self._panel.current_view()
        if view is not None:
            view.select_symbol(symbol)

    def _follow_list(self, _symbol: str) -> None:
        """The heatmap draws the list the user is looking at."""
        view = self._panel.current_view()
        if view is not None:
            self.heatmap.set_model(view.quote_model())

    def _first_size(
        self, dock: QDockWidget, shown: bool, share: float, orientation: Qt.Orientation
    ) -> None:
        """The first time a dock appears, give it a useful share of the window, not its minimum."""
        if not shown or dock in self._sized or dock.isFloating():
            return
        if dock.property(SIZE_RESTORED):  # a saved workspace sized it
            return
        self._sized.add(dock)
        whole = (
            self.window.width()
            if orientation == Qt.Orientation.Horizontal
            else self.window.height()
        )
        self.window.resizeDocks([dock], [int(whole * share)], orientation)

    def set_alert_models(self, rules: AlertRulesModel, log: AlertLogModel) -> None:
        """Show the alert center's models in the panel."""
        self.alerts_panel.set_models(rules, log)

    def new_alert(self, symbol: str) -> AlertEditor:
        """Open the (non-modal) editor for a new alert on `symbol`."""
        if self._editor is not None:
            self._editor.close()
        editor = AlertEditor(symbol, self._book.get(symbol), self.window)
        editor.submitted.connect(self._on_submitted)
        editor.finished.connect(lambda result: self._forget_editor(editor))
        self._editor = editor
        editor.show()
        return editor

    def editor(self) -> AlertEditor | None:
        """The open alert editor, if any."""
        return self._editor

    def _forget_editor(self, editor: AlertEditor) -> None:
        if self._editor is editor:
            self._editor = None

    def _on_submitted(self, rule: object) -> None:
        self.alertRuleSubmitted.emit(rule)
        self.alerts_dock.show()
        self.alerts_dock.raise_()

    def show_firing(self, firing: AlertFiring) -> None:
        """Announce a fired alert: a toast in the corner and, where there is one, the tray."""
        title = f"Alert · {firing.symbol}"
        self.toasts.show_toast(title, firing.message)
        self.tray.notify(title, firing.message)

    def show_problem(self, text: str) -> None:
        """Tell the user something went wrong with alerts (red accent, stays longer)."""
        self.toasts.show_toast("Alerts", text, accent=colors().down, seconds=12.0)

    def shutdown(self) -> None:
        """Close chart windows and the tray icon (after their placements were saved)."""
        self.charts.close_all()
        if self._editor is not None:
            self._editor.close()
        self.tray.hide()

"""The main window: the watchlists in the middle, the feed status bar below, and the menus."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QVBoxLayout, QWidget

import desktop
from desktop.domain.feed_status import FeedStatus
from desktop.domain.recording import RecordingSettings
from desktop.qt.truth_monitor import TruthMonitor
from desktop.widgets.editable_watchlist_view import EditableWatchlistView
from desktop.widgets.link_chip import LinkChip
from desktop.widgets.performance_panel import PerformancePanel
from desktop.widgets.reconnect_banner import ReconnectBanner
from desktop.widgets.recording_badges import RecordingIndicator, ReplayBadge
from desktop.widgets.recording_menu import RecordingMenu
from desktop.widgets.screen_fit import available_area, fit_new_window, frame_margins, keep_on_screen
from desktop.widgets.shortcut_sheet import ShortcutSheet
from desktop.widgets.status_bar import FeedStatusBar
from desktop.widgets.truth_chip import mode_title
from desktop.widgets.watchlist_panel import WatchlistPanel
from desktop.widgets.workspaces_menu import WorkspacesMenu

__all__ = ["MainWindow"]

_ABOUT_TEXT = (
    "Real-time US and Hong Kong stock quotes and order-book depth.\n\n"
    "With no API token configured, Quote Board runs against its built-in market simulator "
    "and shows a DEMO DATA badge in the status bar."
)


_PREFERRED_SIZE = (1440, 860)
"""Room for every column with readable names; smaller screens get their available area."""
_DOCK_WIDTH = 500
_DOCK_MIN_WIDTH = 400
"""The ladder's five fixed columns and two readable size columns."""


class MainWindow(QMainWindow):
    """Hosts the `WatchlistPanel` and `FeedStatusBar`; emits intents, owns no feed or storage."""

    quitRequested = Signal()
    """The user quit (File → Quit, Ctrl+Q, or closing this window): the app package shuts down."""
    popOutRequested = Signal(str)
    """Open a depth window for this symbol (Ctrl+D, or the watchlist row's context menu)."""
    settingsRequested = Signal()
    """File → Settings… (provider, plan, host, API token): the app package opens the settings dialog."""

    def __init__(self, watchlists: WatchlistPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Quote Board")
        fit_new_window(self, _PREFERRED_SIZE)
        self._fitted = False
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self._banner = ReconnectBanner(central)
        self._watchlists = watchlists
        column.addWidget(self._banner)
        column.addWidget(watchlists, 1)
        self.setCentralWidget(central)
        self._status_bar = FeedStatusBar(self)
        self.setStatusBar(self._status_bar)
        self._about: QMessageBox | None = None
        self._shortcuts: ShortcutSheet | None = None
        self.link_chip: LinkChip | None = None
        """The watchlist's link group in the status bar (once the depth dock is installed)."""
        self._build_menus()

    def show_notice(self, kind: str, text: str, timeout_ms: int | None = None) -> None:
        """Show a sentence in the bar above the watchlists (plain text; `timeout_ms=0` stays)."""
        self._watchlists.notices.show_notice(kind, text, timeout_ms=timeout_ms)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        settings_action = QAction("&Settings…", self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings_action.triggered.connect(self.settingsRequested.emit)
        file_menu.addAction(settings_action)
        file_menu.addActions(self._watchlists.file_actions())
        file_menu.addSeparator()
        # -- recording and replay: intents for the app package, REC and REPLAY badges --------------------
        self.recording_menu = RecordingMenu(self, file_menu, RecordingSettings())
        self.recording_indicator = RecordingIndicator()
        self.replay_badge = ReplayBadge()
        self._status_bar.insertPermanentWidget(0, self.replay_badge)
        self._status_bar.insertPermanentWidget(1, self.recording_indicator)
        # -- end of recording and replay ----------------------------------------------------
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        for action in self._watchlists.edit_actions():
            if action is None:
                edit_menu.addSeparator()
            else:
                edit_menu.addAction(action)

        view_menu = self._view_menu = bar.addMenu("&View")
        self.freeze_action = QAction("&Freeze Row Order", self)
        self.freeze_action.setCheckable(True)
        self.freeze_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.freeze_action.setToolTip("Stop rows from re-sorting while prices move")
        self.freeze_action.toggled.connect(self._watchlists.set_order_frozen)
        view_menu.addAction(self.freeze_action)
        restore_order = QAction("&Restore Watchlist Order", self)
        restore_order.setShortcut(QKeySequence("Ctrl+Shift+R"))
        restore_order.triggered.connect(self._watchlists.clear_sort)
        view_menu.addAction(restore_order)
        view_menu.addSeparator()
        self.full_screen_action = QAction("F&ull Screen", self)
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.setShortcut(QKeySequence.StandardKey.FullScreen)
        self.full_screen_action.toggled.connect(self._set_full_screen)
        view_menu.addAction(self.full_screen_action)
        self._add_performance_action(view_menu)

        view_menu.addSeparator()
        self.pop_out_action = QAction("&Pop Out Depth Ladder", self)
        self.pop_out_action.setShortcut(QKeySequence("Ctrl+D"))
        self.pop_out_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.pop_out_action.setToolTip("Open the selected symbol's depth ladder in its own window")
        self.pop_out_action.triggered.connect(self._pop_out_current)
        view_menu.addAction(self.pop_out_action)
        self._watchlists.add_row_action(self.pop_out_action)  # the rows' context menu

        view_menu.addSeparator()
        view_menu.addActions(self._watchlists.navigation_actions())
        self.workspaces_menu = WorkspacesMenu(self)
        bar.addMenu(self.workspaces_menu)

        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard Shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        about = QAction("&About Quote Board", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # -- performance panel -------------------------------------------------------------------
    def _add_performance_action(self, view_menu: QMenu) -> None:
        """View → Performance toggles the non-modal `PerformancePanel`; the app package feeds it."""
        self._performance = PerformancePanel(self)
        self.performance_action = QAction("&Performance", self)
        self.performance_action.setCheckable(True)
        self.performance_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.performance_action.setToolTip("Messages/s, flushes, loop lag and decode backlog")
        self.performance_action.toggled.connect(self._performance.setVisible)
        self._performance.visibilityChanged.connect(self.performance_action.setChecked)
        view_menu.addSeparator()
        view_menu.addAction(self.performance_action)

    def performance_panel(self) -> PerformancePanel:
        """The Performance tool window (hidden until View → Performance)."""
        return self._performance

    # -- accessors ----------------------------------------------------------------------------
    def watchlists(self) -> WatchlistPanel:
        """The watchlist tabs, search pane and notice bar."""
        return self._watchlists

    def watchlist_view(self) -> EditableWatchlistView | None:
        """The table of the list shown now."""
        return self._watchlists.current_view()

    def view_menu(self) -> QMenu:
        """The View menu (features add their panels' toggles here)."""
        return self._view_menu

    def feed_status_bar(self) -> FeedStatusBar:
        """The status bar with the connection indicator, msg/s and DEMO badge."""
        return self._status_bar

    def install_depth_dock(self, dock: QDockWidget, link_menu: QMenu | None = None) -> None:
        """Dock the depth ladder on the right; list it (and the watchlist's link group) in View."""
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        area = available_area(self)
        margins = frame_margins(self)
        room = area.width - margins.left - margins.right if area is not None else self.width()
        # A third of a small screen, 500 px on a big one; the watchlist keeps its width if it can.
        width = max(_DOCK_MIN_WIDTH, min(_DOCK_WIDTH, room // 3))
        self.resize(min(self.width() + width, room), self.height())
        if area is not None and not self.isVisible():
            self.move(
                area.x
                + (area.width - self.width() - margins.left - margins.right) // 2
                + margins.left,
                self.y(),
            )
        self.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence("Ctrl+Shift+L"))
        toggle.setToolTip("Show or collapse the depth ladder dock")
        self._view_menu.addAction(toggle)
        if link_menu is not None:
            self._view_menu.addMenu(link_menu)
            self.link_chip = LinkChip(link_menu, self._status_bar)
            self._status_bar.insertPermanentWidget(0, self.link_chip)

    # -- slots --------------------------------------------------------------------------------
    def _pop_out_current(self) -> None:
        view = self._watchlists.current_view()
        symbol = view.current_symbol() if view is not None else None
        if symbol:
            self.popOutRequested.emit(symbol)

    @Slot(FeedStatus)
    def attach_truth(self, monitor: TruthMonitor) -> None:
        """Mark the title whenever the board shows demo or replay data, never live."""
        monitor.modeChanged.connect(
            lambda mode: self.setWindowTitle(mode_title("Quote Board", mode))
        )

    def set_status(self, status: FeedStatus) -> None:
        """Show the feed's state (and the DEMO badge when `status.demo`)."""
        self._status_bar.set_status(status)

    @Slot(str)
    def show_banner(self, text: str) -> None:
        """Show a non-modal one-line notice above the table (e.g. after a reconnect)."""
        self._banner.show_message(text)

    def banner(self) -> ReconnectBanner:
        """The notice strip above the table."""
        return self._banner

    @Slot(float)
    def set_rate(self, msgs_per_s: float) -> None:
        """Show the feed's message rate."""
        self._status_bar.set_rate(msgs_per_s)

    @Slot(bool)
    def set_demo(self, demo: bool) -> None:
        """Force the DEMO DATA badge on or off (it also follows `FeedStatus.demo`)."""
        self._status_bar.set_demo(demo)

    @Slot()
    def show_about(self) -> None:
        """Open the About box without blocking (`open()`, never `exec()`: qasync must keep running)."""
        if self._about is not None and self._about.isVisible():
            self._about.raise_()
            self._about.activateWindow()
            return
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("About Quote Board")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Quote Board {desktop.__version__}")
        box.setInformativeText(_ABOUT_TEXT)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._on_about_finished)
        self._about = box
        box.open()

    @Slot()
    def show_shortcuts(self) -> ShortcutSheet:
        """Help → Keyboard Shortcuts: the sheet generated from this window's actions."""
        if self._shortcuts is not None and self._shortcuts.isVisible():
            self._shortcuts.raise_()
            return self._shortcuts
        sheet = ShortcutSheet(self)
        sheet.destroyed.connect(self._forget_shortcuts)
        self._shortcuts = sheet
        sheet.show()
        return sheet

    def _forget_shortcuts(self) -> None:
        self._shortcuts = None

    def about_box(self) -> QMessageBox | None:
        """The About box while it is open."""
        return self._about

    def _on_about_finished(self, result: int) -> None:
        self._about = None

    def _set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    def showEvent(self, event: QShowEvent) -> None:
        """The first time it is shown (and framed), pull the whole window onto its screen."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.keep_on_screen)

    @Slot()
    def keep_on_screen(self) -> bool:
        """Slide or shrink the window until its frame and status bar are on screen."""
        return keep_on_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the main window quits the app: tell the app package, which owns the shutdown order."""
        self.quitRequested.emit()
        event.accept()

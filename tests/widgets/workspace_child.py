"""Child process for the workspace tests: one start of the board's windows, then a JSON report.

Builds the main window, the depth dock and the heatmap and alerts docks the way the app does, with
a `WorkspaceKeeper` saving into the app database on change. `open` arranges the windows as a user
would and ends abruptly (os._exit, like a crash) once the change was saved; `restore` starts
again and puts back what was saved; `save NAME` / `switch NAME` use named workspaces.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository
from desktop.persistence.watchlists import WatchlistRepository
from desktop.persistence.workspaces import WorkspaceRepository
from desktop.qt.palette import DARK
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.chart_window import CHART_KIND
from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
from desktop.widgets.insights import InsightsUi
from desktop.widgets.main_window import MainWindow
from desktop.widgets.popout_manager import screen_areas
from desktop.widgets.theme import apply_theme
from desktop.widgets.watchlist_panel import WatchlistPanel
from desktop.widgets.workspace_keeper import WorkspaceKeeper


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _settle(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()


class Board:
    """The windows of one start, wired to the database as the app wires them."""

    def __init__(self, app: QApplication, db_path: Path) -> None:
        self.app = app
        self.db = Database(db_path)
        repo = WatchlistRepository(self.db)
        if not repo.lists():
            repo.create("US", ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US"])
            repo.create("Hong Kong", ["00700.HK", "09988.HK", "00005.HK"])
        book = QuoteBook()
        self.session = WatchlistSession(repo, book)
        self.panel = WatchlistPanel(self.session, SymbolMatcher(SymbolUniverse()))
        self.window = MainWindow(self.panel)
        bridge = StreamBridge(book, QuoteTableModel(book), frames=lambda: 0)
        self.ladders = DepthWindowManager(book, bridge, main_window=self.window)
        self.window.install_depth_dock(self.ladders.dock())
        self.ui = InsightsUi(self.window, book, MinuteBarStore(), tray_available=False)
        self.workspaces = WorkspaceRepository(self.db)
        self.layouts = LayoutRepository(self.db)
        self.keeper = WorkspaceKeeper(
            self.window, self.panel, {DEPTH_KIND: self.ladders, CHART_KIND: self.ui.charts}
        )
        self.saves = 0
        self.keeper.changed.connect(self.save)

    def save(self) -> None:
        self.workspaces.save_current(self.keeper.capture())
        self.layouts.save(DEPTH_KIND, self.ladders.layouts())
        self.layouts.save(CHART_KIND, self.ui.charts.layouts())
        self.saves += 1

    def start(self) -> None:
        """Show and restore, in the app's order: main window, its state, then the pop-outs."""
        self.window.show()
        _settle(self.app)
        state = self.workspaces.load_current(screen_areas())
        if state is not None:
            self.keeper.apply(state, with_pop_outs=False)
        self.ladders.restore(self.layouts.load(DEPTH_KIND))
        self.ui.charts.restore(self.layouts.load(CHART_KIND))
        _settle(self.app)
        self.keeper.watch()

    def wait_saved(self) -> None:
        before = self.saves
        deadline = time.monotonic() + 20
        while (self.saves == before or self.keeper.pending()) and time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.01)
        assert self.saves > before, "the change was never saved"

    def dock(self, name: str) -> QDockWidget:
        dock = self.window.findChild(QDockWidget, name)
        assert isinstance(dock, QDockWidget), name
        return dock

    def report(self) -> dict[str, Any]:
        view = self.panel.current_view()
        docks = {}
        for dock in self.window.findChildren(QDockWidget):
            area = self.window.dockWidgetArea(dock)
            docks[dock.objectName()] = {
                "visible": dock.isVisible(),
                "floating": dock.isFloating(),
                "area": area.name if not dock.isFloating() else "",
                "geometry": _rect(dock.geometry()),
                "tabbed_with": sorted(
                    d.objectName() for d in self.window.tabifiedDockWidgets(dock)
                ),
            }
        return {
            "geometry": _rect(self.window.normalGeometry()),
            "frame": _rect(self.window.frameGeometry()),
            "maximized": self.window.isMaximized(),
            "available": _rect(self.window.screen().availableGeometry()),
            "list": self.panel.tabs.current_list(),
            "list_name": self.panel.tabs.tabText(self.panel.tabs.currentIndex()),
            "symbol": view.current_symbol() if view is not None else None,
            "docks": docks,
            "ladders": [
                {"symbol": w.symbol(), "geometry": _rect(w.geometry())}
                for w in self.ladders.windows()
            ],
            "charts": self.ui.charts.symbols(),
            "named": [w.name for w in self.workspaces.named()],
        }


def arrange(board: Board, args: argparse.Namespace) -> None:
    """What the user does before quitting: move and size, dock, float, select, pop out."""
    window = board.window
    x, y, width, height = (int(n) for n in args.at.split(","))
    window.setGeometry(QRect(x, y, width, height))
    heatmap, alerts = board.dock("heatmapDock"), board.dock("alertsDock")
    heatmap.show()
    alerts.show()
    window.resizeDocks([alerts], [args.alerts_height], Qt.Orientation.Vertical)
    if args.float_heatmap:
        heatmap.setFloating(True)
        heatmap.setGeometry(QRect(200, 150, 520, 360))
    hong_kong = next(i.id for i in board.session.lists() if i.name == "Hong Kong")
    board.panel.tabs.show_list(hong_kong)
    view = board.panel.current_view()
    assert view is not None and view.select_symbol(args.select)
    if args.pop_out:
        ladder = board.ladders.pop_out(args.pop_out)
        ladder.setGeometry(QRect(700, 120, 480, 560))
    if args.maximize:
        window.showMaximized()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["open", "restore", "save", "switch"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--name", default="")
    parser.add_argument("--at", default="40,40,1100,640")
    parser.add_argument("--alerts-height", type=int, default=220)
    parser.add_argument("--select", default="09988.HK")
    parser.add_argument("--pop-out", default="")
    parser.add_argument("--float-heatmap", action="store_true")
    parser.add_argument("--maximize", action="store_true")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    apply_theme(app, DARK)
    board = Board(app, args.db)
    board.start()
    if args.phase in ("open", "save"):
        arrange(board, args)
        _settle(app)
        board.wait_saved()
        if args.phase == "save":
            board.workspaces.save_named(args.name, board.keeper.capture())
    elif args.phase == "switch":
        [workspace] = [w for w in board.workspaces.named() if w.name == args.name]
        board.keeper.apply(workspace.state)
        _settle(app)
    report = board.report()
    print(json.dumps(report), flush=True)
    if args.phase == "open":
        os._exit(0)  # no shutdown, no final save: what a crash or a power cut leaves behind
    board.ladders.shutdown()
    board.ui.shutdown()
    board.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

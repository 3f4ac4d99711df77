"""Child process for the small-screen test: the main window as the app builds it, then a report.

Run with `QT_QPA_PLATFORM=offscreen:configfile=<screens.json>` (one screen, e.g. 1280×720): it
builds the watchlist, the main window and the depth dock the way the app does, shows the window
and prints where the window, the status bar and the watchlist's columns ended up, as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.palette import DARK
from desktop.qt.quote_columns import ColumnId
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.depth_windows import DepthWindowManager
from desktop.widgets.main_window import MainWindow
from desktop.widgets.theme import apply_theme
from desktop.widgets.watchlist_panel import WatchlistPanel

SYMBOLS = ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US", "00700.HK", "09988.HK"]


def _global(widget: QWidget, local: QRect | None = None) -> list[int]:
    rect = local if local is not None else widget.rect()
    corner = widget.mapToGlobal(rect.topLeft())
    return [corner.x(), corner.y(), rect.width(), rect.height()]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_theme(app, DARK)
    book = QuoteBook()
    repo = WatchlistRepository(Database(args.db))
    repo.create("US", SYMBOLS)
    session = WatchlistSession(repo, book)
    panel = WatchlistPanel(session, SymbolMatcher(SymbolUniverse()))
    window = MainWindow(panel)
    bridge = StreamBridge(book, QuoteTableModel(book), frames=lambda: 0)
    ladders = DepthWindowManager(book, bridge, main_window=window)
    window.install_depth_dock(ladders.dock(), ladders.watchlist_group_menu(window))
    window.show()
    for _ in range(5):
        app.processEvents()
    view = panel.current_view()
    assert view is not None
    header = view.horizontalHeader()
    viewport = view.viewport()

    def column(column_id: ColumnId) -> list[int]:
        logical = int(column_id)
        x = header.sectionViewportPosition(logical)
        return _global(
            viewport, QRect(QPoint(x, 0), QRect(0, 0, header.sectionSize(logical), 1).size())
        )

    screen = window.screen()
    report = {
        "available": [*screen.availableGeometry().getRect()],
        "frame": [*window.frameGeometry().getRect()],
        "status_bar": _global(window.statusBar()),
        "status_visible": window.statusBar().isVisible(),
        "viewport": _global(viewport),
        "columns": {c.name: column(c) for c in ColumnId},
        "hscroll": view.horizontalScrollBar().value(),
        "hscroll_visible": view.horizontalScrollBar().isVisible(),
        "dock": _global(ladders.dock()),
        "dock_visible": ladders.dock().isVisible(),
        "dpr": screen.devicePixelRatio(),
    }
    ladders.shutdown()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

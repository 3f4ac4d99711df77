"""Child process for the multi-monitor test: one start of the window stack, then a JSON report.

Run with `QT_QPA_PLATFORM=offscreen:configfile=<screens.json>` (the platform plugin, and so the
screens, are chosen once per process). `open` shows the main window, pops out a ladder, moves it
to a screen and saves the layout the way app.py does; `restore` starts again and restores it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from desktop.domain.quote_book import QuoteBook
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository
from desktop.qt.palette import DARK
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
from desktop.widgets.theme import apply_theme


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["open", "restore"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--screen", default="")
    parser.add_argument("--at", default="", help="x,y,width,height on that screen's corner")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    apply_theme(app, DARK)
    book = QuoteBook()
    model = QuoteTableModel(book)
    bridge = StreamBridge(book, model, frames=lambda: 0)
    main_window = QMainWindow()
    main_window.setGeometry(QRect(60, 60, 1000, 700))
    manager = DepthWindowManager(book, bridge, main_window=main_window)
    main_window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, manager.dock())
    main_window.show()
    app.processEvents()
    db = Database(args.db)
    layouts = LayoutRepository(db)

    if args.phase == "open":
        window = manager.pop_out("00700.HK", link_group_key="yellow")
        window.set_always_on_top(True)
        assert window.move_to_screen(args.screen), f"no screen {args.screen}"
        x, y, width, height = (int(n) for n in args.at.split(","))
        corner = window.screen().geometry().topLeft()
        window.setGeometry(QRect(corner.x() + x, corner.y() + y, width, height))
        app.processEvents()
        layouts.save(DEPTH_KIND, manager.layouts())
        windows = manager.windows()
    else:
        windows = manager.restore(layouts.load(DEPTH_KIND))
        app.processEvents()
    report = {
        "screens": {
            s.name(): {"geometry": _rect(s.geometry()), "available": _rect(s.availableGeometry())}
            for s in app.screens()
        },
        "windows": [
            {
                "symbol": w.symbol(),
                "screen": w.screen().name(),
                "geometry": _rect(w.geometry()),
                "frame": _rect(w.frameGeometry()),
                "on_top": w.is_always_on_top(),
                "link_group": w.link_group(),
            }
            for w in windows
        ],
    }
    manager.shutdown()
    db.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

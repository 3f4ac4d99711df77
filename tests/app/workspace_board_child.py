"""Child process for the board-level workspace test: the real `QuoteBoardApp`, one start.

Run with `QT_QPA_PLATFORM=offscreen:configfile=<screens.json>` and `--data-dir`: `arrange` lays
the windows out as a user would, waits for the debounced save and ends with os._exit (a crash);
`save NAME` also saves a named workspace through the Workspaces menu; `restore` starts again
and reports; `switch N` presses Ctrl+Alt+N's action. Each prints one JSON report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDockWidget

from desktop.app.board import QuoteBoardApp
from desktop.app.config import AppConfig
from desktop.qt.palette import DARK
from desktop.widgets.theme import apply_theme
from tests.polling import wait_until


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def report(board: QuoteBoardApp) -> dict[str, Any]:
    window = board.window
    view = board.panel.current_view()
    docks = {
        d.objectName(): {"visible": d.isVisible(), "floating": d.isFloating(), "width": d.width()}
        for d in window.findChildren(QDockWidget)
    }
    return {
        "geometry": _rect(window.normalGeometry()),
        "frame": _rect(window.frameGeometry()),
        "available": _rect(window.screen().availableGeometry()),
        "status_bar_bottom": window.statusBar()
        .mapTo(window, window.statusBar().rect().bottomLeft())
        .y(),
        "list": board.panel.tabs.tabText(board.panel.tabs.currentIndex()),
        "symbol": view.current_symbol() if view is not None else None,
        "docked": board.ladders.manager.dock_symbol(),
        "docks": docks,
        "named": board.workspaces._menu.names(),
    }


async def wait_saved(board: QuoteBoardApp) -> None:
    """Until the keeper's debounced save of the user's changes has run (it saves in the slot)."""
    saves: list[int] = []
    board.workspaces.keeper.changed.connect(lambda: saves.append(1))
    await wait_until(
        lambda: bool(saves) and not board.workspaces.keeper.pending(), "the layout to be saved"
    )


async def main(args: argparse.Namespace) -> int:
    board = QuoteBoardApp(AppConfig(data_dir=args.data_dir))
    board.build()
    await board.start()
    await wait_until(board.window.isVisible, "the main window")
    window = board.window
    if args.phase in ("arrange", "save"):
        x, y, width, height = (int(n) for n in args.at.split(","))
        window.setGeometry(QRect(x, y, width, height))
        heatmap = window.findChild(QDockWidget, "heatmapDock")
        assert heatmap is not None
        heatmap.setVisible(args.heatmap)
        tabs = board.panel.tabs
        tabs.setCurrentIndex(tabs.count() - 1)  # Hong Kong
        view = board.panel.current_view()
        assert view is not None and view.select_symbol(args.select)
        await wait_saved(board)
        if args.phase == "save":
            window.workspaces_menu.saveRequested.emit(args.name)
    elif args.phase == "switch":
        window.workspaces_menu.switch_actions[args.slot - 1].trigger()
    print(json.dumps(report(board)), flush=True)
    if args.phase == "arrange":
        os._exit(0)  # no shutdown: what a crash leaves behind
    return await board.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["arrange", "save", "restore", "switch"])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--at", default="30,30,1000,600")
    parser.add_argument("--select", default="09988.HK")
    parser.add_argument("--heatmap", action="store_true")
    parser.add_argument("--name", default="")
    parser.add_argument("--slot", type=int, default=1)
    options = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_theme(app, DARK)
    sys.exit(qasync.run(main(options)))

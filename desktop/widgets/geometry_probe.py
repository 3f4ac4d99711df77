"""Writes where the watchlist widgets are on screen to a JSON file, for the real-window drag test.

Only started when `QB_TEST_GEOMETRY_FILE` is set (see `desktop.app`). A test driving the real
window with xdotool reads it instead of guessing coordinates; the file is replaced atomically
whenever the layout changes, so a reader never sees half of it.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from desktop.widgets.watchlist_panel import WatchlistPanel

__all__ = ["GeometryProbe"]


class GeometryProbe(QObject):
    """Polls the panel's `geometry_report()` five times a second and writes it when it changes."""

    def __init__(self, window: QWidget, panel: WatchlistPanel, path: Path) -> None:
        super().__init__(window)
        self._window = window
        self._panel = panel
        self._path = path
        self._last = ""
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.write)

    def start(self) -> None:
        """Write now and on every change from now on."""
        self.write()
        self._timer.start()

    def write(self) -> None:
        """Write the report if it differs from the last one written."""
        report = self._panel.geometry_report()
        report["window_active"] = self._window.isActiveWindow()
        report["window_id"] = int(self._window.winId())
        text = json.dumps(report, sort_keys=True)
        if text == self._last:
            return
        partial = self._path.with_name(self._path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self._path)
        self._last = text

"""How long the board took to appear and to show a price, measured from the process's own start.

`--smoke` reports both (`window_shown_s`, `first_price_s`) and `benchmarks/startup.py` collects
them over many launches. The clock starts when the kernel started the process (Linux `/proc`),
so the interpreter's start-up and every import count; elsewhere it starts when the caller says
(the earliest moment the app itself can see). Each time is taken when the paint that shows it
begins: the main window's first paint, and the first paint of the watchlist while a row on screen
shows a price. The process's CPU time at both moments is kept too: on a busy machine the wall
clock also counts waiting for a core, the CPU time does not.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QTableView, QWidget

__all__ = ["StartupClock", "process_started"]


def process_started(fallback: float) -> float:
    """The `time.monotonic()` value at which this process started, or `fallback` where the
    operating system does not say (not Linux)."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return fallback
    return time.monotonic() - max(0.0, age)


class StartupClock(QObject):
    """Watches the first paints of the main window and of the watchlist showing a price."""

    firstPriceShown = Signal()
    """Once, from the first paint that shows a price (connect queued: it fires inside a paint)."""

    def __init__(
        self,
        started: float,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
        cpu_clock: Callable[[], float] = time.process_time,
    ) -> None:
        super().__init__(parent)
        self._started = started
        self._clock = clock
        self._cpu_clock = cpu_clock
        self.window_shown_cpu_s: float | None = None
        self.first_price_cpu_s: float | None = None
        self.window_shown_s: float | None = None
        """Seconds from the start to the main window's first paint (None before it)."""
        self.first_price_s: float | None = None
        """Seconds from the start to the first paint of a watchlist row with a price."""
        self._window: QWidget | None = None
        self._viewport: QWidget | None = None
        self._view: QTableView | None = None
        self._priced: Callable[[int], bool] | None = None

    def watch_window(self, window: QWidget) -> None:
        """Time `window`'s first paint."""
        self._window = window
        window.installEventFilter(self)

    def watch_first_price(self, view: QTableView, priced: Callable[[int], bool]) -> None:
        """Time the first paint of `view` while one of its rows on screen is `priced(row)`."""
        self._view, self._priced = view, priced
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)

    def report(self) -> dict[str, float | None]:
        """Both times and the CPU time spent by then, rounded to the millisecond (None for one
        that has not happened)."""
        return {
            "window_shown_s": _ms(self.window_shown_s),
            "first_price_s": _ms(self.first_price_s),
            "window_shown_cpu_s": _ms(self.window_shown_cpu_s),
            "first_price_cpu_s": _ms(self.first_price_cpu_s),
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the first paints; never consumes an event."""
        if event.type() == QEvent.Type.Paint:
            if watched is self._window and self.window_shown_s is None:
                self.window_shown_s = self._clock() - self._started
                self.window_shown_cpu_s = self._cpu_clock()
                watched.removeEventFilter(self)
            elif watched is self._viewport and self.first_price_s is None and self._shows_price():
                self.first_price_s = self._clock() - self._started
                self.first_price_cpu_s = self._cpu_clock()
                watched.removeEventFilter(self)
                self.firstPriceShown.emit()
        return False

    def _shows_price(self) -> bool:
        view, priced = self._view, self._priced
        if view is None or priced is None:
            return False
        first = view.rowAt(0)
        if first < 0:
            return False
        last = view.rowAt(view.viewport().height() - 1)
        if last < 0:
            last = view.model().rowCount() - 1
        return any(priced(row) for row in range(first, last + 1))


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

"""StartupClock: times the main window's first paint and the first paint showing a price."""

from __future__ import annotations

import time

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QMainWindow, QTableView
from pytestqt.qtbot import QtBot

from desktop.qt.startup_clock import StartupClock, process_started
from tests.conftest import TIMEOUT_S


def test_the_process_started_before_now_and_not_long_ago() -> None:
    now = time.monotonic()
    started = process_started(fallback=now)
    assert started <= now
    assert now - started < 3600  # this test process, not the machine's boot


def test_window_then_first_price_are_timed_from_the_start(qtbot: QtBot) -> None:
    model = QStandardItemModel(50, 2)
    for r in range(50):
        model.setItem(r, 0, QStandardItem(f"S{r}"))
        model.setItem(r, 1, QStandardItem(""))
    view = QTableView()
    view.setModel(model)
    window = QMainWindow()
    window.setCentralWidget(view)
    window.resize(400, 300)
    qtbot.addWidget(window)
    ticks = iter(range(100, 10_000))
    clock = StartupClock(started=90.0, clock=lambda: float(next(ticks)))
    clock.watch_window(window)
    clock.watch_first_price(view, lambda row: bool(model.item(row, 1).text()))
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: clock.window_shown_s is not None, timeout=int(TIMEOUT_S * 1000))
    view.viewport().repaint()
    assert clock.first_price_s is None  # painted, but no row on screen has a price yet
    model.item(40, 1).setText("1.50")  # a price far below the screen
    view.viewport().repaint()
    assert clock.first_price_s is None
    with qtbot.waitSignal(clock.firstPriceShown, timeout=int(TIMEOUT_S * 1000)):
        model.item(2, 1).setText("187.25")  # the board loads its calendars on this signal
    report = clock.report()
    assert report["window_shown_s"] is not None and report["first_price_s"] is not None
    assert 0 < report["window_shown_s"] < report["first_price_s"]

"""The benchmark's tick → screen probe: a tick counts when a paint covering its row has finished."""

from __future__ import annotations

import time

from PySide6.QtGui import QPaintEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from benchmarks.screen_latency import ScreenLatency


class _View(QTableView):
    probe: ScreenLatency | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.probe is not None:
            self.probe.painted(event.region())


def _view(qtbot: QtBot, rows: int) -> tuple[_View, ScreenLatency]:
    model = QStandardItemModel(rows, 2)
    for r in range(rows):
        model.setItem(r, 0, QStandardItem(f"S{r}"))
    view = _View()
    view.setModel(model)
    view.resize(300, 200)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    probe = ScreenLatency(view, lambda row: model.item(row, 0).text(), lambda: True)
    view.probe = probe
    view.viewport().repaint()  # the first paint tells the probe which rows are on screen
    return view, probe


def test_a_tick_of_an_on_screen_row_is_timed_by_the_paint_that_covers_it(qtbot: QtBot) -> None:
    view, probe = _view(qtbot, 100)
    assert "S0" in probe.on_screen and "S99" not in probe.on_screen
    stamp = int(time.time() * 1000) - 40
    probe.note("S0", stamp)
    probe.note("S99", stamp)  # off screen: never painted, not kept
    assert list(probe.pending) == ["S0"]
    row1 = view.visualRect(view.model().index(1, 0))
    view.viewport().repaint(row1)  # a paint of another row does not show S0's tick
    assert probe.latencies == []
    view.viewport().repaint(view.visualRect(view.model().index(0, 1)))
    assert len(probe.latencies) == 1 and probe.latencies[0] >= 40
    assert probe.pending == {}


def test_a_tick_whose_row_left_the_screen_before_a_paint_is_dropped(qtbot: QtBot) -> None:
    view, probe = _view(qtbot, 100)
    probe.note("S0", int(time.time() * 1000))
    view.scrollToBottom()
    view.viewport().repaint()
    assert probe.latencies == [] and probe.dropped == 1


def test_a_tick_whose_flush_changed_no_cell_is_settled_at_once(qtbot: QtBot) -> None:
    _view_, probe = _view(qtbot, 100)
    stamp = int(time.time() * 1000) - 30
    probe.settle([("S0", stamp), ("S99", stamp)])  # S99 is off screen: not kept
    assert len(probe.latencies) == 1 and probe.latencies[0] >= 30
    assert probe.settled == 1 and probe.pending == {}


def test_a_settled_tick_waits_with_its_row_for_a_paint_still_due(qtbot: QtBot) -> None:
    view, probe = _view(qtbot, 100)
    stamp = int(time.time() * 1000) - 30
    probe.note("S0", stamp)  # an earlier flush changed S0's row; its paint has not run yet
    probe.settle([("S0", stamp + 5)])
    assert probe.latencies == [] and probe.settled == 0
    view.viewport().repaint()
    assert len(probe.latencies) == 2

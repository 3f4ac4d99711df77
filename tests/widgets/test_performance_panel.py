"""PerformancePanel: figures with units, over-budget lag said in words, visibility reported."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.qt.perf_monitor import PerfSample
from desktop.widgets.main_window import MainWindow
from desktop.widgets.performance_panel import PerformancePanel
from tests.widgets.conftest import watchlist_panel


def _sample(lag_ms: float) -> PerfSample:
    return PerfSample(
        messages_per_s=21_345.4,
        flushes_per_s=25.0,
        ticks_per_flush=853.8,
        loop_lag_p99_ms=lag_ms,
        loop_lag_max_ms=lag_ms * 2,
        flush_p99_ms=12.34,
        decode_backlog=4,
    )


def test_a_sample_is_shown_with_units_and_thousands_separators(qtbot: QtBot) -> None:
    panel = PerformancePanel()
    qtbot.addWidget(panel)
    assert panel.value_text("messages") == "—"
    panel.show_sample(_sample(8.0))
    assert panel.value_text("messages") == "21,345 /s"
    assert panel.value_text("flushes") == "25.0 /s"
    assert panel.value_text("per_flush") == "853.8"
    assert panel.value_text("lag") == "8.0 ms"
    assert panel.value_text("flush_ms") == "12.3 ms"
    assert panel.value_text("backlog") == "4"
    assert not panel.lag_over_budget()


def test_a_lag_over_the_budget_is_flagged_in_words_not_only_colour(qtbot: QtBot) -> None:
    panel = PerformancePanel()
    qtbot.addWidget(panel)
    panel.show_sample(_sample(75.0))
    assert panel.value_text("lag") == "75.0 ms  over budget"
    assert panel.lag_over_budget()
    panel.show_sample(_sample(20.0))
    assert not panel.lag_over_budget()


def test_view_performance_shows_the_panel_and_the_panel_reports_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = MainWindow(watchlist_panel(tmp_path / "q.db", ["AAPL.US"]))
    qtbot.addWidget(window)
    window.show()
    panel = window.performance_panel()
    seen: list[bool] = []
    panel.visibilityChanged.connect(seen.append)
    window.performance_action.trigger()
    qtbot.waitUntil(panel.isVisible)
    assert seen == [True]
    panel.close()
    assert seen == [True, False]
    assert not window.performance_action.isChecked()

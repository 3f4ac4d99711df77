"""View → Performance: a small non-modal tool window showing how the board keeps up with the feed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QHideEvent, QPalette, QShowEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from desktop.qt.palette import colors, live_color
from desktop.qt.perf_monitor import PerfSample
from desktop.widgets.delegates import monospace_font

__all__ = ["PerformancePanel"]

LAG_BUDGET_MS = 50.0
"""Loop lag p99 above this is shown as over budget (the benchmark's sustainability limit)."""
_WARN = live_color(lambda c: c.warn)
_EMPTY = "—"
_ROWS = (
    ("messages", "Messages in", "Frames received from the feed per second"),
    ("flushes", "Flushes", "Model updates per second (at most the screen's refresh rate)"),
    ("per_flush", "Ticks per flush", "Ticks coalesced into one model update, on average"),
    ("lag", "Loop lag p99", "How late a 10 ms timer fires (99th percentile, last 5 s)"),
    ("flush_ms", "Flush time p99", "Time one model update takes (99th percentile)"),
    ("backlog", "Decode backlog", "Frames read from the socket and waiting to be decoded"),
    ("recorder", "Recorder queue", "Ticks and books waiting for the tick recorder to store them"),
)


class PerformancePanel(QWidget):
    """Shows `PerfSample`s; says when it is shown or hidden so the probe only runs while it is."""

    visibilityChanged = Signal(bool)
    """True when the panel was shown, False when it was hidden or closed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool)
        self.setObjectName("performancePanel")
        self.setWindowTitle("Performance")
        layout = QFormLayout(self)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setHorizontalSpacing(18)
        mono = monospace_font(self.font())
        self._values: dict[str, QLabel] = {}
        for key, title, tip in _ROWS:
            name = QLabel(title, self)
            name.setToolTip(tip)
            value = QLabel(_EMPTY, self)
            value.setObjectName(f"perf_{key}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setFont(mono)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("000,000 /s  over budget"))
            value.setToolTip(tip)
            layout.addRow(name, value)
            self._values[key] = value
        self.setFixedSize(self.sizeHint())

    def value_text(self, key: str) -> str:
        """The text shown for one figure (`messages`, `flushes`, `per_flush`, `lag`, …)."""
        return self._values[key].text()

    def lag_over_budget(self) -> bool:
        """Whether the loop lag figure is currently flagged as over budget."""
        return self._values["lag"].text().endswith("over budget")

    def show_sample(self, sample: PerfSample) -> None:
        """Display one reading of the performance monitor."""
        values = self._values
        values["messages"].setText(f"{sample.messages_per_s:,.0f} /s")
        values["flushes"].setText(f"{sample.flushes_per_s:,.1f} /s")
        values["per_flush"].setText(f"{sample.ticks_per_flush:,.1f}")
        normal = QColor(colors().text)  # read each time: the theme may have changed
        over = sample.loop_lag_p99_ms > LAG_BUDGET_MS
        lag = f"{sample.loop_lag_p99_ms:,.1f} ms"
        values["lag"].setText(f"{lag}  over budget" if over else lag)  # not colour alone
        self._colour(values["lag"], _WARN if over else normal)
        values["flush_ms"].setText(f"{sample.flush_p99_ms:,.1f} ms")
        values["backlog"].setText(f"{sample.decode_backlog:,}")
        self._colour(values["backlog"], _WARN if sample.decode_backlog > 1000 else normal)
        values["recorder"].setText(f"{sample.recorder_queue:,}")
        self._colour(values["recorder"], _WARN if sample.recorder_queue > 10_000 else normal)

    @staticmethod
    def _colour(label: QLabel, colour: QColor) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        label.setPalette(palette)

    def showEvent(self, event: QShowEvent) -> None:
        """Start the measuring (the app package connects `visibilityChanged`)."""
        super().showEvent(event)
        self.visibilityChanged.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop the measuring: the probe costs nothing while nobody looks."""
        super().hideEvent(event)
        self.visibilityChanged.emit(False)

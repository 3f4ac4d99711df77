"""A tape with its controls: the minimum-size filter and the "held · N new" note, for the dock and
the pop-out window alike."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop.qt.palette import colors, follow_theme
from desktop.qt.tape_model import TapeModel
from desktop.widgets.tape_view import TapeView

__all__ = ["TapePanel"]

_STYLE = """
QWidget#tapeControls {{ background: {c.alternate}; border-bottom: 1px solid {c.border}; }}
QLabel#tapeHeld {{ color: {c.alert}; }}
QLabel#tapeLegend {{ color: {c.dim}; }}
QSpinBox {{ background: {c.background}; border: 1px solid {c.edge}; border-radius: 3px; padding: 1px 4px; }}
"""


class TapePanel(QWidget):
    """`TapeView` under a row of controls; reads and sets the model's filter and hold state."""

    def __init__(self, model: TapeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        controls = QWidget(self)
        controls.setObjectName("tapeControls")
        controls.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        label = QLabel("Min size", controls)
        self.min_size = QSpinBox(controls)
        self.min_size.setObjectName("tapeMinSize")
        self.min_size.setRange(0, 10_000_000)
        self.min_size.setSingleStep(100)
        self.min_size.setGroupSeparatorShown(True)
        self.min_size.setSpecialValueText("All")
        self.min_size.setToolTip("Hide prints smaller than this many shares (All shows every one)")
        self.min_size.setKeyboardTracking(False)
        self.min_size.valueChanged.connect(model.set_min_size)
        label.setBuddy(self.min_size)
        self.held = QLabel(controls)
        self.held.setObjectName("tapeHeld")
        self.held.setTextFormat(Qt.TextFormat.PlainText)
        legend = QLabel("▲ B buy  ▼ S sell  • N neutral", controls)
        legend.setObjectName("tapeLegend")
        row = QHBoxLayout(controls)
        row.setContentsMargins(8, 3, 8, 3)
        row.setSpacing(6)
        row.addWidget(label)
        row.addWidget(self.min_size)
        row.addStretch(1)
        row.addWidget(self.held)
        row.addWidget(legend)
        self.view = TapeView(model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(controls)
        layout.addWidget(self.view, 1)
        follow_theme(
            controls, lambda: controls.setStyleSheet(_STYLE.format(c=colors()))
        )  # not on the panel: a styled table view paints slower
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._show_held)
        self.view.holdChanged.connect(self._on_hold)

    def model(self) -> TapeModel:
        """The tape's model."""
        return self._model

    def set_min_size(self, shares: int) -> None:
        """Set the filter (as if typed)."""
        self.min_size.setValue(shares)

    def _on_hold(self, held: bool) -> None:
        if held:
            self._timer.start()
        else:
            self._timer.stop()
        self._show_held()

    def _show_held(self) -> None:
        pending = self._model.pending()
        if self._model.is_held():
            self.held.setText(f"Paused · {pending:,} new" if pending else "Paused")
        else:
            self.held.setText("")

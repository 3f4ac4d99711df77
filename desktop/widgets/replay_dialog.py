"""Replay a recording: choose the tick database, an optional time range and the speed.

Non-modal; it emits `replayRequested` and the app package starts an embedded simulator in replay mode and
points the feed at it. A failure comes back through `show_problem`.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.qt.palette import colors, follow_theme

__all__ = ["SPEEDS", "ReplayDialog"]

SPEEDS = ("1", "2", "5", "10", "30", "60")
_FORMAT = "yyyy-MM-dd HH:mm:ss"


class ReplayDialog(QDialog):
    """`replayRequested(path, start_ms | None, end_ms | None, speed)`."""

    replayRequested = Signal(str, object, object, float)

    def __init__(self, default_path: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayDialog")
        self.setWindowTitle("Replay a Recording")
        self.setModal(False)
        self.path = QLineEdit(default_path)
        self.path.setObjectName("replayPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.use_start = QCheckBox("From")
        self.use_end = QCheckBox("To")
        self.start = QDateTimeEdit(QDateTime.currentDateTime().addSecs(-3600))
        self.end = QDateTimeEdit(QDateTime.currentDateTime())
        for check, edit in ((self.use_start, self.start), (self.use_end, self.end)):
            edit.setDisplayFormat(_FORMAT)
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
        self.speed = QComboBox()
        self.speed.setObjectName("replaySpeed")
        self.speed.setEditable(True)
        self.speed.addItems(SPEEDS)
        self.speed.setCurrentText("1")
        self.problem = QLabel(
            "Without a range the whole recording plays. Gaps over 5 s are skipped."
        )
        self.problem.setObjectName("replayProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        follow_theme(self.problem, lambda: self.problem.setStyleSheet(f"color: {colors().muted};"))
        form = QFormLayout()
        form.addRow("Recording", file_row)
        form.addRow(self.use_start, self.start)
        form.addRow(self.use_end, self.end)
        form.addRow("Speed ×", self.speed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = buttons.addButton("Replay", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("replayButton")
        self.start_button.clicked.connect(self.request_replay)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self._file_dialog: QFileDialog | None = None

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Choose a recording", self.path.text())
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter("Tick databases (*.db);;All files (*)")
        dialog.fileSelected.connect(self.path.setText)
        self._file_dialog = dialog
        dialog.open()  # never exec() inside the app's asyncio loop

    def request_replay(self) -> None:
        """Check the choices and emit `replayRequested`."""
        path = self.path.text().strip()
        try:
            speed = float(self.speed.currentText().strip().rstrip("×x"))
        except ValueError:
            speed = 0.0
        start = self.start.dateTime().toMSecsSinceEpoch() if self.use_start.isChecked() else None
        end = self.end.dateTime().toMSecsSinceEpoch() if self.use_end.isChecked() else None
        if not path:
            self.show_problem("Choose a recording (a ticks.db file).")
        elif not 0 < speed <= 10_000:
            self.show_problem("The speed must be a number between 0 and 10,000, e.g. 10.")
        elif start is not None and end is not None and end < start:
            self.show_problem("“To” is before “From”.")
        else:
            self.show_problem("")
            self.replayRequested.emit(path, start, end, speed)

    def show_problem(self, text: str) -> None:
        """Show why the replay could not start (plain text)."""
        self.problem.setText(text)
        self.problem.setStyleSheet(
            f"color: {colors().error};" if text else f"color: {colors().muted};"
        )

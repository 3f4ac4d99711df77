"""Export recorded ticks to CSV: pick a symbol, a time range and a file.

Non-modal; it emits `exportRequested` and the app package does the I/O in a worker thread, then calls
`show_result`. The symbols and the default range come from the recording (`set_choices`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, QDir, Qt, Signal
from PySide6.QtWidgets import (
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

__all__ = ["ExportTicksDialog"]

_FORMAT = "yyyy-MM-dd HH:mm:ss"
_HINT = "Times are this computer's local time; prices are written exactly as recorded."


class ExportTicksDialog(QDialog):
    """Chooses what to export; `exportRequested(symbol, start_ms, end_ms, path)`."""

    exportRequested = Signal(str, object, object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportTicksDialog")
        self.setWindowTitle("Export Ticks to CSV")
        self.setModal(False)
        self.symbol = QComboBox()
        self.symbol.setObjectName("exportSymbol")
        self.symbol.currentTextChanged.connect(self._suggest_file)
        self.start = QDateTimeEdit()
        self.end = QDateTimeEdit()
        for edit in (self.start, self.end):
            edit.setDisplayFormat(_FORMAT)
            edit.setCalendarPopup(True)
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.message = QLabel(_HINT)
        self.message.setObjectName("exportResult")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        follow_theme(self.message, lambda: self.message.setStyleSheet(f"color: {colors().muted};"))
        form = QFormLayout()
        form.addRow("Symbol", self.symbol)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        form.addRow("File", file_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.ApplyRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.request_export)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self._file_dialog: QFileDialog | None = None
        self._folder = QDir.homePath()
        self.set_choices([], None)

    def set_choices(self, symbols: list[str], span: tuple[int, int] | None) -> None:
        """Offer the recorded symbols and preset the range to what was recorded."""
        current = self.symbol.currentText()
        self.symbol.clear()
        self.symbol.addItems(symbols)
        if current in symbols:
            self.symbol.setCurrentText(current)
        has = bool(symbols)
        if has:
            self.show_result(_HINT)
        else:
            self.show_result("Nothing has been recorded yet.", ok=False)
        if span is not None:
            self.start.setDateTime(QDateTime.fromMSecsSinceEpoch(span[0]))
            self.end.setDateTime(QDateTime.fromMSecsSinceEpoch(span[1] + 1000))

    def _suggest_file(self, symbol: str) -> None:
        if symbol and (not self.path.text() or self.path.text().endswith("-ticks.csv")):
            self.path.setText(str(Path(self._folder) / f"{symbol}-ticks.csv"))

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Export ticks to", self.path.text() or self._folder)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self.path.setText)
        self._file_dialog = dialog
        dialog.open()  # never exec(): the app's asyncio loop must keep running

    def request_export(self) -> None:
        """Check the choices and emit `exportRequested`."""
        symbol, path = self.symbol.currentText(), self.path.text().strip()
        start = self.start.dateTime().toMSecsSinceEpoch()
        end = self.end.dateTime().toMSecsSinceEpoch()
        if not symbol:
            self.show_result("Nothing has been recorded yet.", ok=False)
        elif not path:
            self.show_result("Choose a file to write.", ok=False)
        elif end < start:
            self.show_result("“To” is before “From”.", ok=False)
        else:
            self.show_result(f"Exporting {symbol}…", ok=True)
            self.export_button.setEnabled(False)  # until the app answers with show_result
            self.exportRequested.emit(symbol, start, end, path)

    def show_result(self, text: str, ok: bool = True) -> None:
        """Say how the export went (plain text; red when it failed)."""
        self.message.setText(text)
        self.message.setStyleSheet(
            f"color: {colors().muted};" if ok else f"color: {colors().error};"
        )
        self.export_button.setEnabled(self.symbol.count() > 0)

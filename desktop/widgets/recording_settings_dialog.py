"""Recording settings: on/off, which symbols, how much history, and where (SQLite or PostgreSQL).

Non-modal; it only emits `settingsApplied` — the app package saves the settings, puts a password into the
OS keyring and restarts the recorder. Bad symbol text gets a sentence and keeps the dialog open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.recording import RecordingSettings, Retention, split_dsn_password
from desktop.domain.symbols import parse_symbols
from desktop.qt.palette import colors, follow_theme

__all__ = ["RecordingSettingsDialog"]


class RecordingSettingsDialog(QDialog):
    """Edits a `RecordingSettings`; Apply emits it with a password typed here (or "")."""

    settingsApplied = Signal(object, str)
    """(RecordingSettings, password): the password never goes into the settings."""

    def __init__(self, settings: RecordingSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingSettingsDialog")
        self.setWindowTitle("Recording Settings")
        self.setModal(False)
        self.enabled = QCheckBox("Record trades and order books as they arrive")
        self.all_symbols = QRadioButton("Every streamed symbol")
        self.some_symbols = QRadioButton("Only these symbols:")
        self.symbols = QLineEdit()
        self.symbols.setPlaceholderText("AAPL, NVDA, 700.HK")
        self.days = QDoubleSpinBox()
        self.days.setRange(0, 3650)
        self.days.setDecimals(1)
        self.days.setSuffix(" days")
        self.days.setSpecialValueText("forever")
        self.gigabytes = QDoubleSpinBox()
        self.gigabytes.setRange(0, 100_000)
        self.gigabytes.setDecimals(1)
        self.gigabytes.setSuffix(" GB")
        self.gigabytes.setSpecialValueText("no size limit")
        self.sqlite = QRadioButton("This computer (SQLite file ticks.db in the data folder)")
        self.postgres = QRadioButton("PostgreSQL / TimescaleDB server:")
        self.dsn = QLineEdit()
        self.dsn.setPlaceholderText("postgresql://user@host:5432/ticks")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("kept in the OS keyring; empty: ~/.pgpass or unchanged")
        self.problem = QLabel()
        self.problem.setObjectName("recordingSettingsProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        follow_theme(self.problem, lambda: self.problem.setStyleSheet(f"color: {colors().error};"))
        self.problem.hide()
        self._build()
        self.set_settings(settings)

    def _build(self) -> None:
        scope = QGroupBox("Symbols")
        scope_layout = QVBoxLayout(scope)
        group = QButtonGroup(self)
        group.addButton(self.all_symbols)
        group.addButton(self.some_symbols)
        row = QHBoxLayout()
        row.addWidget(self.some_symbols)
        row.addWidget(self.symbols, 1)
        scope_layout.addWidget(self.all_symbols)
        scope_layout.addLayout(row)

        keep = QGroupBox("Keep")
        keep_layout = QFormLayout(keep)
        keep_layout.addRow("At most", self.days)
        keep_layout.addRow("and at most", self.gigabytes)
        hint = QLabel("Older ticks are deleted in the background, a little at a time.")
        follow_theme(hint, lambda: hint.setStyleSheet(f"color: {colors().muted};"))
        keep_layout.addRow(hint)

        store = QGroupBox("Store in")
        store_layout = QFormLayout(store)
        where = QButtonGroup(self)
        where.addButton(self.sqlite)
        where.addButton(self.postgres)
        store_layout.addRow(self.sqlite)
        store_layout.addRow(self.postgres)
        store_layout.addRow("Connection", self.dsn)
        store_layout.addRow("Password", self.password)
        self.postgres.toggled.connect(self._sync)
        self.some_symbols.toggled.connect(self._sync)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close
        )
        apply = buttons.button(QDialogButtonBox.StandardButton.Apply)
        apply.setObjectName("applyRecordingSettings")
        apply.clicked.connect(self.apply)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(scope)
        layout.addWidget(keep)
        layout.addWidget(store)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _sync(self) -> None:
        self.symbols.setEnabled(self.some_symbols.isChecked())
        self.dsn.setEnabled(self.postgres.isChecked())
        self.password.setEnabled(self.postgres.isChecked())

    def set_settings(self, settings: RecordingSettings) -> None:
        """Show `settings` in the fields."""
        self.enabled.setChecked(settings.enabled)
        self.all_symbols.setChecked(settings.all_symbols)
        self.some_symbols.setChecked(not settings.all_symbols)
        self.symbols.setText(", ".join(settings.symbols))
        self.days.setValue(settings.retention.days)
        self.gigabytes.setValue(settings.retention.gigabytes)
        self.postgres.setChecked(bool(settings.postgres_dsn))
        self.sqlite.setChecked(not settings.postgres_dsn)
        self.dsn.setText(settings.postgres_dsn)  # saved without its password
        self.password.clear()
        self._sync()

    def show_problem(self, text: str) -> None:
        """Show a sentence under the form (empty hides it)."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def apply(self) -> None:
        """Check the fields and emit `settingsApplied`."""
        symbols: tuple[str, ...] = ()
        if self.some_symbols.isChecked():
            found, errors = parse_symbols(self.symbols.text())
            if errors or not found:
                self.show_problem(errors[0] if errors else "Type at least one symbol to record.")
                return
            symbols = tuple(str(s) for s in found)
        dsn, password = "", self.password.text()
        if self.postgres.isChecked():
            dsn, inline = split_dsn_password(self.dsn.text().strip())
            if not dsn:
                self.show_problem("Type a PostgreSQL connection string, or choose this computer.")
                return
            password = password or inline or ""
        self.show_problem("")
        settings = RecordingSettings(
            enabled=self.enabled.isChecked(),
            all_symbols=not self.some_symbols.isChecked(),
            symbols=symbols,
            retention=Retention(self.days.value(), self.gigabytes.value()),
            postgres_dsn=dsn,
        )
        self.password.clear()
        self.settingsApplied.emit(settings, password)

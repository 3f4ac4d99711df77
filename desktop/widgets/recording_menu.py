"""The File menu's recording and replay actions, their dialogs, and the intents they emit.

Widgets do no I/O: every action ends in a signal that the app package connects to the recorder, the
export, or the replay simulator; results come back through the slots here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop.domain.recording import RecordingSettings
from desktop.widgets.export_ticks_dialog import ExportTicksDialog
from desktop.widgets.recording_settings_dialog import RecordingSettingsDialog
from desktop.widgets.replay_dialog import ReplayDialog

__all__ = ["RecordingMenu"]


class RecordingMenu(QObject):
    """Adds Record Ticks / Recording Settings… / Export… / Replay… / Stop Replay to a menu."""

    settingsApplied = Signal(object, str)
    """(RecordingSettings, password) from the settings dialog or the Record Ticks toggle."""
    exportDialogOpened = Signal()
    """The export dialog opened: the app package answers with `set_export_choices`."""
    exportRequested = Signal(str, object, object, str)
    replayRequested = Signal(str, object, object, float)
    stopReplayRequested = Signal()

    def __init__(self, window: QWidget, menu: QMenu, settings: RecordingSettings) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self.record_action = QAction("&Record Ticks", self)
        self.record_action.setObjectName("recordTicksAction")
        self.record_action.setCheckable(True)
        self.record_action.setToolTip("Record every trade and book into the tick database")
        self.record_action.triggered.connect(self._toggle_recording)
        self.settings_action = QAction("Recording &Settings…", self)
        self.settings_action.triggered.connect(self.open_settings)
        self.export_action = QAction("&Export Ticks to CSV…", self)
        self.export_action.triggered.connect(self.open_export)
        self.replay_action = QAction("Re&play a Recording…", self)
        self.replay_action.triggered.connect(self.open_replay)
        self.stop_replay_action = QAction("S&top Replay", self)
        self.stop_replay_action.setEnabled(False)
        self.stop_replay_action.triggered.connect(self.stopReplayRequested)
        for action in (self.record_action, self.settings_action, self.export_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.replay_action)
        menu.addAction(self.stop_replay_action)
        menu.addSeparator()
        self.settings_dialog: RecordingSettingsDialog | None = None
        self.export_dialog: ExportTicksDialog | None = None
        self.replay_dialog: ReplayDialog | None = None
        self.default_recording = ""
        self.set_settings(settings)

    # -- opening dialogs (non-modal, one of each) ---------------------------------------------
    def open_settings(self) -> None:
        """Show the recording settings."""
        if self.settings_dialog is None:
            self.settings_dialog = RecordingSettingsDialog(self._settings, self._window)
            self.settings_dialog.settingsApplied.connect(self.settingsApplied)
        else:
            self.settings_dialog.set_settings(self._settings)
        self._raise(self.settings_dialog)

    def open_export(self) -> None:
        """Show the export dialog and ask the app package for the recorded symbols."""
        if self.export_dialog is None:
            self.export_dialog = ExportTicksDialog(self._window)
            self.export_dialog.exportRequested.connect(self.exportRequested)
        self._raise(self.export_dialog)
        self.exportDialogOpened.emit()

    def open_replay(self) -> None:
        """Show the replay dialog."""
        if self.replay_dialog is None:
            self.replay_dialog = ReplayDialog(self.default_recording, self._window)
            self.replay_dialog.replayRequested.connect(self.replayRequested)
        self._raise(self.replay_dialog)

    @staticmethod
    def _raise(dialog: QWidget) -> None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _toggle_recording(self, on: bool) -> None:
        settings = self._settings
        self.settingsApplied.emit(
            RecordingSettings(
                on,
                settings.all_symbols,
                settings.symbols,
                settings.retention,
                settings.postgres_dsn,
            ),
            "",
        )

    # -- results from the app package ------------------------------------------------------------------
    def set_settings(self, settings: RecordingSettings) -> None:
        """The settings in force (after the app package saved them)."""
        self._settings = settings
        self.record_action.setChecked(settings.enabled)
        if self.settings_dialog is not None:
            self.settings_dialog.set_settings(settings)
            self.settings_dialog.show_problem("")

    def show_settings_problem(self, text: str) -> None:
        """Report a problem with the settings just applied (e.g. the keyring)."""
        if self.settings_dialog is not None:
            self.settings_dialog.show_problem(text)

    def set_export_choices(self, symbols: list[str], span: tuple[int, int] | None) -> None:
        """The recorded symbols and time span, for the export dialog."""
        if self.export_dialog is not None:
            self.export_dialog.set_choices(symbols, span)

    def show_export_result(self, text: str, ok: bool) -> None:
        """How the export went."""
        if self.export_dialog is not None:
            self.export_dialog.show_result(text, ok)

    def set_replaying(self, replaying: bool, problem: str = "") -> None:
        """Replay started (close the dialog), stopped, or could not start (say why)."""
        self.stop_replay_action.setEnabled(replaying)
        self.record_action.setEnabled(not replaying)
        dialog = self.replay_dialog
        if dialog is None:
            return
        if problem:
            dialog.show_problem(problem)
        elif replaying:
            dialog.close()

"""File-menu recording and replay: dialogs that check what was typed and emit intents."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from desktop.domain.recording import RecordingSettings, Retention
from desktop.widgets.recording_menu import RecordingMenu


def make_menu(qtbot: QtBot, settings: RecordingSettings | None = None) -> RecordingMenu:
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("&File")
    return RecordingMenu(window, menu, settings or RecordingSettings())


def test_the_record_toggle_asks_for_recording_with_the_other_settings_kept(qtbot: QtBot) -> None:
    menu = make_menu(qtbot, RecordingSettings(retention=Retention(days=3)))
    with qtbot.waitSignal(menu.settingsApplied) as signal:
        menu.record_action.trigger()
    settings, password = signal.args
    assert settings.enabled and settings.retention.days == 3 and password == ""


def test_settings_apply_with_chosen_symbols_retention_and_a_postgres_password_split_out(
    qtbot: QtBot,
) -> None:
    menu = make_menu(qtbot)
    menu.open_settings()
    dialog = menu.settings_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    dialog.enabled.setChecked(True)
    dialog.some_symbols.setChecked(True)
    dialog.symbols.setText("aapl, 700")
    dialog.days.setValue(10)
    dialog.gigabytes.setValue(2.5)
    dialog.postgres.setChecked(True)
    dialog.dsn.setText("postgresql://desk:pw1@db:5432/ticks")
    with qtbot.waitSignal(menu.settingsApplied) as signal:
        dialog.apply()
    settings, password = signal.args
    assert settings == RecordingSettings(
        True, False, ("AAPL.US", "00700.HK"), Retention(10, 2.5), "postgresql://desk@db:5432/ticks"
    )
    assert password == "pw1"


def test_bad_symbols_keep_the_settings_dialog_open_with_a_sentence(qtbot: QtBot) -> None:
    menu = make_menu(qtbot)
    menu.open_settings()
    dialog = menu.settings_dialog
    assert dialog is not None
    dialog.some_symbols.setChecked(True)
    dialog.symbols.setText("AAPL, ???")
    with qtbot.assertNotEmitted(menu.settingsApplied):
        dialog.apply()
    assert not dialog.problem.isHidden() and "???" in dialog.problem.text()


def test_export_asks_the_app_for_symbols_then_emits_the_chosen_range(
    qtbot: QtBot, tmp_path: Path
) -> None:
    menu = make_menu(qtbot)
    with qtbot.waitSignal(menu.exportDialogOpened):
        menu.export_action.trigger()
    dialog = menu.export_dialog
    assert dialog is not None and not dialog.export_button.isEnabled()
    menu.set_export_choices(["00700.HK", "AAPL.US"], (1_714_642_200_000, 1_714_645_800_000))
    dialog.symbol.setCurrentText("AAPL.US")
    dialog.path.setText(str(tmp_path / "a.csv"))
    with qtbot.waitSignal(menu.exportRequested) as signal:
        dialog.export_button.click()
    assert signal.args == ["AAPL.US", 1_714_642_200_000, 1_714_645_801_000, str(tmp_path / "a.csv")]
    assert not dialog.export_button.isEnabled()  # until the result comes back
    menu.show_export_result("Wrote 3 trades and 0 books to a.csv.", True)
    assert dialog.export_button.isEnabled() and "Wrote 3" in dialog.message.text()


def test_export_refuses_a_range_that_ends_before_it_starts(qtbot: QtBot, tmp_path: Path) -> None:
    menu = make_menu(qtbot)
    menu.open_export()
    dialog = menu.export_dialog
    assert dialog is not None
    menu.set_export_choices(["AAPL.US"], (1_714_642_200_000, 1_714_645_800_000))
    dialog.end.setDateTime(QDateTime.fromMSecsSinceEpoch(1_714_600_000_000))
    with qtbot.assertNotEmitted(menu.exportRequested):
        dialog.request_export()
    assert "before" in dialog.message.text()


def test_replay_emits_the_file_range_and_speed_and_stop_replay_follows_the_state(
    qtbot: QtBot, tmp_path: Path
) -> None:
    menu = make_menu(qtbot)
    menu.default_recording = str(tmp_path / "ticks.db")
    assert not menu.stop_replay_action.isEnabled()
    menu.replay_action.trigger()
    dialog = menu.replay_dialog
    assert dialog is not None and dialog.path.text() == str(tmp_path / "ticks.db")
    dialog.speed.setCurrentText("10")
    with qtbot.waitSignal(menu.replayRequested) as signal:
        dialog.start_button.click()
    assert signal.args == [str(tmp_path / "ticks.db"), None, None, 10.0]
    menu.set_replaying(True)
    assert menu.stop_replay_action.isEnabled() and not menu.record_action.isEnabled()
    assert not dialog.isVisible()
    with qtbot.waitSignal(menu.stopReplayRequested):
        menu.stop_replay_action.trigger()
    menu.set_replaying(False, "")
    assert menu.record_action.isEnabled()


def test_a_replay_that_cannot_start_says_why_in_its_dialog(qtbot: QtBot) -> None:
    menu = make_menu(qtbot)
    menu.open_replay()
    dialog = menu.replay_dialog
    assert dialog is not None
    with qtbot.assertNotEmitted(menu.replayRequested):
        dialog.request_replay()
    assert "Choose a recording" in dialog.problem.text()
    dialog.path.setText("/x/ticks.db")
    dialog.speed.setCurrentText("fast")
    with qtbot.assertNotEmitted(menu.replayRequested):
        dialog.request_replay()
    assert "speed" in dialog.problem.text()
    menu.set_replaying(False, "/x/ticks.db is not a Quote Board tick recording")
    assert "not a Quote Board" in dialog.problem.text() and dialog.isVisible()

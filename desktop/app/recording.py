"""Recording, export and replay of a running board: the File menu's intents become I/O.

It sees the window's intents, the `RecordingController`, the settings database, the keyring and
the replay simulator. A replay is a feed like any other: starting one asks the feed switch for
it, stopping one asks the switch to resume; every feed the switch starts sets the REPLAY badge.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from PySide6.QtCore import QObject, QTimer

from desktop.aio.task_set import TaskSet
from desktop.app.config import AppConfig
from desktop.app.feed_source import FeedTarget, replay_target
from desktop.app.feed_switch import FeedSwitch, RunningFeed
from desktop.domain.recording import RecordingSettings, RecordingStatus, redact_dsn
from desktop.persistence.credentials import load_postgres_password, store_postgres_password
from desktop.persistence.database import Database, DatabaseTooNew, DatabaseUnavailable
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.qt.recording_controller import RecordingController
from desktop.simulator.replay import RecordingError
from desktop.widgets.main_window import MainWindow

__all__ = ["AppRecording", "load_settings", "recording_controller", "save_settings"]

log = logging.getLogger(__name__)

_SETTINGS_KEY = "recording.settings"
_LOCK_WAIT_S = 10.0
"""The board already waited for a locked database at start-up; settings do not wait as long."""


def load_settings(data_dir: Path) -> RecordingSettings:
    """The saved recording settings (defaults when none or unreadable)."""
    try:
        database = Database(data_dir / DB_FILENAME, recover=False, lock_wait_s=_LOCK_WAIT_S)
    except (DatabaseTooNew, DatabaseUnavailable, OSError) as exc:
        log.warning("recording settings not loaded: %s", exc)
        return RecordingSettings()
    try:
        raw = database.get_state(_SETTINGS_KEY)
    finally:
        database.close()
    if not raw:
        return RecordingSettings()
    try:
        return msgspec.json.decode(raw, type=RecordingSettings)
    except msgspec.DecodeError as exc:
        log.warning("recording settings unreadable, using defaults: %s", exc)
        return RecordingSettings()


def save_settings(data_dir: Path, settings: RecordingSettings) -> None:
    """Save the recording settings (they never hold a password)."""
    database = Database(data_dir / DB_FILENAME, recover=False, lock_wait_s=_LOCK_WAIT_S)
    try:
        if database.read_only:
            raise DatabaseUnavailable(f"{database.path} is read-only.")
        database.set_state(_SETTINGS_KEY, msgspec.json.encode(settings).decode())
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"{database.path} could not be written ({exc}).") from exc
    finally:
        database.close()


def recording_controller(config: AppConfig, parent: QObject) -> RecordingController:
    """The recorder for this run: the saved settings (a smoke run: defaults), `--record` on top.

    Built before the feed switch, which hands it every tick (`offer`), and before `AppRecording`.
    """
    data_dir = resolve_data_dir(config.data_dir)
    settings = load_settings(data_dir) if not config.is_smoke else RecordingSettings()
    if config.record:
        settings = msgspec.structs.replace(settings, enabled=True)
    password = (
        load_postgres_password(redact_dsn(settings.postgres_dsn)) if settings.postgres_dsn else None
    )
    return RecordingController(data_dir, settings, password, parent=parent)


class AppRecording:
    """Recording, export and replay for one running board."""

    def __init__(
        self,
        controller: RecordingController,
        config: AppConfig,
        window: MainWindow,
        switch: FeedSwitch,
    ) -> None:
        self.controller = controller
        self.window = window
        self._switch = switch
        self.smoke = config.is_smoke
        self.data_dir = resolve_data_dir(config.data_dir)
        self._tasks = TaskSet("recording")
        menu = window.recording_menu
        menu.default_recording = str(controller.ticks_path)
        menu.set_settings(controller.settings)
        menu.settingsApplied.connect(lambda s, pw: self._spawn(self.apply_settings(s, pw)))
        menu.exportDialogOpened.connect(lambda: self._spawn(self._fill_export_dialog()))
        menu.exportRequested.connect(
            lambda sym, a, b, path: self._spawn(self._export(sym, a, b, Path(path)))
        )
        menu.replayRequested.connect(
            lambda path, a, b, speed: self._spawn(self.start_replay(Path(path), a, b, speed))
        )
        menu.stopReplayRequested.connect(self.stop_replay)
        self._notice_shown = ""
        controller.statusChanged.connect(self._show_status)
        self._target: FeedTarget | None = None
        self._progress = QTimer(window)
        self._progress.setInterval(1000)
        self._progress.timeout.connect(self._show_progress)
        switch.feedStarted.connect(self._on_feed_started)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self._tasks.spawn(coro)

    def _on_feed_started(self, feed: RunningFeed) -> None:
        self.show_target(feed.target)

    def _show_status(self, status: RecordingStatus) -> None:
        self.window.recording_indicator.set_status(status)
        if status.notice and status.notice != self._notice_shown:
            self._notice_shown = status.notice  # e.g. an unreadable ticks.db was moved aside
            self.window.show_notice("warning", status.notice, timeout_ms=0)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start recording if enabled."""
        self.controller.start()

    async def close(self) -> int | None:
        """Write what is queued and stop; returns the trades recorded in this run (None: off)."""
        await self._tasks.close()
        self._progress.stop()
        recorder = await self.controller.close()
        return None if recorder is None else recorder.stats.ticks

    def show_target(self, target: FeedTarget) -> None:
        """Replay badge and menu state for the feed the board now shows."""
        replaying = target.replay_label is not None
        self._target = target
        self.window.replay_badge.set_replay(target.replay_label, target.replay_details)
        self.window.recording_menu.set_replaying(replaying)
        self.controller.set_suspended(replaying)  # never record a replay into the recording
        if target.replay is not None:
            self._progress.start()
        else:
            self._progress.stop()

    def _show_progress(self) -> None:
        """The REPLAY badge follows the replay: how far it is, the recorded time, or the end."""
        target = self._target
        if target is None or target.replay is None or target.replay_label is None:
            return
        progress = target.replay.progress  # plain values written by the simulator's thread
        if progress.finished:
            label = f"{target.replay_label} · ended"
        elif progress.started:
            label = f"{target.replay_label} · {progress.fraction:.0%}"
        else:
            label = target.replay_label
        at = (
            datetime.fromtimestamp(progress.position_ms / 1000)
            .astimezone()
            .strftime("%Y-%m-%d %H:%M:%S %Z")
        )  # your clock, with its zone
        details = f"{target.replay_details}\nRecorded at {at}; {progress.replayed:,} events so far"
        self.window.replay_badge.set_replay(label, details)

    # -- intents from the window --------------------------------------------------------------
    async def apply_settings(self, settings: RecordingSettings, password: str) -> None:
        """Save new settings (the password into the keyring) and restart the recorder."""
        problem = None
        # The keyring off the GUI thread: a locked Secret Service may wait for the user to unlock.
        dsn = redact_dsn(settings.postgres_dsn)
        if settings.postgres_dsn and password:
            problem = await asyncio.to_thread(store_postgres_password, dsn, password)
        elif settings.postgres_dsn:
            loaded = await asyncio.to_thread(load_postgres_password, dsn)
            password = loaded or ""
        if not self.smoke:
            try:
                await asyncio.to_thread(save_settings, self.data_dir, settings)
            except (OSError, DatabaseTooNew, DatabaseUnavailable) as exc:
                problem = f"The settings could not be saved: {exc}"
        await self.controller.apply(settings, password or None)
        self.window.recording_menu.set_settings(settings)
        if problem:
            self.window.recording_menu.show_settings_problem(problem)

    async def _fill_export_dialog(self) -> None:
        try:
            symbols, span = await self.controller.recorded()
        except Exception as exc:
            self.window.recording_menu.show_export_result(
                f"The recording cannot be read: {exc}", False
            )
            return
        self.window.recording_menu.set_export_choices(symbols, span)

    async def _export(self, symbol: str, start_ms: int, end_ms: int, path: Path) -> None:
        try:
            result = await self.controller.export(symbol, start_ms, end_ms, path)
        except Exception as exc:  # a sentence in the dialog, never a traceback
            log.warning("export failed: %s", exc)
            self.window.recording_menu.show_export_result(f"The export failed: {exc}", False)
            return
        self.window.recording_menu.show_export_result(result.message, True)

    async def start_replay(
        self, path: Path, start_ms: int | None, end_ms: int | None, speed: float
    ) -> None:
        """Replay a recording on the board (File → Replay a Recording…)."""
        try:
            target = await asyncio.to_thread(replay_target, path, start_ms, end_ms, speed)
        except (RecordingError, ValueError, TimeoutError) as exc:
            self.window.recording_menu.set_replaying(False, str(exc))
            return
        await self._switch.switch_to(target)

    def stop_replay(self) -> None:
        """Back to the live feed (or the demo simulator), as the settings ask for it."""
        self._switch.resume()

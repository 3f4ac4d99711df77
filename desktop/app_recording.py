"""The composition root's recording and replay half: wires the recorder, export and replay.

Part of the app layer (below `app.py`, above widgets in the import-linter contract): it sees the
window's intents, the `RecordingController`, the settings database, the keyring and the replay
simulator. `app.py` owns the feed; when a replay starts or stops it asks `app.py` to switch the
board to another `FeedTarget`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import msgspec
from PySide6.QtCore import QTimer

from desktop.domain.recording import RecordingSettings, RecordingStatus, redact_dsn
from desktop.domain.symbols import Symbol
from desktop.persistence.credentials import load_postgres_password, store_postgres_password
from desktop.persistence.database import Database, DatabaseTooNew
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.protocol.plans import Plan
from desktop.qt.recording_controller import RecordingController
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.replay import RecordingError, ReplaySource
from desktop.simulator.server import SimulatorConfig
from desktop.widgets.main_window import MainWindow

__all__ = ["AppRecording", "FeedTarget", "replay_target"]

log = logging.getLogger(__name__)

_SETTINGS_KEY = "recording.settings"


@dataclass(slots=True)
class FeedTarget:
    """Where the board streams from: a URL and token, and the simulator behind it if embedded."""

    url: str
    token: str
    demo: bool
    plan: Plan
    symbols: list[Symbol]
    simulator: EmbeddedSimulator | None = None
    replay_label: str | None = None
    replay_details: str = ""
    replay: ReplaySource | None = None


def replay_target(path: Path, start_ms: int | None, end_ms: int | None, speed: float) -> FeedTarget:
    """Start an embedded simulator replaying `path`; blocks until it listens (run in a thread).

    Raises RecordingError or RuntimeError with a sentence when the file cannot be replayed.
    """

    def source() -> ReplaySource:
        return ReplaySource(path, start_ms=start_ms, end_ms=end_ms, speed=speed)

    simulator = EmbeddedSimulator(SimulatorConfig(us_depth_levels=10), market_factory=source)
    try:
        endpoints = simulator.start()
    except RuntimeError as exc:
        cause = exc.__cause__
        raise RecordingError(str(cause) if cause else str(exc)) from exc
    assert simulator.server is not None
    market = simulator.server.market
    assert isinstance(market, ReplaySource)
    return FeedTarget(
        endpoints.ws_url,
        endpoints.token,
        demo=False,
        plan=Plan.PROFESSIONAL,
        symbols=market.symbols(),
        simulator=simulator,
        replay_label=f"REPLAY {speed:g}×",
        replay_details=f"{path} at {speed:g}× speed",
        replay=market,
    )


def load_settings(data_dir: Path) -> RecordingSettings:
    """The saved recording settings (defaults when none or unreadable)."""
    try:
        database = Database(data_dir / DB_FILENAME)
    except (DatabaseTooNew, OSError) as exc:
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
    database = Database(data_dir / DB_FILENAME)
    try:
        database.set_state(_SETTINGS_KEY, msgspec.json.encode(settings).decode())
    finally:
        database.close()


class AppRecording:
    """Recording, export and replay for one running board."""

    def __init__(
        self,
        args: argparse.Namespace,
        window: MainWindow,
        switch_feed: Callable[[FeedTarget | None], Awaitable[None]],
    ) -> None:
        self.args = args
        self.window = window
        self._switch_feed = switch_feed
        self.smoke = args.smoke is not None
        self.data_dir = resolve_data_dir(args.data_dir)
        settings = load_settings(self.data_dir) if not self.smoke else RecordingSettings()
        if args.record:
            settings = msgspec.structs.replace(settings, enabled=True)
        password = (
            load_postgres_password(redact_dsn(settings.postgres_dsn))
            if settings.postgres_dsn
            else None
        )
        self.controller = RecordingController(self.data_dir, settings, password, parent=window)
        self.offer = self.controller.offer
        """The feed's tap."""
        self._tasks: set[asyncio.Task[None]] = set()
        menu = window.recording_menu
        menu.default_recording = str(self.controller.ticks_path)
        menu.set_settings(settings)
        menu.settingsApplied.connect(lambda s, pw: self._spawn(self.apply_settings(s, pw)))
        menu.exportDialogOpened.connect(lambda: self._spawn(self._fill_export_dialog()))
        menu.exportRequested.connect(
            lambda sym, a, b, path: self._spawn(self._export(sym, a, b, Path(path)))
        )
        menu.replayRequested.connect(
            lambda path, a, b, speed: self._spawn(self.start_replay(Path(path), a, b, speed))
        )
        menu.stopReplayRequested.connect(lambda: self._spawn(self.stop_replay()))
        self.controller.statusChanged.connect(self._show_status)
        self._target: FeedTarget | None = None
        self._progress = QTimer(window)
        self._progress.setInterval(1000)
        self._progress.timeout.connect(self._show_progress)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _show_status(self, status: RecordingStatus) -> None:
        self.window.recording_indicator.set_status(status)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start recording if enabled."""
        self.controller.start()

    async def close(self) -> int | None:
        """Write what is queued and stop; returns the trades recorded in this run (None: off)."""
        for task in list(self._tasks):
            task.cancel()
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
        at = datetime.fromtimestamp(progress.position_ms / 1000).strftime("%Y-%m-%d %H:%M:%S")
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
            except (OSError, DatabaseTooNew) as exc:
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
        await self._switch_feed(target)

    async def stop_replay(self) -> None:
        """Back to the live feed (or the demo simulator)."""
        await self._switch_feed(None)

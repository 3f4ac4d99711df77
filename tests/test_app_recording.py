"""The whole app records a smoke run (`recorded` equals `ticks`) and replays it."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.app.config import AppConfig
from desktop.app.feed_source import FeedTarget
from desktop.app.feed_switch import FeedSwitch
from desktop.app.recording import AppRecording, recording_controller
from desktop.domain.quote_book import QuoteBook
from desktop.domain.recording import RecordingSettings, RecordingState
from desktop.protocol.plans import Plan
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.replay import ReplaySource
from desktop.widgets.main_window import MainWindow
from tests.conftest import TIMEOUT_S, MemoryKeyring
from tests.polling import wait_until
from tests.simulator.test_replay import BASE, record
from tests.widgets.conftest import watchlist_panel


def smoke(*args: str) -> dict[str, object]:
    """Run `quoteboard --smoke …` headless and return its JSON line (it must exit 0)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=12 * TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(report, dict)
    return report


def recorded_board(
    config: AppConfig, window: MainWindow, session: WatchlistSession
) -> AppRecording:
    """Recording wired as the board wires it: the recorder taps the feed switch's feeds."""
    controller = recording_controller(config, window)
    switch = FeedSwitch(QuoteBook(), session, window, controller.offer)
    return AppRecording(controller, config, window, switch)


@pytest.mark.slow
def test_a_recorded_smoke_run_stores_every_tick_and_replays_them_all(tmp_path: Path) -> None:
    recorded = smoke("--smoke", "3", "--record", "--seed", "3", "--data-dir", str(tmp_path))
    assert recorded["ticks"] == recorded["recorded"] and recorded["ticks"] > 0
    ticks_db = tmp_path / "ticks.db"
    with sqlite3.connect(ticks_db) as db:
        stored = db.execute("SELECT count(*) FROM events WHERE kind = 0").fetchone()[0]
        symbols = db.execute("SELECT count(*) FROM symbols").fetchone()[0]
    assert stored == recorded["ticks"]

    replayed = smoke(
        "--smoke",
        "4",
        "--replay",
        str(ticks_db),
        "--speed",
        "50",
        "--data-dir",
        str(tmp_path / "r"),
    )
    assert replayed["ticks"] == recorded["ticks"]
    assert replayed["rows"] == symbols == replayed["rows_with_price"]
    assert "recorded" not in replayed


def test_record_and_replay_together_are_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--record", "--replay", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=4 * TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 2 and "would record the replay" in done.stderr


def test_the_replay_badge_follows_a_replay_to_its_end_and_recording_waits(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "ticks.db"
    record(path, [BASE + 100 * n for n in range(20)])
    panel = watchlist_panel(tmp_path / "q.db", ["AAPL.US"])
    window = MainWindow(panel)
    qtbot.addWidget(window)
    config = AppConfig(smoke=1.0, record=True, data_dir=tmp_path / "data")
    recording = recorded_board(config, window, panel._session)
    recording.start()
    replay = ReplaySource(path, speed=1_000, start_delay_ms=0)
    target = FeedTarget(
        "ws://127.0.0.1:1/x",
        "t",
        False,
        Plan.PROFESSIONAL,
        replay.symbols(),
        replay_label="REPLAY 1000×",
        replay=replay,
    )
    recording.show_target(target)
    assert window.replay_badge.text() == "REPLAY 1000×" and not window.replay_badge.isHidden()
    assert window.recording_menu.stop_replay_action.isEnabled()
    assert recording.controller.status().state is RecordingState.OFF  # suspended
    replay.pushes(0, 0, set(replay.symbols()), ())
    replay.pushes(10_000, 0, set(replay.symbols()), ())
    qtbot.waitUntil(lambda: window.replay_badge.text() == "REPLAY 1000× · ended", timeout=5000)
    assert "20 events" in window.replay_badge.toolTip()
    recording.show_target(FeedTarget("ws://x", "t", True, Plan.PROFESSIONAL, []))
    assert window.replay_badge.isHidden()
    assert recording.controller.status().state is RecordingState.RECORDING
    recorder = recording.controller.recorder
    assert recorder is not None and recorder.close()


async def test_a_postgres_password_is_stored_without_blocking_the_gui_on_a_locked_keyring(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    panel = watchlist_panel(tmp_path / "q.db", ["AAPL.US"])
    window = MainWindow(panel)
    qtbot.addWidget(window)
    config = AppConfig(smoke=1.0, data_dir=tmp_path / "data")
    recording = recorded_board(config, window, panel._session)
    unlocked = memory_keyring.gate = threading.Event()  # the keyring waits for an unlock prompt
    safety = threading.Timer(TIMEOUT_S, unlocked.set)  # a blocked loop fails below, never hangs
    safety.start()
    settings = RecordingSettings(postgres_dsn="postgresql://qb@127.0.0.1:1/ticks")
    applying = asyncio.ensure_future(recording.apply_settings(settings, "s3cret"))
    try:
        await wait_until(lambda: memory_keyring.calls == ["set"], "the keyring to be asked")
        assert not unlocked.is_set(), "the event loop stood still while the keyring waited"
    finally:
        unlocked.set()
        safety.cancel()
    await applying
    assert list(memory_keyring.store.values()) == ["s3cret"]
    assert recording.controller.status().state is RecordingState.OFF


def test_an_unreadable_tick_file_is_moved_aside_and_the_board_says_where(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"not a database" * 100
    (data / "ticks.db").write_bytes(garbage)
    panel = watchlist_panel(tmp_path / "q.db", ["AAPL.US"])
    window = MainWindow(panel)
    qtbot.addWidget(window)
    config = AppConfig(smoke=1.0, record=True, data_dir=data)
    recording = recorded_board(config, window, panel._session)
    recording.start()
    qtbot.waitUntil(lambda: "moved to" in panel.notices.text(), timeout=int(TIMEOUT_S * 1000))
    moved = list(data.glob("ticks.db.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == garbage
    assert str(moved[0]) in panel.notices.text() and "nothing was deleted" in panel.notices.text()
    assert recording.controller.status().state is RecordingState.RECORDING
    recorder = recording.controller.recorder
    assert recorder is not None and recorder.close()

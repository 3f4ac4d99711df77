"""The recording controller: taps the feed, publishes a status, exports, suspends for replays."""

from __future__ import annotations

import csv
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.domain.recording import RecordingSettings, RecordingState, RecordingStatus, Retention
from desktop.persistence.recorder import RecorderTiming
from desktop.qt.recording_controller import RecordingController
from tests.conftest import TIMEOUT_S
from tests.persistence._events import book, tick

FAST = RecorderTiming(batch_interval_s=0.02)


async def test_recording_off_takes_nothing_and_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    controller = RecordingController(tmp_path, RecordingSettings(enabled=False), timing=FAST)
    statuses: list[RecordingStatus] = []
    controller.statusChanged.connect(statuses.append)
    controller.start()
    controller.offer(tick(1))
    assert controller.recorder is None and controller.queue_depth == 0
    assert statuses[-1].state is RecordingState.OFF and statuses[-1].message == "Recording is off"
    assert not controller.ticks_path.exists()
    assert await controller.close() is None


async def test_recorded_ticks_are_counted_in_the_status_and_exported(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = RecordingSettings(enabled=True, retention=Retention(days=7))
    controller = RecordingController(tmp_path, settings, timing=FAST)
    controller.start()
    for n in range(50):
        controller.offer(tick(n))
    controller.offer(book(1, "AAPL.US"))
    assert controller.recorder is not None and controller.recorder.wait_written(TIMEOUT_S)
    with qtbot.waitSignal(controller.statusChanged, timeout=int(TIMEOUT_S * 1000)) as signal:
        controller.poll()
    status = signal.args[0]
    assert status.state is RecordingState.RECORDING and status.written == 50
    assert status.target == str(tmp_path / "ticks.db")

    symbols, span = await controller.recorded()
    assert symbols == ["AAPL.US"] and span is not None
    out = tmp_path / "aapl.csv"
    result = await controller.export("AAPL.US", span[0], span[1], out)
    assert (result.trades, result.books) == (50, 1)
    assert len(list(csv.reader(out.open(encoding="utf-8")))) == 52
    closed = await controller.close()
    assert closed is not None and closed.stats.ticks == 50


async def test_a_replay_suspends_recording_without_losing_what_was_queued(
    qtbot: QtBot, tmp_path: Path
) -> None:
    controller = RecordingController(tmp_path, RecordingSettings(enabled=True), timing=FAST)
    controller.start()
    controller.offer(tick(1))
    controller.set_suspended(True)
    controller.offer(tick(2))
    status = controller.status()
    assert status.state is RecordingState.OFF and "replayed" in status.message
    controller.set_suspended(False)
    controller.offer(tick(3))
    closed = await controller.close()
    assert closed is not None and closed.stats.ticks == 2


async def test_new_settings_restart_the_recorder_with_them(qtbot: QtBot, tmp_path: Path) -> None:
    controller = RecordingController(tmp_path, RecordingSettings(enabled=True), timing=FAST)
    controller.start()
    controller.offer(tick(1, "00700.HK"))
    await controller.apply(RecordingSettings(enabled=True, all_symbols=False, symbols=("AAPL.US",)))
    controller.offer(tick(2, "00700.HK"))
    controller.offer(tick(3, "AAPL.US"))
    closed = await controller.close()
    assert closed is not None and closed.stats.ticks == 1 and closed.stats.filtered == 1
    symbols, _ = await controller.recorded()
    assert symbols == ["00700.HK", "AAPL.US"]
    assert controller.settings.symbols == ("AAPL.US",)


async def test_a_postgres_connection_string_is_shown_without_its_password(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = RecordingSettings(postgres_dsn="host=db user=desk password=s3cret dbname=t")
    controller = RecordingController(tmp_path, settings)
    assert "s3cret" not in controller.target() and "***" in controller.target()

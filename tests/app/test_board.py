"""A board run by its own `build()`, `start()` and `shutdown()`, as `run()` runs it.

The parts are wired only through the feed switch's signals: a replay at start shows its badge
(recording heard `feedStarted`), Stop Replay brings back the settings' feed (the settings heard
`resumeRequested`), and the new feed seeds the sparklines afresh (insights heard it too).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import qasync

from desktop.app.board import QuoteBoardApp
from desktop.app.config import AppConfig, ConfigError
from tests.conftest import MemoryKeyring
from tests.polling import wait_until
from tests.simulator.test_replay import BASE, record


def run_on(loop: qasync.QEventLoop, body: Callable[[], Awaitable[None]]) -> None:
    """Run `body` to its end on the Qt-driven loop (one run of it, as the app has)."""
    task = loop.create_task(body())  # type: ignore[arg-type]
    task.add_done_callback(lambda _: loop.stop())
    loop.run_forever()
    task.result()


def test_a_board_starts_on_a_replay_and_stop_replay_returns_to_the_settings_feed(
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUOTEBOARD_TOKEN", raising=False)  # no token: the settings want the demo
    recording = tmp_path / "ticks.db"
    record(recording, [BASE + 50 * n for n in range(40)])
    board = QuoteBoardApp(AppConfig(data_dir=tmp_path / "data", replay=recording, speed=1000))
    hook = sys.excepthook
    codes: list[int] = []

    async def body() -> None:
        board.build()
        await board.start()
        try:
            window, switch = board.window, board.switch
            assert window.replay_badge.text().startswith("REPLAY")
            assert window.recording_menu.stop_replay_action.isEnabled()
            assert switch.current_source() is None  # a replay is no settings' source
            await wait_until(lambda: board.book.counters.ticks > 0, "the replay's trades")
            board.recording.stop_replay()  # File → Stop Replay
            await wait_until(
                lambda: (source := switch.current_source()) is not None and source.demo,
                "the settings' feed (the demo, with no token) to come back",
            )
            assert window.replay_badge.isHidden()
            await wait_until(lambda: board.insights.history.seeded > 0, "the demo's history")
            await wait_until(
                lambda: all(
                    (state := board.book.get(symbol)) is not None and state.last is not None
                    for symbol in board.session.all_symbols()
                ),
                "every row to get a demo price",
            )
        finally:
            codes.append(await board.shutdown())

    run_on(qloop, body)
    assert codes == [0]
    assert sys.excepthook is hook  # shutdown put back what start replaced


def test_options_that_make_no_sense_together_are_refused_by_the_config() -> None:
    with pytest.raises(ConfigError, match="would record the replay"):
        AppConfig(record=True, replay=Path("ticks.db"))
    with pytest.raises(ConfigError, match="--dump only works with --smoke"):
        AppConfig(dump=Path("rows.csv"))
    with pytest.raises(ConfigError, match="--speed"):
        AppConfig(speed=0)

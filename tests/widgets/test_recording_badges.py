"""REC and REPLAY in the status bar: words as well as colours, plain-text tooltips."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.domain.recording import RecordingState, RecordingStatus
from desktop.widgets.recording_badges import RecordingIndicator, ReplayBadge


def test_the_rec_indicator_shows_the_count_and_hides_when_recording_is_off(qtbot: QtBot) -> None:
    indicator = RecordingIndicator()
    qtbot.addWidget(indicator)
    assert indicator.isHidden()  # off until told otherwise
    indicator.set_status(
        RecordingStatus(RecordingState.RECORDING, written=12_345, queue_depth=7, target="/t.db")
    )
    assert not indicator.isHidden() and indicator.text() == "REC 12,345"
    assert "Waiting to be written: 7" in indicator.toolTip()
    indicator.set_status(RecordingStatus(RecordingState.OFF))
    assert indicator.isHidden()


def test_a_paused_recorder_says_paused_and_why_as_plain_text(qtbot: QtBot) -> None:
    indicator = RecordingIndicator()
    qtbot.addWidget(indicator)
    message = "Recording paused: the disk holding <b>/data</b> is full. Retrying."
    indicator.set_status(
        RecordingStatus(RecordingState.PAUSED, message, dropped=3, target="/data/ticks.db")
    )
    assert indicator.text() == "REC paused"
    tip = indicator.toolTip()
    assert "&lt;b&gt;/data&lt;/b&gt;" in tip and "<b>" not in tip
    assert "Not recorded (queue full): 3" in tip


def test_the_replay_badge_is_shown_only_while_replaying(qtbot: QtBot) -> None:
    badge = ReplayBadge()
    qtbot.addWidget(badge)
    badge.set_replay("REPLAY 10×", "/tmp/ticks.db at 10× speed")
    assert not badge.isHidden() and badge.text() == "REPLAY 10×"
    assert "NOT live" in badge.toolTip()
    badge.set_replay(None)
    assert badge.isHidden()

"""Status-bar pieces for recording and replay: a REC indicator and a REPLAY badge.

REC shows a red dot and the word (colour is never the only cue) while ticks are written, and
"REC paused" in amber with the reason in the tooltip when storage is failing. The REPLAY badge,
like DEMO DATA, makes it impossible to mistake a replayed session for the live market.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.domain.recording import RecordingState, RecordingStatus
from desktop.qt.palette import colors, follow_theme, live_color
from desktop.qt.plain_text import plain_tooltip

__all__ = ["RecordingIndicator", "ReplayBadge"]

_RED = live_color(lambda c: c.error)
_AMBER = live_color(lambda c: c.stale)
_REPLAY_STYLE = (
    "QLabel#replayBadge {{ background: {c.replay}; color: {c.white}; font-weight: 700;"
    " letter-spacing: 1px; padding: 1px 10px; border-radius: 3px; }}"
)


def _tooltip(lines: list[str]) -> str:
    """Plain text shown literally (paths and server messages may contain < or &)."""
    return plain_tooltip("\n".join(lines))


class RecordingIndicator(QWidget):
    """ "● REC 12,345" while recording, "● REC paused" when storage fails; hidden when off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingIndicator")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        self._dot = QLabel("●")
        self._dot.setObjectName("recordingDot")
        self._dot.setTextFormat(Qt.TextFormat.PlainText)
        self._text = QLabel()
        self._text.setObjectName("recordingLabel")
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self._dot)
        layout.addWidget(self._text)
        self._status = RecordingStatus(RecordingState.OFF)
        self.hide()

    def set_status(self, status: RecordingStatus) -> None:
        """Show the recorder's state, totals and, when paused, why."""
        self._status = status
        if status.state is RecordingState.OFF:
            self.hide()
            return
        paused = status.state is RecordingState.PAUSED
        self._dot.setStyleSheet(f"color: {(_AMBER if paused else _RED).name()};")
        self._text.setText("REC paused" if paused else f"REC {status.written:,}")
        lines = [status.message] if status.message else ["Recording ticks and order books"]
        lines.append(f"Into: {status.target}")
        lines.append(f"Trades written: {status.written:,}")
        lines.append(f"Waiting to be written: {status.queue_depth:,}")
        if status.dropped:
            lines.append(f"Not recorded (queue full): {status.dropped:,}")
        self.setToolTip(_tooltip(lines))
        self.show()

    def status(self) -> RecordingStatus:
        """The last status shown."""
        return self._status

    def text(self) -> str:
        """The label next to the dot."""
        return self._text.text()


class ReplayBadge(QLabel):
    """ "REPLAY 10×" while the board shows a recorded session; hidden otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayBadge")
        follow_theme(self, lambda: self.setStyleSheet(_REPLAY_STYLE.format(c=colors())))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def set_replay(self, label: str | None, details: str = "") -> None:
        """Show the badge with `label` (e.g. "REPLAY 10×"), or hide it with None."""
        if label is None:
            self.hide()
            return
        self.setText(label)
        lines = ["A recorded session is being replayed. These prices are NOT live."]
        if details:
            lines.append(details)
        self.setToolTip(_tooltip(lines))
        self.show()

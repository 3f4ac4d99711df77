"""The window's status bar: feed connection state, message rate, and the DEMO DATA badge."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.gaps import Gap
from desktop.domain.truth_terms import format_clock_ms
from desktop.qt.palette import colors, follow_theme, live_color
from desktop.qt.plain_text import plain_tooltip

__all__ = ["FeedStatusBar", "state_color"]

_GREEN = live_color(lambda c: c.ok)
_AMBER = live_color(lambda c: c.stale)
_RED = live_color(lambda c: c.error)
_COLORS: dict[FeedState, QColor] = {
    FeedState.LIVE: _GREEN,
    FeedState.DEGRADED: _AMBER,
    FeedState.CONNECTING: _AMBER,
    FeedState.RECONNECTING: _AMBER,
    FeedState.OFFLINE: _RED,
    FeedState.TOKEN_REJECTED: _RED,
    FeedState.GATEWAY_DOWN: _RED,
}
_DEMO_TOOLTIP = (
    "Prices come from the built-in market simulator. They are NOT real market data.\n"
    "Add an API token in Settings to stream real quotes."
)
_DEMO_STYLE = (
    "QLabel#demoBadge {{ background: {c.demo}; color: {c.white}; font-weight: 700;"
    " letter-spacing: 1px; padding: 1px 10px; border-radius: 3px; }}"
)


def state_color(state: FeedState) -> QColor:
    """Indicator colour of a feed state: green live, amber in between, red down."""
    return QColor(_COLORS[state])


def _gap_line(gap: Gap) -> str:
    """ "14:02:11 → 14:02:53 (42 s) · connection 1 · 24 symbols · connection lost"."""
    start = format_clock_ms(gap.start_ms)[:8]
    if gap.end_ms is None:
        span = f"{start} → now"
    else:
        span = f"{start} → {format_clock_ms(gap.end_ms)[:8]} ({round(gap.duration_s or 0)} s)"
    noun = "symbol" if len(gap.symbols) == 1 else "symbols"
    parts = [span, f"connection {gap.connection + 1}", f"{len(gap.symbols)} {noun}"]
    if gap.missed:
        parts.append(f"~{sum(gap.missed.values()):,} shares traded unseen")
    if gap.reason:
        parts.append(gap.reason)
    return " · ".join(parts)


class FeedStatusBar(QStatusBar):
    """A coloured dot plus a word for the feed state (colour is never the only cue), msg/s, DEMO,
    the recent outages, and Reconnect now while the feed waits to retry."""

    reconnectRequested = Signal()
    """The user asked to retry now instead of waiting out the countdown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedStatusBar")
        self._status: FeedStatus | None = None
        self._demo_forced = False

        self._demo = QLabel("DEMO DATA")
        self._demo.setObjectName("demoBadge")
        follow_theme(self._demo, lambda: self._demo.setStyleSheet(_DEMO_STYLE.format(c=colors())))
        self._demo.setToolTip(_DEMO_TOOLTIP)
        self._demo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._demo.hide()

        self._rate = QLabel("— msg/s")
        self._rate.setObjectName("feedRateLabel")
        self._rate.setTextFormat(Qt.TextFormat.PlainText)
        self._rate.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._rate.setMinimumWidth(self._rate.fontMetrics().horizontalAdvance("000,000 msg/s") + 8)
        self._rate.setToolTip("Messages received from the feed per second")

        self._indicator = QWidget()
        self._indicator.setObjectName("feedIndicator")
        layout = QHBoxLayout(self._indicator)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(5)
        self._dot = QLabel("●")
        self._dot.setObjectName("feedStateDot")
        self._dot.setTextFormat(Qt.TextFormat.PlainText)
        self._state = QLabel()
        self._state.setObjectName("feedStateLabel")
        self._state.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self._dot)
        layout.addWidget(self._state)

        self._backlog = QLabel()
        self._backlog.setObjectName("feedBacklogLabel")
        self._backlog.setTextFormat(Qt.TextFormat.PlainText)
        self._backlog.setToolTip("Frames received but not decoded yet")
        self._backlog.hide()
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick_countdown)

        self._gaps = QLabel()
        self._gaps.setObjectName("feedGapsLabel")
        self._gaps.setTextFormat(Qt.TextFormat.PlainText)
        self._gaps.hide()
        self._reconnect = QPushButton("Reconnect now")
        self._reconnect.setObjectName("reconnectNowButton")
        self._reconnect.setToolTip("Try the connection again now instead of waiting")
        self._reconnect.setFlat(True)
        self._reconnect.clicked.connect(self.reconnectRequested)
        self._reconnect.hide()

        self.addPermanentWidget(self._demo)
        self.addPermanentWidget(self._gaps)
        self.addPermanentWidget(self._backlog)
        self.addPermanentWidget(self._rate)
        self.addPermanentWidget(self._indicator)
        self.addPermanentWidget(self._reconnect)
        self.set_status(FeedStatus(FeedState.CONNECTING))

    def set_status(self, status: FeedStatus) -> None:
        """Show a feed status: dot colour, its text, the reason in the tooltip, and DEMO if set."""
        self._status = status
        color = _COLORS[status.state]
        self._dot.setStyleSheet(f"color: {color.name()};")
        self._state.setText(status.text_at(time.monotonic()))
        if status.retry_at is not None:
            self._countdown.start()
        else:
            self._countdown.stop()
        details = [f"Feed: {status.text}"]
        if status.reason and status.reason not in status.text:
            details.append(status.reason)
        if status.last_error and status.last_error != status.reason:
            details.append(f"Last error: {status.last_error}")
        if status.stale:
            details.append(f"{status.stale} symbols have not updated recently")
        if status.demo:
            details.append("Demo data from the built-in simulator")
        self._indicator.setToolTip(plain_tooltip("\n".join(details)))
        self._reconnect.setVisible(status.state in (FeedState.RECONNECTING, FeedState.OFFLINE))
        self._update_demo()

    def set_gaps(self, gaps: list[Gap]) -> None:
        """Show the recent outages (newest first): a count and the last one, all in the tooltip."""
        if not gaps:
            self._gaps.hide()
            return
        last = gaps[0]
        if last.end_ms is None:
            text = "Gap ongoing"
        else:
            text = f"Last gap {round(last.duration_s or 0)} s at {format_clock_ms(last.end_ms)[:5]}"
        if len(gaps) > 1:
            text += f" (+{len(gaps) - 1})"
        self._gaps.setText(text)
        lines = ["Recent outages (newest first):", *(_gap_line(g) for g in gaps[:12])]
        self._gaps.setToolTip(plain_tooltip("\n".join(lines)))
        self._gaps.show()

    def gaps_text(self) -> str:
        """The recent-outages label ("" when hidden)."""
        return "" if self._gaps.isHidden() else self._gaps.text()

    def reconnect_button(self) -> QPushButton:
        """Reconnect now (shown while the feed waits to retry)."""
        return self._reconnect

    def set_rate(self, msgs_per_s: float) -> None:
        """Show the feed's message rate."""
        rate = max(0.0, msgs_per_s)
        self._rate.setText(f"{rate:,.1f} msg/s" if rate < 10 else f"{rate:,.0f} msg/s")

    def set_backlog(self, frames: int) -> None:
        """Show the decode backlog while there is one (hidden at 0)."""
        self._backlog.setText(f"backlog {frames:,}")
        self._backlog.setVisible(frames > 0)

    def _tick_countdown(self) -> None:
        """Count "Reconnecting in N s" down live between status changes."""
        if self._status is not None:
            self._state.setText(self._status.text_at(time.monotonic()))

    def set_demo(self, demo: bool) -> None:
        """Force the DEMO DATA badge on (it also shows whenever the last status says demo)."""
        self._demo_forced = demo
        self._update_demo()

    def _update_demo(self) -> None:
        demo = self._demo_forced or (self._status is not None and self._status.demo)
        self._demo.setVisible(demo)

    # -- read-back for tests and the window ---------------------------------------------------
    def status(self) -> FeedStatus | None:
        """The last status shown."""
        return self._status

    def is_demo_shown(self) -> bool:
        """Whether the DEMO DATA badge is on."""
        return not self._demo.isHidden()

    def state_text(self) -> str:
        """The state text next to the dot."""
        return self._state.text()

    def rate_text(self) -> str:
        """The message-rate text."""
        return self._rate.text()

    def indicator_color(self) -> QColor:
        """The colour of the connection dot."""
        return state_color(self._status.state) if self._status else QColor(_AMBER)

    def indicator_tooltip(self) -> str:
        """The connection indicator's tooltip (rich text with the reason escaped)."""
        return self._indicator.toolTip()

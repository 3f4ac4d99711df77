"""FeedStatusBar: state dot + words, reason in an escaped tooltip, msg/s, the DEMO DATA badge."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.widgets.status_bar import FeedStatusBar, state_color


@pytest.fixture
def bar(qtbot: QtBot) -> FeedStatusBar:
    widget = FeedStatusBar()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _hue_family(color: QColor) -> str:
    if color.green() > color.red() + 40:
        return "green"
    if color.red() > 200 and color.green() > 120:
        return "amber"
    return "red"


@pytest.mark.parametrize(
    ("state", "family"),
    [
        (FeedState.LIVE, "green"),
        (FeedState.CONNECTING, "amber"),
        (FeedState.RECONNECTING, "amber"),
        (FeedState.DEGRADED, "amber"),
        (FeedState.OFFLINE, "red"),
        (FeedState.TOKEN_REJECTED, "red"),
    ],
)
def test_every_state_has_a_colour_and_words_so_colour_is_not_the_only_cue(
    bar: FeedStatusBar, state: FeedState, family: str
) -> None:
    status = FeedStatus(state)
    bar.set_status(status)
    assert _hue_family(bar.indicator_color()) == family
    assert _hue_family(state_color(state)) == family
    assert bar.state_text() == status.text
    assert bar.state_text()
    dot = bar.findChild(QLabel, "feedStateDot")
    assert dot is not None
    assert state_color(state).name() in dot.styleSheet()


def test_a_new_bar_says_connecting(bar: FeedStatusBar) -> None:
    assert bar.state_text() == "Connecting"
    assert _hue_family(bar.indicator_color()) == "amber"


def test_the_reason_goes_into_the_tooltip_as_plain_text(bar: FeedStatusBar) -> None:
    bar.set_status(FeedStatus(FeedState.TOKEN_REJECTED, reason="<b>401</b> token & plan"))
    tooltip = bar.indicator_tooltip()
    assert "&lt;b&gt;401&lt;/b&gt; token &amp; plan" in tooltip
    assert "<b>" not in tooltip
    assert bar.state_text() == "Token rejected"


def test_reconnecting_and_degraded_show_their_details(bar: FeedStatusBar) -> None:
    bar.set_status(FeedStatus(FeedState.RECONNECTING, attempt=3, retry_in_s=6.6))
    assert bar.state_text() == "Reconnecting in 7 s (attempt 3)"
    bar.set_status(FeedStatus(FeedState.DEGRADED, stale=4))
    assert bar.state_text() == "Degraded (4 stale)"
    assert "4 symbols" in bar.indicator_tooltip()
    assert bar.status() == FeedStatus(FeedState.DEGRADED, stale=4)


def test_the_message_rate_is_shown_per_second(bar: FeedStatusBar) -> None:
    bar.set_rate(1834.4)
    assert bar.rate_text() == "1,834 msg/s"
    bar.set_rate(2.34)
    assert bar.rate_text() == "2.3 msg/s"
    bar.set_rate(-1)
    assert bar.rate_text() == "0.0 msg/s"


def test_the_demo_badge_follows_the_status_and_can_be_forced(bar: FeedStatusBar) -> None:
    assert not bar.is_demo_shown()
    bar.set_status(FeedStatus(FeedState.LIVE, demo=True))
    assert bar.is_demo_shown()
    badge = bar.findChild(QLabel, "demoBadge")
    assert badge is not None
    assert badge.text() == "DEMO DATA"
    assert "NOT real" in badge.toolTip()
    assert badge.isVisible()
    bar.set_status(FeedStatus(FeedState.LIVE))
    assert not bar.is_demo_shown()
    bar.set_demo(True)
    bar.set_status(FeedStatus(FeedState.OFFLINE, reason="no network"))
    assert bar.is_demo_shown()
    bar.set_demo(False)
    assert not bar.is_demo_shown()


def test_a_temporary_message_never_hides_the_indicator_or_the_badge(bar: FeedStatusBar) -> None:
    bar.set_demo(True)
    bar.showMessage("Saved watchlist", 10_000)
    badge = bar.findChild(QLabel, "demoBadge")
    state = bar.findChild(QLabel, "feedStateLabel")
    assert badge is not None and badge.isVisible()
    assert state is not None and state.isVisible()


def test_reconnecting_counts_down_live_and_the_tooltip_keeps_the_last_error(
    bar: FeedStatusBar, qtbot: QtBot
) -> None:
    import time

    status = FeedStatus(
        FeedState.RECONNECTING,
        reason="connection lost",
        attempt=3,
        retry_in_s=2.4,
        retry_at=time.monotonic() + 2.4,
        last_error="the server answered 605 (too many requests)",
    )
    bar.set_status(status)
    assert bar.state_text() == "Reconnecting in 2 s (attempt 3)"
    qtbot.waitUntil(lambda: bar.state_text() == "Reconnecting in 1 s (attempt 3)", timeout=3000)
    assert "605" in bar.indicator_tooltip()


def test_the_decode_backlog_shows_only_while_there_is_one(bar: FeedStatusBar) -> None:
    label = bar.findChild(QLabel, "feedBacklogLabel")
    assert label is not None
    bar.set_backlog(1234)
    assert not label.isHidden() and label.text() == "backlog 1,234"
    bar.set_backlog(0)
    assert label.isHidden()

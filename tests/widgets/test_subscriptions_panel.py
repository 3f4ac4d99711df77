"""View → Subscriptions: the toggle shows the report, re-read while shown, as plain text."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.widgets.subscriptions_panel import SubscriptionsPanel


def test_the_view_toggle_shows_the_report_and_it_follows_the_feed(qtbot: QtBot) -> None:
    panel = SubscriptionsPanel()
    qtbot.addWidget(panel)
    lines = ["Connection 1 (live): sent 24, accepted 24, ticking 5", "  not ticking: <b>X.US</b>"]
    panel.set_source(lambda: list(lines))
    panel.action.setChecked(True)
    assert panel.isVisible() and panel.text() == "\n".join(lines)  # markup stays text
    lines[0] = "Connection 1 (live): sent 24, accepted 24, ticking 24"
    qtbot.waitUntil(lambda: "ticking 24" in panel.text(), timeout=3000)
    panel.close()
    assert not panel.action.isChecked()

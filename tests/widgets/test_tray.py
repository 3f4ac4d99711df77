"""TrayNotifier: notifications only where a tray exists; the drawn alert icon."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from desktop.widgets.tray import TrayNotifier, alert_icon


def test_with_no_tray_nothing_is_shown_and_nothing_breaks(qtbot: QtBot) -> None:
    notifier = TrayNotifier(available=False)
    assert notifier.notify("Alert · AAPL.US", "AAPL.US traded 190.00") is False
    assert notifier.sent == 0
    notifier.hide()


def test_with_a_tray_a_notification_is_sent_when_the_platform_takes_messages(
    qtbot: QtBot,
) -> None:
    notifier = TrayNotifier(available=True)
    sent = notifier.notify("Alert · AAPL.US", "AAPL.US traded 190.00")
    assert sent is QSystemTrayIcon.supportsMessages()
    assert notifier.sent == int(sent)
    notifier.hide()


def test_the_alert_icon_is_an_amber_bell_on_a_dark_square(qtbot: QtBot) -> None:
    image = alert_icon(64).pixmap(64, 64).toImage()
    centre = image.pixelColor(32, 30)
    corner = image.pixelColor(4, 4)
    assert centre.red() > 200 and centre.blue() < 120  # amber
    assert corner.lightness() < 60  # dark

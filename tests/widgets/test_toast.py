"""Toasts: stacked in the corner, plain text, gone after their time or a click, at most four."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.widgets.toast import ToastHost
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)


def host(qtbot: QtBot) -> tuple[QWidget, ToastHost]:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    return window, ToastHost(window)


def test_toasts_stack_upwards_in_the_bottom_right_corner(qtbot: QtBot) -> None:
    window, toasts = host(qtbot)
    first = toasts.show_toast("Alert · AAPL.US", "one")
    second = toasts.show_toast("Alert · MSFT.US", "two")
    assert first.geometry().right() == second.geometry().right() > window.width() - 40
    assert second.geometry().bottom() > first.geometry().bottom()  # the newest at the bottom
    assert first.geometry().bottom() < second.geometry().top()
    assert second.geometry().bottom() <= window.height()
    assert not first.hasFocus() and first.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_text_is_shown_as_plain_text(qtbot: QtBot) -> None:
    _, toasts = host(qtbot)
    toast = toasts.show_toast("<b>x</b>", "<i>y</i>")
    assert toast.title.textFormat() == Qt.TextFormat.PlainText
    assert toast.body.text() == "<i>y</i>"


def test_a_toast_fades_away_after_its_time_and_a_click_dismisses_one(qtbot: QtBot) -> None:
    _, toasts = host(qtbot)
    short = toasts.show_toast("a", "gone soon", seconds=0.05)
    qtbot.waitUntil(lambda: not shiboken6.isValid(short), timeout=WAIT_MS)
    clicked = toasts.show_toast("b", "click me", seconds=60)
    qtbot.mouseClick(clicked, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: toasts.toasts() == [], timeout=WAIT_MS)


def test_only_the_four_newest_stay(qtbot: QtBot) -> None:
    _, toasts = host(qtbot)
    for i in range(6):
        toasts.show_toast(f"t{i}", "m", seconds=60)
    assert [t.title.text() for t in toasts.toasts()] == ["t2", "t3", "t4", "t5"]

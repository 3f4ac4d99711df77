"""Toasts: small frameless notes stacked in a window's bottom-right corner that fade away.

Non-modal and focus-free, so an alert never steals the keyboard from an order ticket. A click
dismisses one; at most four are shown, the oldest giving way.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEasingCurve, QEvent, QObject, QPropertyAnimation, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGraphicsOpacityEffect, QLabel, QVBoxLayout, QWidget

from desktop.qt.palette import colors

__all__ = ["Toast", "ToastHost"]


def _style(accent: str) -> str:
    return f"""
QFrame#toast {{ background: {colors().toast}; border: 1px solid {colors().edge};
               border-left: 3px solid {accent};
               border-radius: 4px; }}
QLabel#toastTitle {{ color: {colors().headline}; font-weight: 600; }}
QLabel#toastBody {{ color: {colors().toast_text}; }}
"""


_MARGIN = 14
_SPACING = 8
_WIDTH = 340


class Toast(QFrame):
    """One note: a title and a message, both plain text; fades out after `seconds`."""

    def __init__(
        self, title: str, message: str, accent: str, seconds: float, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_style(accent))
        self.setFixedWidth(_WIDTH)
        self.title = QLabel(title, self)
        self.title.setObjectName("toastTitle")
        self.body = QLabel(message, self)
        self.body.setObjectName("toastBody")
        for label in (self.title, self.body):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 9)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self._effect = QGraphicsOpacityEffect(self)
        self._effect.setOpacity(1.0)
        self.setGraphicsEffect(self._effect)
        self._fade = QPropertyAnimation(self._effect, b"opacity", self)
        self._fade.setDuration(600)
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.setEasingCurve(QEasingCurve.Type.InQuad)
        self._fade.finished.connect(self.deleteLater)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fade_out)
        self._timer.start(int(seconds * 1000))
        self.adjustSize()

    def fade_out(self) -> None:
        """Start fading (then the toast deletes itself)."""
        if self._fade.state() != QPropertyAnimation.State.Running:
            self._timer.stop()
            self._fade.start()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click dismisses the toast."""
        self.fade_out()
        event.accept()


class ToastHost(QObject):
    """Stacks toasts over the bottom-right corner of `window`, above its status bar."""

    MAX_VISIBLE = 4

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._toasts: list[Toast] = []
        window.installEventFilter(self)

    def show_toast(
        self, title: str, message: str, *, accent: str | None = None, seconds: float = 7.0
    ) -> Toast:
        """Show a note; returns it (tests look at it)."""
        toast = Toast(title, message, accent or colors().alert, seconds, self._window)
        toast.destroyed.connect(lambda *_: self._forget(toast))
        self._toasts.append(toast)
        while len(self._toasts) > self.MAX_VISIBLE:
            oldest = self._toasts.pop(0)
            oldest.hide()
            oldest.deleteLater()
        toast.show()
        toast.raise_()
        self._arrange()
        return toast

    def toasts(self) -> list[Toast]:
        """Toasts on screen, oldest first."""
        return list(self._toasts)

    def _forget(self, toast: Toast) -> None:
        if not shiboken6.isValid(self._window):
            return  # the window is going away and takes its toasts with it
        if toast in self._toasts:
            self._toasts.remove(toast)
            self._arrange()

    def _arrange(self) -> None:
        bottom = self._window.height() - _MARGIN
        status = self._window.findChild(QWidget, "feedStatusBar")
        if status is not None and status.isVisible():
            bottom -= status.height()
        for toast in reversed(self._toasts):
            toast.adjustSize()
            bottom -= toast.height()
            toast.move(self._window.width() - toast.width() - _MARGIN, bottom)
            bottom -= _SPACING

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the stack in the corner when the window is resized."""
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self._arrange()
        return False

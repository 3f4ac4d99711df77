"""A non-modal strip above the watchlist: "Reconnected — 42 symbols resubscribed, gap 12 s"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.qt.palette import colors, follow_theme

__all__ = ["ReconnectBanner"]

_STYLE = (
    "QFrame#reconnectBanner {{ background: {c.info_background}; border-bottom: 1px solid {c.info_edge}; }}"
    " QLabel#reconnectBannerText {{ color: {c.info_text}; }}"
    " QToolButton#reconnectBannerClose {{ color: {c.info_text}; border: none; padding: 0 6px; }}"
)


class ReconnectBanner(QFrame):
    """Shows one sentence for a few seconds (or until closed); never takes focus or blocks."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, *, visible_ms: int = 10_000) -> None:
        super().__init__(parent)
        self.setObjectName("reconnectBanner")
        follow_theme(self, lambda: self.setStyleSheet(_STYLE.format(c=colors())))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 3, 4, 3)
        icon = QLabel("⟳")
        icon.setObjectName("reconnectBannerText")
        self._text = QLabel()
        self._text.setObjectName("reconnectBannerText")
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        close = QToolButton()
        close.setObjectName("reconnectBannerClose")
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.dismiss)
        layout.addWidget(icon)
        layout.addWidget(self._text, 1)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(visible_ms)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_message(self, text: str) -> None:
        """Show `text` (plain text) and restart the auto-hide timer."""
        self._text.setText(text)
        self.show()
        self._timer.start()

    def dismiss(self) -> None:
        """Hide the banner."""
        self._timer.stop()
        if self.isVisible():
            self.hide()
            self.dismissed.emit()

    def text(self) -> str:
        """The sentence shown (tests)."""
        return self._text.text()

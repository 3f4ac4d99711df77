"""View → Subscriptions: what really streams, per connection (sent, accepted, ticking)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QHideEvent, QShowEvent
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from desktop.widgets.delegates import monospace_font

__all__ = ["SubscriptionsPanel"]


class SubscriptionsPanel(QWidget):
    """A tool window re-reading the feed's subscription report once a second while shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool)
        self.setObjectName("subscriptionsPanel")
        self.setWindowTitle("Subscriptions")
        self._text = QPlainTextEdit(self)
        self._text.setReadOnly(True)
        self._text.setFont(monospace_font(self.font()))
        layout = QVBoxLayout(self)
        layout.addWidget(self._text)
        self.resize(620, 260)
        self._source: Callable[[], list[str]] = lambda: ["No feed yet."]
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self.action = QAction("&Subscriptions", self)
        self.action.setCheckable(True)
        self.action.setToolTip("Per connection: codes sent, accepted and actually ticking")
        self.action.toggled.connect(self.setVisible)

    def set_source(self, source: Callable[[], list[str]]) -> None:
        """Where the report lines come from (the running feed)."""
        self._source = source
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Show the report as it is now (plain text: codes come from the network)."""
        self._text.setPlainText("\n".join(self._source()))

    def text(self) -> str:
        """What the panel shows."""
        return self._text.toPlainText()

    def showEvent(self, event: QShowEvent) -> None:
        """Refresh now and every second while shown."""
        self.refresh()
        self._timer.start()
        self.action.setChecked(True)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop refreshing while hidden."""
        self._timer.stop()
        self.action.setChecked(False)
        super().hideEvent(event)

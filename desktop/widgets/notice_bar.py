"""A non-modal message strip above the watchlist: confirmations, Undo offers, errors, recovery notes.

Never a dialog: the board keeps streaming while a question waits. Text is always plain (it can
carry file paths and names typed by the user), and a glyph says the kind, not only the colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

__all__ = ["NoticeBar"]

_GLYPHS = {"info": "i", "warning": "!", "error": "×", "question": "?"}
"""Drawn in a coloured disc (QSS): the letter tells the kind even without the colour."""
_TIMEOUT_MS = {"info": 6000, "warning": 12000, "error": 0, "question": 0}
"""How long a notice stays: errors and questions stay until answered or dismissed."""

NoticeAction = tuple[str, Callable[[], object]]


class NoticeBar(QFrame):
    """One message at a time, with optional buttons; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self._kind = "info"
        self._glyph = QLabel(self)
        self._glyph.setObjectName("noticeGlyph")
        self._glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._glyph.setFixedSize(18, 18)
        self._label = QLabel(self)
        self._label.setObjectName("noticeText")
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._buttons: list[QPushButton] = []
        self._close = QToolButton(self)
        self._close.setObjectName("noticeClose")
        self._close.setText("✕")
        self._close.setToolTip("Dismiss (Esc)")
        self._close.setAutoRaise(True)
        self._close.clicked.connect(self.dismiss)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(10, 5, 6, 5)
        self._layout.setSpacing(8)
        self._layout.addWidget(self._glyph)
        self._layout.addWidget(self._label, 1)
        self._layout.addWidget(self._close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_notice(
        self,
        kind: str,
        text: str,
        actions: Sequence[NoticeAction] = (),
        timeout_ms: int | None = None,
    ) -> None:
        """Show `text` (plain) with buttons; each button runs its callback, then closes the notice."""
        self._kind = kind if kind in _GLYPHS else "info"
        self.setProperty("kind", self._kind)
        self._glyph.setText(_GLYPHS[self._kind])
        self._label.setText(text)
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        for index, (label, callback) in enumerate(actions):
            button = QPushButton(label, self)
            button.setObjectName("noticeAction")
            button.setDefault(index == 0)
            button.clicked.connect(lambda _=False, run=callback: self._run(run))
            self._layout.insertWidget(self._layout.count() - 1, button)
            self._buttons.append(button)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        timeout = _TIMEOUT_MS[self._kind] if timeout_ms is None else timeout_ms
        if timeout > 0:
            self._timer.start(timeout)
        else:
            self._timer.stop()

    def _run(self, callback: Callable[[], object]) -> None:
        self.dismiss()
        callback()

    def dismiss(self) -> None:
        """Hide the notice (its buttons no longer apply)."""
        self._timer.stop()
        self.hide()

    def text(self) -> str:
        """The notice shown (or last shown)."""
        return self._label.text()

    def kind(self) -> str:
        """ "info", "warning", "error" or "question"."""
        return self._kind

    def is_sticky(self) -> bool:
        """True while the notice stays until answered or dismissed (no timeout running)."""
        return self.isVisible() and not self._timer.isActive()

    def buttons(self) -> list[QPushButton]:
        """The notice's action buttons, in order."""
        return list(self._buttons)

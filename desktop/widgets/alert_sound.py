"""The sound an alert makes when it fires: the system beep, per rule (on by default).

PySide6-Essentials ships no QtMultimedia (checked: `import PySide6.QtMultimedia` fails), so
there is no QSoundEffect for a bundled WAV; `QApplication.beep()` is the portable sound left.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from desktop.domain.alerts import AlertFiring

__all__ = ["AlertSound"]


class AlertSound(QObject):
    """Plays one sound for firings whose rule asks for it; `muted` silences every rule."""

    def __init__(
        self, play: Callable[[], None] = QApplication.beep, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._play = play
        self.muted = False
        self.played = 0

    def on_fired(self, firing: AlertFiring) -> None:
        """An alert fired (connected to `AlertCenter.fired`): beep if its rule wants a sound."""
        if self.muted or not firing.sound:
            return
        self.played += 1
        self._play()

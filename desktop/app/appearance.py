"""The user's appearance choices of a running board: loaded and applied before the window shows,
changed live from Settings → Appearance, and kept in the app database."""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtWidgets import QApplication

from desktop.domain.appearance import Appearance, Theme
from desktop.persistence.database import Database
from desktop.widgets.appearance_box import AppearanceBox, apply_appearance

__all__ = ["APPEARANCE_KEY", "AppAppearance"]

log = logging.getLogger("desktop")

APPEARANCE_KEY = "appearance"
"""`app_state` key of the appearance choices (JSON)."""


class AppAppearance:
    """Applies and stores `Appearance`; hooks the Settings dialog's Appearance group."""

    def __init__(self, app: QApplication, db: Database) -> None:
        self._app = app
        self._db = db
        try:
            stored = db.get_state(APPEARANCE_KEY)
        except sqlite3.Error as exc:
            log.error("appearance not read, using the defaults: %s", exc)
            stored = None
        self.current = Appearance.from_json(stored)
        apply_appearance(app, self.current)
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+: the OS switched dark mode
            hints.colorSchemeChanged.connect(self._system_scheme_changed)

    def _system_scheme_changed(self, *_args: object) -> None:
        if self.current.theme is Theme.SYSTEM:
            apply_appearance(self._app, self.current)

    def attach(self, box: AppearanceBox) -> None:
        """Show the current choices in `box` and apply what the user picks there."""
        box.set_appearance(self.current)
        box.changed.connect(self.change)

    def change(self, appearance: object) -> None:
        """Apply `appearance` now and keep it for the next start."""
        if not isinstance(appearance, Appearance) or appearance == self.current:
            return
        self.current = appearance
        apply_appearance(self._app, appearance)
        try:
            self._db.set_state(APPEARANCE_KEY, appearance.to_json())
        except sqlite3.Error as exc:
            log.error("appearance not saved: %s", exc)

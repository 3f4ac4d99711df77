"""Keeps the feed's outages in the app database and tells the status bar about recent ones."""

from __future__ import annotations

import logging
import sqlite3

import msgspec
from PySide6.QtCore import QObject, Signal

from desktop.domain.gaps import Gap
from desktop.persistence.gaps import GapRepository

__all__ = ["GapKeeper"]

log = logging.getLogger(__name__)


class GapKeeper(QObject):
    """Stores each gap the feed reports (added when it opens, updated as it ends and reconciles)."""

    gapsChanged = Signal(list)
    """The recent gaps, newest first (`list[Gap]`)."""
    gapRecorded = Signal(object)
    """One `Gap` of the running feed opened, ended or learnt what was missed (charts break)."""

    def __init__(
        self, repo: GapRepository | None, shown: int = 20, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._repo = repo
        self.shown = shown
        self._ids: dict[tuple[int, int], int] = {}
        self._recent: list[Gap] = []
        if repo is not None:
            try:
                self._recent = list(reversed(repo.recent(shown)))
            except sqlite3.Error as exc:
                log.warning("cannot read the gap ledger: %s", exc)

    def recent(self) -> list[Gap]:
        """Newest first."""
        return list(self._recent)

    def on_gap(self, gap: Gap) -> None:
        """A gap opened, ended or learnt what was missed: store it and announce the list."""
        key = (gap.connection, gap.start_ms)
        stored = gap
        if self._repo is not None:
            try:
                if key in self._ids:
                    stored = msgspec.structs.replace(gap, id=self._ids[key])
                    self._repo.update(stored)
                else:
                    stored = self._repo.add(gap)
                    if stored.id is not None:
                        self._ids[key] = stored.id
            except sqlite3.Error as exc:  # a full disk must not take the board down
                log.warning("cannot store a feed gap: %s", exc)
        kept = [g for g in self._recent if (g.connection, g.start_ms) != key]
        self._recent = sorted([stored, *kept], key=lambda g: g.start_ms, reverse=True)[: self.shown]
        self.gapRecorded.emit(stored)
        self.gapsChanged.emit(self.recent())

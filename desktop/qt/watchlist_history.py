"""Durable, undoable watchlist edits, and the undo history kept true to what SQLite holds.

An edit is committed to SQLite first (`WatchlistRepository`, one transaction), then shown (the
models), then pushed on the undo stack; if the COMMIT fails nothing changes on screen and the user
gets a sentence. The undo commands replay edits through the `write_*` primitives here. When another
process commits (`quoteboard import` while the app runs), the lists are reloaded and the history,
which would restore out-of-date orders, is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import SymbolError
from desktop.domain.watchlist import (
    StorageError,
    WatchlistNotFound,
    WatchlistSnapshot,
    WatchlistStore,
)
from desktop.qt.watchlist_commands import EditItemsCommand
from desktop.qt.watchlist_mirror import WatchlistMirror
from desktop.qt.watchlist_model import WatchlistEditor

__all__ = ["SAVE_FAILED", "WatchlistHistory"]

log = logging.getLogger(__name__)

SAVE_FAILED = (StorageError, OSError)
"""What a failed COMMIT raises: the user is told, nothing on screen changes."""


class WatchlistHistory(WatchlistMirror):
    """The mirrored lists plus the undo stack: commit, show, push; reload on outside commits."""

    notice = Signal(str, str)
    """(kind, text): "info", "warning" or "error", and a plain-text sentence for the user."""

    def __init__(
        self,
        repo: WatchlistStore,
        book: QuoteBook,
        editor: WatchlistEditor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(repo, book, editor, parent)
        self.undo_stack = QUndoStack(self)
        self._data_version = self._read_data_version()
        self._watch = QTimer(self)
        self._watch.setInterval(1500)
        self._watch.timeout.connect(self.check_external_changes)

    # -- external changes ---------------------------------------------------------------------
    def watch_external_changes(self, enabled: bool = True) -> None:
        """Poll for commits by other processes (`quoteboard import` while the app runs)."""
        if enabled:
            self._watch.start()
        else:
            self._watch.stop()

    def check_external_changes(self) -> bool:
        """Reload if another process committed since the last look; True if it did."""
        version = self._read_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        self.undo_stack.clear()  # the stored orders the history would restore are out of date
        self._sync()
        self.notice.emit(
            "info", "Your watchlists were changed outside the app and have been reloaded."
        )
        return True

    def _read_data_version(self) -> int:
        try:
            return self._repo.data_version()
        except StorageError:
            return -1

    # -- applying (also called by the undo commands) -------------------------------------------
    def _edit(self, text: str, changes: Mapping[int, Sequence[str]]) -> bool:
        """Commit new symbol orders for these lists, show them and push the undo step."""
        before = {list_id: self.symbols(list_id) for list_id in changes}
        try:
            self.write_items(changes)
        except (WatchlistNotFound, SymbolError, *SAVE_FAILED) as exc:
            self._save_failed(exc)
            return False
        self.undo_stack.push(EditItemsCommand(self, text, before, changes))
        return True

    def write_items(self, changes: Mapping[int, Sequence[str]]) -> None:
        """Commit these lists' symbols, then show them."""
        stored = self._repo.edit(changes)
        for list_id, symbols in stored.items():
            model = self._models.get(list_id)
            if model is not None:
                model.apply_symbols(symbols)
        self._sync(reload_items=False)

    def write_delete(self, list_id: int) -> WatchlistSnapshot:
        """Delete a list (undo/redo)."""
        snapshot = self._repo.delete(list_id)
        self._sync()
        return snapshot

    def write_restore(self, snapshot: WatchlistSnapshot) -> int:
        """Restore a list (undo/redo); returns its id."""
        info = self._repo.restore(snapshot)
        self._sync()
        return info.id

    def write_rename(self, list_id: int, name: str) -> None:
        """Rename a list (undo/redo)."""
        self._repo.rename(list_id, name)
        self._sync()

    def write_order(self, ids: Sequence[int]) -> None:
        """Reorder the lists (undo/redo)."""
        self._repo.reorder_lists(ids)
        self._sync()

    def undo_failed(self, action: str, error: Exception) -> None:
        """An undo/redo could not be applied: say so and show what is really stored."""
        self.notice.emit("error", f"{action} failed: {error}")
        self._sync()

    def _save_failed(self, error: Exception) -> None:
        """Log and tell the user; a list deleted elsewhere is reloaded away."""
        log.warning("watchlist edit failed: %s", error)
        if isinstance(error, WatchlistNotFound):
            self.notice.emit("warning", f"{error} It may have been deleted outside the app.")
            self._sync()
        else:
            self.notice.emit("error", f"Could not save the change ({error}); nothing was changed.")

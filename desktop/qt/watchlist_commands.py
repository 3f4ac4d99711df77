"""Undo commands for watchlist edits (QUndoStack lives in QtGui: no widgets needed).

Each command is pushed *after* its edit was committed, so its first `redo()` (which `push` calls)
does nothing; later redo/undo calls write to SQLite again. A command that can no longer be applied
(its list was deleted by a script, the disk is full) says so, makes itself obsolete, and the
session reloads from the database so the screen shows what is really stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from desktop.domain.symbols import SymbolError
from desktop.domain.watchlist import (
    StorageError,
    WatchlistNameError,
    WatchlistNotFound,
    WatchlistSnapshot,
)

__all__ = [
    "DeleteListCommand",
    "EditItemsCommand",
    "RenameListCommand",
    "ReorderListsCommand",
    "RestoreListCommand",
    "StoreActions",
]

_EXPECTED = (StorageError, WatchlistNotFound, WatchlistNameError, SymbolError)


class StoreActions(Protocol):
    """What commands need from the session: durable primitive edits plus error reporting."""

    def write_items(self, changes: Mapping[int, Sequence[str]]) -> None:
        """Store and show these lists' symbols."""
        ...

    def write_delete(self, list_id: int) -> WatchlistSnapshot:
        """Delete a list; returns its snapshot."""
        ...

    def write_restore(self, snapshot: WatchlistSnapshot) -> int:
        """Bring a deleted list back; returns its id."""
        ...

    def write_rename(self, list_id: int, name: str) -> None:
        """Rename a list."""
        ...

    def write_order(self, ids: Sequence[int]) -> None:
        """Reorder the lists."""
        ...

    def undo_failed(self, action: str, error: Exception) -> None:
        """Tell the user, and reload what is stored."""
        ...


class _StoreCommand(QUndoCommand):
    """Skips the first redo (the edit is already committed) and turns errors into a message."""

    def __init__(self, store: StoreActions, text: str) -> None:
        super().__init__(text)
        self._store = store
        self._fresh = True

    def _run(self, action: str, step: Callable[[], None]) -> None:
        try:
            step()
        except _EXPECTED as exc:
            self.setObsolete(True)
            self._store.undo_failed(f"{action} {self.text()}", exc)

    def redo(self) -> None:
        """Re-apply (skipped right after `push`: the edit was made before)."""
        if self._fresh:
            self._fresh = False
            return
        self._run("Redo", self._forward)

    def undo(self) -> None:
        """Revert."""
        self._run("Undo", self._backward)

    def _forward(self) -> None:
        raise NotImplementedError

    def _backward(self) -> None:
        raise NotImplementedError


class EditItemsCommand(_StoreCommand):
    """Symbols added, removed, reordered, or moved between lists: full before/after orders."""

    def __init__(
        self,
        store: StoreActions,
        text: str,
        before: Mapping[int, Sequence[str]],
        after: Mapping[int, Sequence[str]],
    ) -> None:
        super().__init__(store, text)
        self._before = {k: list(v) for k, v in before.items()}
        self._after = {k: list(v) for k, v in after.items()}

    def _forward(self) -> None:
        self._store.write_items(self._after)

    def _backward(self) -> None:
        self._store.write_items(self._before)


class DeleteListCommand(_StoreCommand):
    """A deleted list; undo brings it back with its symbols and view state."""

    def __init__(self, store: StoreActions, snapshot: WatchlistSnapshot) -> None:
        super().__init__(store, f"Delete List “{snapshot.name}”")
        self._snapshot = snapshot

    def _forward(self) -> None:
        self._snapshot = self._store.write_delete(self._snapshot.id)

    def _backward(self) -> None:
        restored = self._store.write_restore(self._snapshot)
        if restored != self._snapshot.id:
            self._snapshot = _with_id(self._snapshot, restored)


class RestoreListCommand(_StoreCommand):
    """A created (or imported) list; undo deletes it again."""

    def __init__(self, store: StoreActions, snapshot: WatchlistSnapshot, text: str) -> None:
        super().__init__(store, text)
        self._snapshot = snapshot

    def _forward(self) -> None:
        restored = self._store.write_restore(self._snapshot)
        if restored != self._snapshot.id:
            self._snapshot = _with_id(self._snapshot, restored)

    def _backward(self) -> None:
        self._snapshot = self._store.write_delete(self._snapshot.id)


class RenameListCommand(_StoreCommand):
    """A renamed list."""

    def __init__(self, store: StoreActions, list_id: int, old: str, new: str) -> None:
        super().__init__(store, f"Rename List “{old}” to “{new}”")
        self._list_id, self._old, self._new = list_id, old, new

    def _forward(self) -> None:
        self._store.write_rename(self._list_id, self._new)

    def _backward(self) -> None:
        self._store.write_rename(self._list_id, self._old)


class ReorderListsCommand(_StoreCommand):
    """Tabs dragged into a new order."""

    def __init__(self, store: StoreActions, old: Sequence[int], new: Sequence[int]) -> None:
        super().__init__(store, "Reorder Lists")
        self._old, self._new = list(old), list(new)

    def _forward(self) -> None:
        self._store.write_order(self._new)

    def _backward(self) -> None:
        self._store.write_order(self._old)


def _with_id(snapshot: WatchlistSnapshot, list_id: int) -> WatchlistSnapshot:
    return WatchlistSnapshot(
        list_id, snapshot.name, snapshot.position, snapshot.symbols, snapshot.view
    )

"""Every watchlist of the board: one model per list over the shared book, durable undoable edits.

An edit is committed to SQLite first (`WatchlistRepository`, one transaction), then shown (the
models), then pushed on the undo stack; if the COMMIT fails nothing changes on screen and the user
gets a sentence. `symbolsChanged` carries the union of all lists whenever it changes: that is what
the feed streams, so one drop of 50 symbols is one subscription change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from desktop.domain.list_text import ListFormat, ListParseError, format_list, parse_list
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import SymbolError
from desktop.domain.watchlist import (
    StorageError,
    ViewState,
    WatchlistInfo,
    WatchlistNameError,
    WatchlistNotFound,
    WatchlistSnapshot,
    WatchlistStore,
    canonical,
    moved_order,
)
from desktop.qt.symbol_mime import SymbolPayload
from desktop.qt.watchlist_commands import (
    DeleteListCommand,
    EditItemsCommand,
    RenameListCommand,
    ReorderListsCommand,
    RestoreListCommand,
)
from desktop.qt.watchlist_model import WatchlistTableModel

__all__ = ["WatchlistSession"]

log = logging.getLogger(__name__)

_SAVE_FAILED = (StorageError, OSError)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class ListRows:
    """Every list's rows at once, for per-symbol row state: freshness and "not streaming" notes."""

    def __init__(self, session: WatchlistSession) -> None:
        self._session = session

    def symbols(self) -> list[str]:
        """The union of all lists."""
        return self._session.all_symbols()

    def set_row_freshness(self, symbol: str, text: str | None, dim: bool) -> None:
        """Age text and dimming, on every list showing `symbol`."""
        for model in self._session.models():
            model.set_row_freshness(symbol, text, dim)

    def set_notes(self, notes: Mapping[str, str]) -> None:
        """Rows the feed cannot stream say why; every other row's note is cleared."""
        for model in self._session.models():
            for symbol in model.symbols():
                model.set_row_note(symbol, notes.get(symbol))


class WatchlistSession(QObject):
    """The lists, their models and the undo stack; widgets call these methods, app.py wires it."""

    listsChanged = Signal()
    """Lists were added, removed, renamed, reordered, or their counts changed."""
    symbolsChanged = Signal(list)
    """The union of every list's symbols changed (the feed's desired set)."""
    modelAdded = Signal(object)
    """A new `WatchlistTableModel` (the flush loop must refresh it)."""
    modelRemoved = Signal(object)
    """A model that no longer shows a list."""
    notice = Signal(str, str)
    """(kind, text): "info", "warning" or "error", and a plain-text sentence for the user."""
    revealed = Signal(int, list)
    """(list id, symbols): just added or already present — select and scroll to them."""
    listDeleted = Signal(str)
    """The name of a list just deleted (the UI offers Undo)."""

    def __init__(
        self,
        repo: WatchlistStore,
        book: QuoteBook,
        name_of: Callable[[str], str] = lambda code: "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._repo = repo
        self._book = book
        self._name_of = name_of
        self._models: dict[int, WatchlistTableModel] = {}
        self._lists: list[WatchlistInfo] = []
        self._union: frozenset[str] = frozenset()
        self.undo_stack = QUndoStack(self)
        self._data_version = self._read_data_version()
        self._watch = QTimer(self)
        self._watch.setInterval(1500)
        self._watch.timeout.connect(self.check_external_changes)
        self._sync()

    # -- reading ------------------------------------------------------------------------------
    def lists(self) -> list[WatchlistInfo]:
        """Lists in tab order, with counts."""
        return list(self._lists)

    def info(self, list_id: int) -> WatchlistInfo | None:
        """One list, or None."""
        return next((info for info in self._lists if info.id == list_id), None)

    def model(self, list_id: int) -> WatchlistTableModel | None:
        """The table model of a list."""
        return self._models.get(list_id)

    def models(self) -> list[WatchlistTableModel]:
        """Every list's model, in tab order."""
        return [self._models[info.id] for info in self._lists if info.id in self._models]

    def all_symbols(self) -> list[str]:
        """The union of all lists (tab order, then row order): what the feed streams."""
        return list(dict.fromkeys(s for m in self.models() for s in m.list_symbols()))

    def symbols(self, list_id: int) -> list[str]:
        """A list's symbols in its own order."""
        model = self._models.get(list_id)
        return model.list_symbols() if model is not None else []

    def clear_rows(self, between: Callable[[], object] = lambda: None) -> None:
        """A new feed: empty every table, run `between` (forget the old book), refill the lists."""
        kept = [(model, model.list_symbols()) for model in self.models()]
        for model, _ in kept:
            model.set_symbols([])
        between()
        for model, symbols in kept:
            model.apply_symbols(symbols)

    def rows(self) -> ListRows:
        """All lists' rows as one target (the freshness monitor, plan-limit notes)."""
        return ListRows(self)

    def name_of(self, code: str) -> str:
        """The bundled name of a symbol ("" when unknown)."""
        return self._name_of(code)

    # -- symbol edits -------------------------------------------------------------------------
    def add_symbols(
        self, list_id: int, symbols: Sequence[str], before: str | None = None
    ) -> list[str]:
        """Insert new symbols before `before` (None: at the end); those already there flash."""
        try:
            wanted = canonical(symbols)
        except SymbolError as exc:
            self.notice.emit("warning", str(exc))
            return []
        current = self.symbols(list_id)
        added = [s for s in wanted if s not in current]
        present = [s for s in wanted if s in current]
        if added:
            at = current.index(before) if before in current else len(current)
            after = current[:at] + added + current[at:]
            text = f"Add {added[0]}" if len(added) == 1 else f"Add {_plural(len(added), 'Symbol')}"
            if not self._edit(text, {list_id: after}):
                return []
        self._reveal(list_id, added + present)
        if present and not added:
            already = present[0] if len(present) == 1 else _plural(len(present), "symbol")
            self.notice.emit(
                "info", f"{already} {'is' if len(present) == 1 else 'are'} already on this list."
            )
        return added

    def remove_symbols(self, list_id: int, symbols: Sequence[str]) -> bool:
        """Take symbols off a list (Delete key); undoable."""
        current = self.symbols(list_id)
        doomed = set(symbols) & set(current)
        if not doomed:
            return False
        text = (
            f"Remove {next(iter(doomed))}"
            if len(doomed) == 1
            else f"Remove {_plural(len(doomed), 'Symbol')}"
        )
        return self._edit(text, {list_id: [s for s in current if s not in doomed]})

    def move_within(self, list_id: int, symbols: Sequence[str], before: str | None) -> bool:
        """Reorder rows by hand; undoable."""
        current = self.symbols(list_id)
        after = moved_order(current, symbols, before)
        if after == current:
            return False
        text = (
            f"Move {symbols[0]}" if len(symbols) == 1 else f"Move {_plural(len(symbols), 'Symbol')}"
        )
        return self._edit(text, {list_id: after})

    def transfer(
        self, source: int, target: int, symbols: Sequence[str], before: str | None, copy: bool
    ) -> bool:
        """Move (or copy) symbols from one list to another in one transaction; undoable."""
        if source == target or target not in self._models:
            return False
        if copy or source not in self._models:
            return bool(self.add_symbols(target, symbols, before))
        src, dst = self.symbols(source), self.symbols(target)
        moving = [s for s in dict.fromkeys(symbols) if s in src]
        if not moving:
            return False
        new = [s for s in moving if s not in dst]
        at = dst.index(before) if before in dst else len(dst)
        changes = {
            source: [s for s in src if s not in set(moving)],
            target: dst[:at] + new + dst[at:],
        }
        target_info = self.info(target)
        name = target_info.name if target_info else "another list"
        what = moving[0] if len(moving) == 1 else _plural(len(moving), "Symbol")
        if not self._edit(f"Move {what} to “{name}”", changes):
            return False
        self._reveal(target, moving)
        return True

    def drop(self, list_id: int, payload: SymbolPayload, before: str | None, copy: bool) -> bool:
        """A drop on a list's table or tab: reorder, move/copy from another list, or add."""
        if payload.errors:
            self._tell_bad_text(payload)
        symbols = list(payload.symbols)
        if not symbols:
            return False
        source = payload.source_list
        if source == list_id:
            if copy:
                self._reveal(list_id, symbols)
                return False
            model = self._models.get(list_id)
            if model is not None and model.sort_column() >= 0:
                self.notice.emit(
                    "info",
                    "This list is sorted by a column, so rows cannot be moved "
                    "by hand: View → Restore Watchlist Order (Ctrl+Shift+R) first.",
                )
                return False
            return self.move_within(list_id, symbols, before)
        if source is not None and source in self._models:
            return self.transfer(source, list_id, symbols, before, copy)
        return bool(self.add_symbols(list_id, symbols, before))

    def paste_text(self, list_id: int, payload: SymbolPayload) -> bool:
        """Ctrl+V or Enter in the search box: add what the text names, report what it does not."""
        return self.drop(list_id, SymbolPayload(payload.symbols, None, payload.errors), None, True)

    def _tell_bad_text(self, payload: SymbolPayload) -> None:
        first = payload.errors[0]
        more = len(payload.errors) - 1
        suffix = (
            f" (and {_plural(more, 'other part')} that {'is' if more == 1 else 'are'} not symbols either)"
            if more
            else ""
        )
        self.notice.emit("warning", first + suffix)

    def _reveal(self, list_id: int, symbols: Sequence[str]) -> None:
        model = self._models.get(list_id)
        if model is not None and symbols:
            model.flash_symbols(symbols)
            self.revealed.emit(list_id, list(symbols))

    # -- list edits ---------------------------------------------------------------------------
    def create_list(
        self, name: str | None = None, symbols: Sequence[str] = ()
    ) -> WatchlistInfo | None:
        """A new list at the end (named "Watchlist N" unless given); undoable."""
        try:
            info = self._repo.create(self._repo.unique_name(name or "Watchlist"), symbols)
        except (WatchlistNameError, SymbolError) as exc:
            self.notice.emit("warning", str(exc))
            return None
        except _SAVE_FAILED as exc:
            self._save_failed(exc)
            return None
        self._sync()
        snapshot = WatchlistSnapshot(
            info.id, info.name, info.position, tuple(self._repo.symbols(info.id))
        )
        self.undo_stack.push(RestoreListCommand(self, snapshot, f"New List “{info.name}”"))
        return info

    def rename_list(self, list_id: int, name: str) -> bool:
        """Rename a list (unique, case-insensitive); undoable."""
        info = self.info(list_id)
        if info is None or name.strip() == info.name:
            return False
        try:
            renamed = self._repo.rename(list_id, name)
        except (WatchlistNameError, WatchlistNotFound) as exc:
            self.notice.emit("warning", str(exc))
            return False
        except _SAVE_FAILED as exc:
            self._save_failed(exc)
            return False
        self._sync()
        self.undo_stack.push(RenameListCommand(self, list_id, info.name, renamed.name))
        return True

    def delete_list(self, list_id: int) -> bool:
        """Delete a list (never the last one); undoable with Ctrl+Z or the notice's Undo."""
        if len(self._lists) <= 1 or self.info(list_id) is None:
            return False
        try:
            snapshot = self._repo.delete(list_id)
        except (WatchlistNotFound, *_SAVE_FAILED) as exc:
            self._save_failed(exc)
            return False
        self._sync()
        self.undo_stack.push(DeleteListCommand(self, snapshot))
        self.listDeleted.emit(snapshot.name)
        return True

    def reorder_lists(self, ids: Sequence[int]) -> bool:
        """Tabs dragged into a new order; undoable."""
        old = [info.id for info in self._lists]
        if list(ids) == old:
            return False
        try:
            self._repo.reorder_lists(ids)
        except _SAVE_FAILED as exc:
            self._save_failed(exc)
            return False
        self._sync()
        self.undo_stack.push(ReorderListsCommand(self, old, [info.id for info in self._lists]))
        return True

    # -- files --------------------------------------------------------------------------------
    def import_file(self, path: Path) -> WatchlistInfo | None:
        """Add a CSV/text file's symbols to the list named after the file (created when missing)."""
        try:
            text = self._repo.read_list_file(path)
            parsed = parse_list(text, ListFormat.for_filename(path.name), path.name)
        except ListParseError as exc:
            self.notice.emit("error", str(exc))
            return None
        codes = [str(symbol) for symbol in parsed.symbols]
        existing = self._repo.find(path.stem)
        if existing is not None and existing.id in self._models:
            added = self.add_symbols(existing.id, codes)
            self.notice.emit(
                "info",
                f"Added {_plural(len(added), 'symbol')} from {path.name} to “{existing.name}”.",
            )
            return self.info(existing.id)
        info = self.create_list(path.stem, codes)
        if info is not None:
            self.notice.emit(
                "info",
                f"Imported {_plural(len(codes), 'symbol')} from {path.name} as “{info.name}”.",
            )
        return info

    def export_list(self, list_id: int, path: Path) -> bool:
        """Write a list as CSV (`.csv`) or text (anything else)."""
        info = self.info(list_id)
        if info is None:
            return False
        text = format_list(self.symbols(list_id), ListFormat.for_filename(path.name), self._name_of)
        try:
            self._repo.write_list_file(path, text)
        except OSError as exc:
            self.notice.emit("error", f"Could not write {path}: {exc.strerror or exc}.")
            return False
        self.notice.emit(
            "info", f"Exported “{info.name}” ({_plural(info.count, 'symbol')}) to {path}."
        )
        return True

    # -- view state and the active list -------------------------------------------------------
    def view_state(self, list_id: int) -> ViewState:
        """A list's saved columns and sort."""
        return self._repo.view_state(list_id)

    def save_view_state(self, list_id: int, state: ViewState) -> None:
        """Remember a list's columns and sort (not undoable: it is how you look, not what you keep)."""
        if list_id not in self._models:
            return
        try:
            self._repo.set_view_state(list_id, state)
        except _SAVE_FAILED as exc:
            log.warning("could not save the view of list %s: %s", list_id, exc)

    def active_list(self) -> int | None:
        """The list shown when the app last ran."""
        return self._repo.active_list()

    def set_active_list(self, list_id: int) -> None:
        """Remember the list shown now; only it is formatted on every flush."""
        for other_id, model in self._models.items():
            model.set_live(other_id == list_id)
        try:
            self._repo.set_active_list(list_id)
        except _SAVE_FAILED as exc:
            log.warning("could not remember the active list: %s", exc)

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
        before = {list_id: self.symbols(list_id) for list_id in changes}
        try:
            self.write_items(changes)
        except (WatchlistNotFound, SymbolError, *_SAVE_FAILED) as exc:
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
        log.warning("watchlist edit failed: %s", error)
        if isinstance(error, WatchlistNotFound):
            self.notice.emit("warning", f"{error} It may have been deleted outside the app.")
            self._sync()
        else:
            self.notice.emit("error", f"Could not save the change ({error}); nothing was changed.")

    def _sync(self, reload_items: bool = True) -> None:
        """Bring lists and models in line with the database; emit what changed."""
        lists = self._repo.lists()
        ids = {info.id for info in lists}
        for list_id in [i for i in self._models if i not in ids]:
            model = self._models.pop(list_id)
            self.modelRemoved.emit(model)
            model.deleteLater()
        for info in lists:
            existing = self._models.get(info.id)
            if existing is None:
                model = WatchlistTableModel(self._book, info.id, self, self)
                model.set_live(False)
                model.apply_symbols(self._repo.symbols(info.id))
                self._models[info.id] = model
                self.modelAdded.emit(model)
            elif reload_items:
                stored = self._repo.symbols(info.id)
                if stored != existing.list_symbols():
                    existing.apply_symbols(stored)
        changed = lists != self._lists
        self._lists = lists
        if changed:
            self.listsChanged.emit()
        union = frozenset(self.all_symbols())
        if union != self._union:
            self._union = union
            self.symbolsChanged.emit(self.all_symbols())

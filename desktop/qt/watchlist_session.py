"""Every watchlist of the board, as the widgets edit it: symbol and list edits, files, view state.

Each method turns a user's intent (a drop, Delete, a new tab, an import) into one durable,
undoable edit of `WatchlistHistory`, and says in a sentence what it did or why it could not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.domain.list_text import (
    ListFormat,
    ListParseError,
    ParsedList,
    format_list,
    parse_list,
)
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import SymbolError
from desktop.domain.watchlist import (
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
    RenameListCommand,
    ReorderListsCommand,
    RestoreListCommand,
)
from desktop.qt.watchlist_history import SAVE_FAILED, WatchlistHistory

__all__ = ["WatchlistSession"]

log = logging.getLogger(__name__)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class WatchlistSession(WatchlistHistory):
    """The lists, their models and the undo stack; widgets call these methods, the app package wires it."""

    revealed = Signal(int, list)
    """(list id, symbols): just added or already present — select and scroll to them."""
    listDeleted = Signal(str)
    """The name of a list just deleted (the UI offers Undo)."""
    importProgress = Signal(str, int)
    """(file name, percent read) while a large import is parsed off the GUI thread."""

    LARGE_IMPORT_BYTES = 256 * 1024
    """Files from this size on are read and parsed in a worker thread, with progress."""

    def __init__(
        self,
        repo: WatchlistStore,
        book: QuoteBook,
        name_of: Callable[[str], str] = lambda code: "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(repo, book, self, parent)  # the tables' drops and moves come here
        self._name_of = name_of

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
        except SAVE_FAILED as exc:
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
        except SAVE_FAILED as exc:
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
        except (WatchlistNotFound, *SAVE_FAILED) as exc:
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
        except SAVE_FAILED as exc:
            self._save_failed(exc)
            return False
        self._sync()
        self.undo_stack.push(ReorderListsCommand(self, old, [info.id for info in self._lists]))
        return True

    # -- files --------------------------------------------------------------------------------
    def import_file(self, path: Path) -> WatchlistInfo | None:
        """Add a CSV/text file's symbols to the list named after the file (created when missing)."""
        try:
            parsed = self._read_and_parse(path)
        except ListParseError as exc:
            self.notice.emit("error", str(exc))
            return None
        return self._apply_import(path, parsed)

    def is_large_import(self, path: Path) -> bool:
        """True for a file big enough to be imported in the background (see `import_in_background`)."""
        try:
            return path.stat().st_size >= self.LARGE_IMPORT_BYTES
        except OSError:
            return False

    async def import_in_background(self, path: Path) -> WatchlistInfo | None:
        """`import_file`, with the reading and parsing in a worker thread: the board and the feed
        keep running, and `importProgress` reports how far it got."""
        loop = asyncio.get_running_loop()
        name = path.name

        def report(fraction: float) -> None:
            loop.call_soon_threadsafe(self.importProgress.emit, name, int(fraction * 100))

        self.importProgress.emit(name, 0)
        try:
            parsed = await asyncio.to_thread(self._read_and_parse, path, report)
        except ListParseError as exc:
            self.notice.emit("error", str(exc))
            return None
        return self._apply_import(path, parsed)

    def _read_and_parse(
        self, path: Path, progress: Callable[[float], None] | None = None
    ) -> ParsedList:
        text = self._repo.read_list_file(path)
        return parse_list(text, ListFormat.for_filename(path.name), path.name, progress)

    def _apply_import(self, path: Path, parsed: ParsedList) -> WatchlistInfo | None:
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
        except SAVE_FAILED as exc:
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
        except SAVE_FAILED as exc:
            log.warning("could not remember the active list: %s", exc)

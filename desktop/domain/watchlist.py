"""Watchlist records shared by storage, models and widgets, and the storage port they are kept in.

`WatchlistStore` is what the Qt session needs from storage; `persistence.watchlists` implements it
with SQLite and the app package plugs it in, so nothing above persistence imports sqlite3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from desktop.domain.symbols import Symbol
from desktop.domain.text_safety import strip_bidi

__all__ = [
    "MAX_NAME_LENGTH",
    "ColumnState",
    "StorageError",
    "ViewState",
    "WatchlistInfo",
    "WatchlistNameError",
    "WatchlistNotFound",
    "WatchlistSnapshot",
    "WatchlistStore",
    "canonical",
    "clean_name",
    "moved_order",
]

MAX_NAME_LENGTH = 40


class WatchlistNameError(ValueError):
    """A list name that is empty, too long, or already taken; the message says which."""


class WatchlistNotFound(LookupError):
    """No list with that id or name (it may have been deleted by another window or a script)."""


class StorageError(RuntimeError):
    """The store could not read or write (disk full, file locked too long): nothing was changed."""


@dataclass(frozen=True, slots=True)
class WatchlistInfo:
    """A list as the tabs show it."""

    id: int
    name: str
    position: int
    count: int = 0


@dataclass(frozen=True, slots=True)
class ColumnState:
    """One column of a list's table: its stable key, width in pixels, and whether it is hidden."""

    key: str
    width: int
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class ViewState:
    """How a list's table looks: columns in visual order, and the sort (None: the list's own order)."""

    columns: tuple[ColumnState, ...] = ()
    sort_column: str | None = None
    sort_descending: bool = False


@dataclass(frozen=True, slots=True)
class WatchlistSnapshot:
    """Everything about a deleted list, so an undo brings it back exactly (same id and place)."""

    id: int
    name: str
    position: int
    symbols: tuple[str, ...]
    view: ViewState = field(default_factory=ViewState)


def clean_name(name: str) -> str:
    """A list name as stored: whitespace collapsed, bidirectional controls removed; raises
    `WatchlistNameError` when unusable."""
    cleaned = re.sub(r"\s+", " ", strip_bidi(name)).strip()
    if not cleaned:
        raise WatchlistNameError("A list needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise WatchlistNameError(f"List names are at most {MAX_NAME_LENGTH} characters.")
    return cleaned


def canonical(symbols: Iterable[str]) -> list[str]:
    """Canonical codes, each once, in order; raises `SymbolError` on a malformed one."""
    return list(dict.fromkeys(str(Symbol.parse(text)) for text in symbols))


def moved_order(current: Sequence[str], symbols: Sequence[str], before: str | None) -> list[str]:
    """`current` with `symbols` taken out and put back, in their given order, just before `before`.

    Dropped onto one of the moved rows itself, the block anchors on the next row that stays put.
    """
    moving = [s for s in dict.fromkeys(symbols) if s in current]
    moving_set = set(moving)
    if before in moving_set:
        at = list(current).index(before)
        before = next((s for s in current[at:] if s not in moving_set), None)
    rest = [s for s in current if s not in moving_set]
    at = rest.index(before) if before in rest else len(rest)
    return rest[:at] + moving + rest[at:]


class WatchlistStore(Protocol):
    """Durable watchlists: every write is committed before it returns, or raises `StorageError`."""

    def lists(self) -> list[WatchlistInfo]:
        """All lists in tab order, with counts."""
        ...

    def symbols(self, list_id: int) -> list[str]:
        """A list's symbols in order."""
        ...

    def find(self, name: str) -> WatchlistInfo | None:
        """The list with this name (case-insensitive)."""
        ...

    def unique_name(self, base: str) -> str:
        """`base`, or `base 2`, … — a name no list has."""
        ...

    def create(
        self, name: str, symbols: Iterable[str] = (), position: int | None = None
    ) -> WatchlistInfo:
        """A new list."""
        ...

    def rename(self, list_id: int, name: str) -> WatchlistInfo:
        """Rename a list."""
        ...

    def delete(self, list_id: int) -> WatchlistSnapshot:
        """Delete a list; the snapshot restores it."""
        ...

    def restore(self, snapshot: WatchlistSnapshot) -> WatchlistInfo:
        """Bring a deleted list back."""
        ...

    def reorder_lists(self, ids: Sequence[int]) -> None:
        """Put the lists in this order."""
        ...

    def edit(self, changes: Mapping[int, Sequence[str]]) -> dict[int, list[str]]:
        """Set several lists' symbols in one transaction; returns what was stored."""
        ...

    def view_state(self, list_id: int) -> ViewState:
        """A list's saved columns and sort."""
        ...

    def set_view_state(self, list_id: int, state: ViewState) -> None:
        """Save a list's columns and sort."""
        ...

    def active_list(self) -> int | None:
        """The list shown last."""
        ...

    def set_active_list(self, list_id: int) -> None:
        """Remember the list shown now."""
        ...

    def data_version(self) -> int:
        """Changes when another process commits (poll it to notice `quoteboard import`)."""
        ...

    def read_list_file(self, path: Path) -> str:
        """An import file's text; raises `ListParseError` saying why it cannot be read."""
        ...

    def write_list_file(self, path: Path, text: str) -> None:
        """Write an export (atomically); raises `OSError`."""
        ...

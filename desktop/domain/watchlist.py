"""Watchlist records shared by storage, models and widgets: a list, its view state, its name rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "MAX_NAME_LENGTH",
    "ColumnState",
    "ViewState",
    "WatchlistInfo",
    "WatchlistNameError",
    "WatchlistSnapshot",
    "clean_name",
]

MAX_NAME_LENGTH = 40


class WatchlistNameError(ValueError):
    """A list name that is empty, too long, or already taken; the message says which."""


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
    """A list name as stored: whitespace collapsed; raises `WatchlistNameError` when unusable."""
    cleaned = re.sub(r"\s+", " ", name).strip()
    if not cleaned:
        raise WatchlistNameError("A list needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise WatchlistNameError(f"List names are at most {MAX_NAME_LENGTH} characters.")
    return cleaned

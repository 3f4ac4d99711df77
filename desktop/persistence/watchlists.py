"""Watchlists in SQLite: ordered lists of ordered symbols, plus each list's view state.

Every public method that changes something is one `BEGIN IMMEDIATE … COMMIT` transaction and returns
only after the COMMIT: when it returns, the edit survives a crash (WAL; see README "Watchlists").
Symbols are stored in canonical form (`00700.HK`); positions are kept dense (0, 1, 2, …).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from desktop.domain.watchlist import (
    MAX_NAME_LENGTH,
    ColumnState,
    StorageError,
    ViewState,
    WatchlistInfo,
    WatchlistNameError,
    WatchlistNotFound,
    WatchlistSnapshot,
    canonical,
    clean_name,
)
from desktop.persistence import list_files
from desktop.persistence.database import Database

__all__ = ["WatchlistRepository"]

_ACTIVE_KEY = "active_watchlist"
_SEEDED_KEY = "watchlists_seeded"


class WatchlistRepository:
    """Reads and writes watchlists through one `Database` (the SQLite `WatchlistStore`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction; a SQLite failure (disk full, locked too long) becomes `StorageError`."""
        try:
            with self.db.transaction() as c:
                yield c
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):  # a closed connection has nothing to undo
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
            raise StorageError(f"the watchlists could not be saved ({exc})") from exc

    # -- reading ------------------------------------------------------------------------------
    def lists(self) -> list[WatchlistInfo]:
        """All lists in tab order, with their symbol counts."""
        rows = self.db.conn.execute(
            "SELECT w.id, w.name, w.position, COUNT(i.symbol) FROM watchlists w "
            "LEFT JOIN watchlist_items i ON i.watchlist_id = w.id "
            "GROUP BY w.id ORDER BY w.position, w.id"
        ).fetchall()
        return [WatchlistInfo(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]

    def get(self, list_id: int) -> WatchlistInfo:
        """One list; raises `WatchlistNotFound`."""
        for info in self.lists():
            if info.id == list_id:
                return info
        raise WatchlistNotFound(f"There is no watchlist with id {list_id}.")

    def find(self, name: str) -> WatchlistInfo | None:
        """The list with this name (case-insensitive), or None."""
        wanted = re.sub(r"\s+", " ", name).strip().casefold()
        return next((info for info in self.lists() if info.name.casefold() == wanted), None)

    def symbols(self, list_id: int) -> list[str]:
        """The list's symbols in order."""
        return self._symbols(self.db.conn, list_id)

    @staticmethod
    def _symbols(conn: sqlite3.Connection, list_id: int) -> list[str]:
        rows = conn.execute(
            "SELECT symbol FROM watchlist_items WHERE watchlist_id=? ORDER BY position, rowid",
            (list_id,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def all_symbols(self) -> list[str]:
        """The union of every list's symbols (tab order, then row order): what the feed streams."""
        rows = self.db.conn.execute(
            "SELECT i.symbol FROM watchlist_items i JOIN watchlists w ON w.id = i.watchlist_id "
            "ORDER BY w.position, w.id, i.position"
        ).fetchall()
        return list(dict.fromkeys(str(r[0]) for r in rows))

    def unique_name(self, base: str) -> str:
        """`base`, or `base 2`, `base 3`… — the first name no list has."""
        base = clean_name(base)[: MAX_NAME_LENGTH - 4]
        taken = {info.name.casefold() for info in self.lists()}
        if base.casefold() not in taken:
            return base
        n = 2
        while f"{base} {n}".casefold() in taken:
            n += 1
        return f"{base} {n}"

    # -- lists --------------------------------------------------------------------------------
    def create(
        self, name: str, symbols: Iterable[str] = (), position: int | None = None
    ) -> WatchlistInfo:
        """A new list (at the end unless `position`), committed with its symbols."""
        name = clean_name(name)
        items = canonical(symbols)
        with self._tx() as c:
            list_id = self._insert_list(c, None, self._free_name(name), position)
            self._write(c, list_id, items)
        return self.get(list_id)

    def rename(self, list_id: int, name: str) -> WatchlistInfo:
        """Give a list a new name (unique, case-insensitive)."""
        name = clean_name(name)
        with self._tx() as c:
            name = self._free_name(name, except_id=list_id)
            if c.execute("UPDATE watchlists SET name=? WHERE id=?", (name, list_id)).rowcount != 1:
                raise WatchlistNotFound(f"There is no watchlist with id {list_id}.")
        return self.get(list_id)

    def delete(self, list_id: int) -> WatchlistSnapshot:
        """Delete a list with its items and view state; returns what `restore` needs."""
        with self._tx() as c:
            info = self.get(list_id)
            snapshot = WatchlistSnapshot(
                info.id,
                info.name,
                info.position,
                tuple(self._symbols(c, list_id)),
                self.view_state(list_id),
            )
            c.execute("DELETE FROM watchlists WHERE id=?", (list_id,))
            self._renumber_lists(c)
        return snapshot

    def restore(self, snapshot: WatchlistSnapshot) -> WatchlistInfo:
        """Undo a delete: the same name, place, symbols and view state (and id, when still free)."""
        with self._tx() as c:
            taken = c.execute("SELECT 1 FROM watchlists WHERE id=?", (snapshot.id,)).fetchone()
            list_id = self._insert_list(
                c, None if taken else snapshot.id, self._free_name(snapshot.name), snapshot.position
            )
            self._write(c, list_id, list(snapshot.symbols))
            self._write_view(c, list_id, snapshot.view)
        return self.get(list_id)

    def reorder_lists(self, ids: Sequence[int]) -> None:
        """Put the lists in this tab order (ids not given keep their relative order, after)."""
        with self._tx() as c:
            current = [int(r[0]) for r in c.execute("SELECT id FROM watchlists ORDER BY position")]
            order = [i for i in ids if i in current] + [i for i in current if i not in ids]
            c.executemany("UPDATE watchlists SET position=? WHERE id=?", list(enumerate(order)))

    # -- items --------------------------------------------------------------------------------
    def set_symbols(self, list_id: int, symbols: Iterable[str]) -> list[str]:
        """Make the list exactly these symbols in this order; returns the stored order."""
        return self.edit({list_id: list(symbols)})[list_id]

    def edit(self, changes: Mapping[int, Sequence[str]]) -> dict[int, list[str]]:
        """Set several lists at once in ONE transaction (a move between lists is all or nothing)."""
        wanted = {list_id: canonical(symbols) for list_id, symbols in changes.items()}
        with self._tx() as c:
            for list_id, items in wanted.items():
                self._existing(c, list_id)
                self._write(c, list_id, items)
        return wanted

    def add_symbols(
        self, list_id: int, symbols: Iterable[str], before: str | None = None
    ) -> list[str]:
        """Insert symbols not yet on the list before `before` (None: at the end); returns those added."""
        items = canonical(symbols)
        with self._tx() as c:
            current = self._existing(c, list_id)
            added = [s for s in items if s not in current]
            at = current.index(before) if before in current else len(current)
            self._write(c, list_id, current[:at] + added + current[at:])
        return added

    def remove_symbols(self, list_id: int, symbols: Iterable[str]) -> list[str]:
        """Take symbols off the list; returns those that were on it."""
        doomed = set(canonical(symbols))
        with self._tx() as c:
            current = self._existing(c, list_id)
            self._write(c, list_id, [s for s in current if s not in doomed])
        return [s for s in current if s in doomed]

    # -- view state ---------------------------------------------------------------------------
    def view_state(self, list_id: int) -> ViewState:
        """The list's saved columns and sort (defaults when never saved or unreadable)."""
        row = self.db.conn.execute(
            "SELECT columns, sort_column, sort_descending FROM watchlist_view WHERE watchlist_id=?",
            (list_id,),
        ).fetchone()
        if row is None:
            return ViewState()
        try:
            columns = tuple(
                ColumnState(str(c["key"]), int(c["width"]), bool(c.get("hidden", False)))
                for c in json.loads(row[0])
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            columns = ()  # a hand-edited or damaged value: fall back to the default columns
        return ViewState(columns, row[1], bool(row[2]))

    def set_view_state(self, list_id: int, state: ViewState) -> None:
        """Save the list's columns and sort."""
        with self._tx() as c:
            self._write_view(c, list_id, state)

    # -- app state ----------------------------------------------------------------------------
    def data_version(self) -> int:
        """Changes whenever another connection commits (`PRAGMA data_version`)."""
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])

    def read_list_file(self, path: Path) -> str:
        """An import file's text (see `list_files.read_list_file`)."""
        return list_files.read_list_file(path)

    def write_list_file(self, path: Path, text: str) -> None:
        """Write an export atomically."""
        list_files.write_list_file(path, text)

    def active_list(self) -> int | None:
        """The id of the list shown last, if it still exists."""
        value = self.db.get_state(_ACTIVE_KEY)
        ids = {info.id for info in self.lists()}
        return int(value) if value is not None and value.isdigit() and int(value) in ids else None

    def set_active_list(self, list_id: int) -> None:
        """Remember the list shown now."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO app_state(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (_ACTIVE_KEY, str(list_id)),
            )

    def seed(self, defaults: Mapping[str, Sequence[str]]) -> bool:
        """On the very first run only (no list ever made), create `defaults`; True if it did.
        A read-only database is shown as it is."""
        if self.db.read_only:
            return False
        with self._tx() as c:
            if c.execute("SELECT 1 FROM app_state WHERE key=?", (_SEEDED_KEY,)).fetchone():
                return False
            c.execute("INSERT INTO app_state(key, value) VALUES(?, ?)", (_SEEDED_KEY, "1"))
            if c.execute("SELECT 1 FROM watchlists").fetchone():
                return False
            for name, symbols in defaults.items():
                list_id = self._insert_list(c, None, clean_name(name), None)
                self._write(c, list_id, canonical(symbols))
        return True

    # -- helpers ------------------------------------------------------------------------------
    def _free_name(self, name: str, except_id: int | None = None) -> str:
        for info in self.lists():
            if info.id != except_id and info.name.casefold() == name.casefold():
                raise WatchlistNameError(f"A list named “{info.name}” already exists.")
        return name

    @classmethod
    def _existing(cls, c: sqlite3.Connection, list_id: int) -> list[str]:
        """The list's symbols; raises `WatchlistNotFound` when the list is gone."""
        if c.execute("SELECT 1 FROM watchlists WHERE id=?", (list_id,)).fetchone() is None:
            raise WatchlistNotFound(f"There is no watchlist with id {list_id}.")
        return cls._symbols(c, list_id)

    @staticmethod
    def _insert_list(
        c: sqlite3.Connection, list_id: int | None, name: str, position: int | None
    ) -> int:
        count = int(c.execute("SELECT COUNT(*) FROM watchlists").fetchone()[0])
        at = count if position is None else max(0, min(position, count))
        c.execute("UPDATE watchlists SET position = position + 1 WHERE position >= ?", (at,))
        cursor = c.execute(
            "INSERT INTO watchlists(id, name, position, created_at) VALUES(?, ?, ?, ?)",
            (list_id, name, at, time.time()),
        )
        WatchlistRepository._renumber_lists(c)
        return int(list_id if list_id is not None else cursor.lastrowid or 0)

    @staticmethod
    def _renumber_lists(c: sqlite3.Connection) -> None:
        ids = [int(r[0]) for r in c.execute("SELECT id FROM watchlists ORDER BY position, id")]
        c.executemany("UPDATE watchlists SET position=? WHERE id=?", list(enumerate(ids)))

    @staticmethod
    def _write(c: sqlite3.Connection, list_id: int, items: list[str]) -> None:
        current = WatchlistRepository._symbols(c, list_id)
        keep = set(items)
        c.executemany(
            "DELETE FROM watchlist_items WHERE watchlist_id=? AND symbol=?",
            [(list_id, s) for s in current if s not in keep],
        )
        old_position = {s: i for i, s in enumerate(current)}
        c.executemany(
            "INSERT INTO watchlist_items(watchlist_id, symbol, position) VALUES(?, ?, ?) "
            "ON CONFLICT(watchlist_id, symbol) DO UPDATE SET position=excluded.position",
            [(list_id, s, i) for i, s in enumerate(items) if old_position.get(s) != i],
        )

    @staticmethod
    def _write_view(c: sqlite3.Connection, list_id: int, state: ViewState) -> None:
        columns = json.dumps(
            [{"key": col.key, "width": col.width, "hidden": col.hidden} for col in state.columns]
        )
        c.execute(
            "INSERT INTO watchlist_view(watchlist_id, columns, sort_column, sort_descending) "
            "VALUES(?, ?, ?, ?) ON CONFLICT(watchlist_id) DO UPDATE SET columns=excluded.columns, "
            "sort_column=excluded.sort_column, sort_descending=excluded.sort_descending",
            (list_id, columns, state.sort_column, int(state.sort_descending)),
        )

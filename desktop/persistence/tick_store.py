"""The tick database: a SQLite file of its own (`ticks.db`), apart from the user's lists and settings.

A huge tick history must never slow or endanger the watchlists, so it lives in its own file with
its own schema (`RECORDING_FORMAT` in `PRAGMA user_version`). Events keep the order the client
received them (`id`), prices and turnovers are decimal TEXT (exact), a book side is compact JSON.
WAL with `synchronous=NORMAL`: a killed process loses nothing that was committed. A file that is
not a database or is damaged is moved aside (never deleted) and a fresh one started, with
`recovery_message` saying where it went; a locked or unwritable file is only ever reported.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from desktop.domain.recording import RECORDING_FORMAT, EventKind, Retention
from desktop.persistence.tick_sink import (
    BatchCounts,
    ExportRow,
    PruneResult,
    RecordedItem,
    RowRejected,
    SinkUnavailable,
    batch_rows,
)

__all__ = ["TICKS_FILENAME", "SqliteTickStore", "classify_sqlite_error"]

log = logging.getLogger(__name__)

TICKS_FILENAME = "ticks.db"

_SCHEMA = """
CREATE TABLE symbols (id INTEGER PRIMARY KEY, symbol TEXT NOT NULL UNIQUE);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    recv_ms INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    symbol_id INTEGER NOT NULL REFERENCES symbols(id),
    ts_ms INTEGER NOT NULL,
    seq INTEGER,
    price TEXT,
    volume INTEGER,
    turnover TEXT,
    side INTEGER,
    bids TEXT,
    asks TEXT
);
CREATE INDEX events_by_symbol ON events (symbol_id, ts_ms);
CREATE INDEX events_by_time ON events (recv_ms);
CREATE TABLE refs (
    id INTEGER PRIMARY KEY,
    recv_ms INTEGER NOT NULL,
    symbol_id INTEGER NOT NULL REFERENCES symbols(id),
    name TEXT,
    lot_size INTEGER,
    prev_close TEXT,
    open TEXT,
    high TEXT,
    low TEXT,
    volume INTEGER,
    turnover TEXT,
    last TEXT,
    last_time_ms INTEGER,
    as_of_ms INTEGER
);
CREATE INDEX refs_by_symbol ON refs (symbol_id, recv_ms);
"""

_INSERT_EVENT = (
    "INSERT INTO events (recv_ms, kind, symbol_id, ts_ms, seq, price, volume, turnover, side,"
    " bids, asks) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_REF = (
    "INSERT INTO refs (recv_ms, symbol_id, name, lot_size, prev_close, open, high, low, volume,"
    " turnover, last, last_time_ms, as_of_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_DAY_MS = 86_400_000
_ROW_ERRORS = (
    sqlite3.IntegrityError,
    sqlite3.DataError,
    sqlite3.InterfaceError,
    OverflowError,
    ValueError,
    TypeError,
)
"""What a row's content (not the file's state) makes SQLite refuse: retrying cannot help."""


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class _TooNew(Exception):
    """The file's format is newer than this version knows: never moved aside."""


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Not a database, or a damaged one (never "locked", "busy" or "cannot open")."""
    text = str(exc).lower()
    return any(
        words in text
        for words in ("not a database", "malformed", "integrity check failed", "corrupt")
    )


def classify_sqlite_error(exc: sqlite3.Error, path: Path) -> SinkUnavailable:
    """Turn a SQLite error into a sentence the status bar can show."""
    text = str(exc).lower()
    if "full" in text:
        return SinkUnavailable(f"the disk holding {path} is full", kind="full")
    if "locked" in text or "busy" in text:
        return SinkUnavailable(f"{path.name} is locked by another program", kind="locked")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return SinkUnavailable(f"{path} cannot be written ({exc})", kind="error")
    return SinkUnavailable(f"{path.name}: {exc}", kind="error")


class SqliteTickStore:
    """`TickSink` and `TickReader` over one SQLite file; one instance per thread."""

    def __init__(
        self, path: Path, *, busy_timeout_s: float = 5.0, pragmas: Sequence[str] = ()
    ) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.pragmas = tuple(pragmas)
        """Extra `PRAGMA` statements run on every connect (tests use `max_page_count`)."""
        self._conn: sqlite3.Connection | None = None
        self._symbol_ids: dict[str, int] = {}
        self._suspect = False
        """A write saw "malformed": the next open checks the file before using it."""
        self.recovery_message: str | None = None
        """Set when an unreadable file was moved aside: where it went, for a notice."""

    @property
    def target(self) -> str:
        """The file path."""
        return str(self.path)

    # -- opening ------------------------------------------------------------------------------
    def open(self) -> None:
        """Open (creating the file and schema if needed); `SinkUnavailable` when it cannot."""
        self.close()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout_s)
        except (OSError, sqlite3.Error) as exc:
            raise SinkUnavailable(f"{self.path} cannot be opened ({exc})") from exc
        try:
            if self._suspect:
                ok = str(conn.execute("PRAGMA quick_check").fetchone()[0])
                if ok != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {ok[:200]}")
            self._prepare(conn)
        except _TooNew as exc:
            conn.close()
            raise SinkUnavailable(
                f"{self.path} was written by a newer Quote Board ({exc}); update Quote Board "
                "or record elsewhere",
            ) from exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            if isinstance(exc, sqlite3.OperationalError) or not _is_corrupt(exc):
                raise classify_sqlite_error(exc, self.path) from exc
            conn = self._recover(exc)
        self._suspect = False
        self._conn = conn
        self._symbol_ids = dict(conn.execute("SELECT symbol, id FROM symbols").fetchall())

    def _recover(self, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Move the unreadable file aside (with its -wal/-shm) and start a fresh one."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.replace(Path(f"{target}{suffix}"))
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout_s)
            self._prepare(conn)
        except (OSError, sqlite3.Error) as again:
            raise SinkUnavailable(
                f"{self.path} cannot be read ({exc}) and could not be moved aside ({again})"
            ) from again
        self.recovery_message = (
            f"The tick recording {self.path.name} could not be read ({exc}). It was moved to "
            f"{target} and recording continues in a fresh file; nothing was deleted."
        )
        log.error("%s", self.recovery_message)
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == 0:
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")  # only takes effect before tables
        mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
        if mode != "wal":
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA synchronous=NORMAL")
        for pragma in self.pragmas:
            conn.execute(f"PRAGMA {pragma}")
        if version > RECORDING_FORMAT:
            raise _TooNew(f"format {version}, this one knows {RECORDING_FORMAT}")
        if version == 0:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={RECORDING_FORMAT}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.open()
        assert self._conn is not None
        return self._conn

    # -- writing ------------------------------------------------------------------------------
    def write(self, items: Sequence[RecordedItem]) -> BatchCounts:
        """Insert a batch in one `BEGIN IMMEDIATE … COMMIT`."""
        conn = self._connection()
        ids = self._symbol_ids
        new_ids: dict[str, int] = {}
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:

                def symbol_id(symbol: str) -> int:
                    known = ids.get(symbol) or new_ids.get(symbol)
                    if known is None:
                        conn.execute("INSERT OR IGNORE INTO symbols (symbol) VALUES (?)", (symbol,))
                        row = conn.execute(
                            "SELECT id FROM symbols WHERE symbol=?", (symbol,)
                        ).fetchone()
                        known = new_ids[symbol] = int(row[0])
                    return known

                events, refs, counts = batch_rows(items, symbol_id, _text)
                if events:
                    conn.executemany(_INSERT_EVENT, events)
                    counts.last_id = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
                if refs:
                    conn.executemany(_INSERT_REF, refs)
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        except _ROW_ERRORS as exc:
            raise RowRejected(f"{type(exc).__name__} ({exc})") from exc
        except sqlite3.Error as exc:
            if isinstance(exc, sqlite3.DatabaseError) and _is_corrupt(exc):
                self._suspect = True
            raise classify_sqlite_error(exc, self.path) from exc
        ids.update(new_ids)  # only ids that were committed
        return counts

    def prune(self, retention: Retention, now_ms: int, chunk: int) -> PruneResult:
        """Delete up to `chunk` events older than `retention.days` or beyond `gigabytes`."""
        conn = self._connection()
        deleted = 0
        more = False
        try:
            if retention.days > 0:
                cutoff = now_ms - int(retention.days * _DAY_MS)
                deleted += conn.execute(
                    "DELETE FROM events WHERE id IN "
                    "(SELECT id FROM events WHERE recv_ms < ? ORDER BY recv_ms LIMIT ?)",
                    (cutoff, chunk),
                ).rowcount
                conn.execute("DELETE FROM refs WHERE recv_ms < ?", (cutoff,))
                more = deleted >= chunk
            if (
                retention.gigabytes > 0
                and not more
                and self.used_bytes() > retention.gigabytes * 1e9
            ):
                deleted += conn.execute(
                    "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?)",
                    (chunk,),
                ).rowcount
                more = deleted > 0
            if deleted:
                conn.execute("PRAGMA incremental_vacuum").fetchall()
        except sqlite3.Error as exc:
            raise classify_sqlite_error(exc, self.path) from exc
        return PruneResult(deleted, more)

    def used_bytes(self) -> int:
        """Bytes in use by the database (its pages minus the free ones)."""
        conn = self._connection()
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        return (pages - free) * size

    def close(self) -> None:
        """Close the connection (never raises)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    # -- reading (export) ---------------------------------------------------------------------
    def symbols(self) -> list[str]:
        """Every symbol with recorded events, sorted."""
        rows = self._connection().execute("SELECT symbol FROM symbols ORDER BY symbol")
        return [str(row[0]) for row in rows]

    def time_span(self, symbol: str | None = None) -> tuple[int, int] | None:
        """(first, last) exchange time of recorded events (of one symbol, if given).

        Per symbol through the (symbol, time) index, so it stays fast on a huge file.
        """
        conn = self._connection()
        if symbol is None:
            keys = [row[0] for row in conn.execute("SELECT id FROM symbols")]
        else:
            found = conn.execute("SELECT id FROM symbols WHERE symbol = ?", (symbol,)).fetchone()
            keys = [found[0]] if found else []
        spans = [
            row
            for key in keys
            if (
                row := conn.execute(
                    "SELECT min(ts_ms), max(ts_ms) FROM events WHERE symbol_id = ?", (key,)
                ).fetchone()
            )[0]
            is not None
        ]
        if not spans:
            return None
        return min(int(r[0]) for r in spans), max(int(r[1]) for r in spans)

    def rows(self, symbol: str, start_ms: int, end_ms: int) -> Iterator[ExportRow]:
        """Events of `symbol` with exchange time in [start_ms, end_ms], in recorded order."""
        conn = self._connection()
        found = conn.execute("SELECT id FROM symbols WHERE symbol=?", (symbol,)).fetchone()
        if found is None:
            return
        cursor = conn.execute(
            "SELECT id, recv_ms, kind, ts_ms, seq, price, volume, turnover, side, bids, asks "
            "FROM events WHERE symbol_id = ? AND ts_ms BETWEEN ? AND ? ORDER BY id",
            (int(found[0]), start_ms, end_ms),
        )
        for row in cursor:
            yield ExportRow(row[0], row[1], row[2], symbol, *row[3:])

    def counts(self) -> dict[str, int]:
        """Events per kind (tests and the benchmark)."""
        rows = self._connection().execute("SELECT kind, count(*) FROM events GROUP BY kind")
        named = {int(EventKind.TRADE): "ticks", int(EventKind.DEPTH): "depth"}
        return {named.get(int(kind), str(kind)): int(n) for kind, n in rows}

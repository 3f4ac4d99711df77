"""The SQLite file behind watchlists, layouts and alerts: WAL, foreign keys, versioned migrations.

Schema changes are forward-only functions in `MIGRATIONS`; `PRAGMA user_version` says how many ran.
Each runs in its own `BEGIN IMMEDIATE` transaction after a backup of the file. Only a file that IS
corrupt (not a database, or its integrity check fails) is moved aside (never deleted, and only when
the caller allows it) and a fresh one created; `recovery_message` tells the user where it went. A
file another program holds locked is waited for (`on_wait` hears why once); a read-only file or
folder is opened read-only (`read_only`, with `recovery_message` saying changes are not saved).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Database",
    "DatabaseCorrupt",
    "DatabaseTooNew",
    "DatabaseUnavailable",
]

log = logging.getLogger(__name__)


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run DDL statements inside the caller's transaction (`executescript` would COMMIT first)."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1_watchlists(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE watchlists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            position INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE watchlist_items (
            watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
            symbol TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (watchlist_id, symbol)
        );
        CREATE INDEX watchlist_items_order ON watchlist_items (watchlist_id, position);
        CREATE TABLE app_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def _v2_view_state(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE watchlist_view (
            watchlist_id INTEGER PRIMARY KEY REFERENCES watchlists(id) ON DELETE CASCADE,
            columns TEXT NOT NULL DEFAULT '[]',
            sort_column TEXT,
            sort_descending INTEGER NOT NULL DEFAULT 0
        );
        """,
    )


def _v3_windows(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE windows (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            symbol TEXT NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 1,
            link_group TEXT,
            screen TEXT,
            x INTEGER, y INTEGER, width INTEGER, height INTEGER,
            dpr REAL,
            on_top INTEGER NOT NULL DEFAULT 0,
            extra TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL DEFAULT 0
        );
        """,
    )


def _v4_alerts(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            symbol TEXT NOT NULL,
            kind TEXT NOT NULL,
            threshold TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            cooldown_s REAL NOT NULL DEFAULT 300,
            enabled INTEGER NOT NULL DEFAULT 1,
            armed INTEGER NOT NULL DEFAULT 1,
            last_fired_at REAL,
            created_at REAL NOT NULL
        );
        CREATE TABLE alert_log (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,
            symbol TEXT NOT NULL,
            fired_at REAL NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX alert_log_time ON alert_log (fired_at);
        """,
    )


def _v5_alert_fields(db: sqlite3.Connection) -> None:
    """Alerts on bid, ask and spread, armed per session, with a sound: old rules keep what they
    did (last price, regular hours) and get the sound that is on by default."""
    _script(
        db,
        """
        ALTER TABLE alerts ADD COLUMN field TEXT NOT NULL DEFAULT 'last';
        ALTER TABLE alerts ADD COLUMN sessions TEXT NOT NULL DEFAULT 'regular';
        ALTER TABLE alerts ADD COLUMN sound INTEGER NOT NULL DEFAULT 1;
        """,
    )


def _v6_gaps(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE feed_gaps (
            id INTEGER PRIMARY KEY,
            connection INTEGER NOT NULL,
            started_ms INTEGER NOT NULL,
            ended_ms INTEGER,
            symbols TEXT NOT NULL DEFAULT '[]',
            missed TEXT NOT NULL DEFAULT '{}',
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX feed_gaps_time ON feed_gaps (started_ms);
        """,
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_watchlists,
    _v2_view_state,
    _v3_windows,
    _v4_alerts,
    _v5_alert_fields,
    _v6_gaps,
)
SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer Quote Board; opening it could lose data."""


class DatabaseUnavailable(RuntimeError):
    """The file cannot be used now (locked too long, no permission); the message is a sentence."""


class DatabaseCorrupt(DatabaseUnavailable):
    """The file is damaged or not a database, and the caller did not allow moving it aside."""


_BUSY_MS = 5000


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _is_read_only(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


class Database:
    """One connection to the app's SQLite file, migrated to `SCHEMA_VERSION` on open.

    `recover=False` (the command line) never renames the user's file: a corrupt one raises
    `DatabaseCorrupt`. `lock_wait_s` bounds the wait for a locked file (None: as long as it
    takes) before `DatabaseUnavailable`.
    """

    def __init__(
        self,
        path: Path,
        migrations: tuple[Callable[[sqlite3.Connection], None], ...] = MIGRATIONS,
        *,
        recover: bool = True,
        on_wait: Callable[[str], None] | None = None,
        lock_wait_s: float | None = None,
        busy_ms: int = _BUSY_MS,
    ):
        self.path = path
        self.recovery_message: str | None = None
        self.read_only = False
        """True when the file or its folder cannot be written: the app shows, never saves."""
        self._migrations = migrations
        self._recover = recover
        self._on_wait = on_wait or (lambda message: log.warning("%s", message))
        self._lock_wait_s = lock_wait_s
        self._busy_ms = busy_ms
        self.conn = self._open()

    # -- opening ------------------------------------------------------------------------------
    def _connect(self, read_only: bool | str = False) -> sqlite3.Connection:
        """A configured connection; `read_only` "ro", or "immutable" for a WAL file whose
        folder cannot hold the shared-memory file (nobody can write there anyway)."""
        if read_only:
            query = "mode=ro" if read_only != "immutable" else "mode=ro&immutable=1"
            uri = f"{self.path.resolve().as_uri()}?{query}"
            conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, timeout=self._busy_ms / 1000
            )
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self._busy_ms / 1000)
        try:
            self._configure(conn, read_only)
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _configure(self, conn: sqlite3.Connection, read_only: bool | str) -> None:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={self._busy_ms}")
        if read_only:
            conn.execute("PRAGMA query_only=ON")
            return
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if _is_locked(exc) or _is_read_only(exc):
                raise
            mode = "delete"
        if str(mode).lower() != "wal":  # network shares cannot do WAL; stay correct without it
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA synchronous=NORMAL")

    def _open(self) -> sqlite3.Connection:
        """Open, waiting out a lock; read-only when it cannot be written; recover when corrupt."""
        started = time.monotonic()
        said = False
        while True:
            try:
                return self._open_checked(read_only=False)
            except DatabaseTooNew:
                raise
            except sqlite3.OperationalError as exc:
                if _is_locked(exc):
                    waited = time.monotonic() - started
                    if self._lock_wait_s is not None and waited >= self._lock_wait_s:
                        raise DatabaseUnavailable(
                            f"{self.path} is locked by another program (waited {waited:.0f} s)."
                        ) from exc
                    if not said:
                        said = True
                        self._on_wait(
                            f"Waiting for {self.path}: another program has it locked "
                            "(another Quote Board, or a backup or sync tool)."
                        )
                    time.sleep(0.2)
                    continue
                if _is_read_only(exc) and self.path.exists():
                    return self._open_read_only(exc)
                raise DatabaseUnavailable(f"{self.path} cannot be opened ({exc}).") from exc
            except sqlite3.DatabaseError as exc:
                return self._recover_from(exc)

    def _open_checked(self, read_only: bool | str) -> sqlite3.Connection:
        conn = self._connect(read_only)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {ok}")
            if read_only:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version != len(self._migrations):
                    self._migrate(conn)  # DatabaseTooNew, or an OperationalError (read-only)
            else:
                self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_read_only(self, why: sqlite3.Error) -> sqlite3.Connection:
        try:
            try:
                conn = self._open_checked(read_only="ro")
            except sqlite3.OperationalError as exc:
                if not _is_read_only(exc):
                    raise
                conn = self._open_checked(read_only="immutable")
        except sqlite3.OperationalError as exc:
            raise DatabaseUnavailable(
                f"{self.path} cannot be written ({why}) and cannot be read as it is ({exc})."
            ) from exc
        self.read_only = True
        self.recovery_message = (
            f"{self.path} is read-only ({why}): your lists are shown, but changes made in this "
            "session will not be saved."
        )
        log.warning("%s", self.recovery_message)
        return conn

    def _recover_from(self, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """A corrupt file: moved aside (when allowed) and a fresh one created."""
        if not self._recover:
            raise DatabaseCorrupt(
                f"{self.path} could not be read ({exc}). It was left as it is; start Quote Board "
                "to move it aside and start afresh."
            ) from exc
        moved = self._move_aside()
        self.recovery_message = (
            f"The saved data could not be read ({exc}). It was moved to {moved} and a fresh "
            "database was created; nothing was deleted."
        )
        log.error("%s", self.recovery_message)
        conn = self._connect()
        self._migrate(conn)
        return conn

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.replace(Path(str(target) + suffix))
        return target

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        target = len(self._migrations)
        if version > target:
            raise DatabaseTooNew(
                f"{self.path} was written by a newer Quote Board (schema {version}, this version "
                f"knows {target}). Update Quote Board, or start it with another --data-dir."
            )
        if version == target:
            return
        if version > 0:
            backup = self.path.with_name(f"{self.path.name}.pre-v{target}.bak")
            with contextlib.closing(sqlite3.connect(backup)) as copy:
                conn.backup(copy)
        for index in range(version, target):
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._migrations[index](conn)
                conn.execute(f"PRAGMA user_version={index + 1}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            log.info("database migrated to version %d", index + 1)

    # -- use ----------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The schema version of the open file."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """`with db.transaction() as c:` — all of it commits, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def get_state(self, key: str, default: str | None = None) -> str | None:
        """A small app-state value (never a secret)."""
        row = self.conn.execute("SELECT value FROM app_state WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_state(self, key: str, value: str) -> None:
        """Store a small app-state value (never a secret)."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO app_state(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    def close(self) -> None:
        """Close; SQLite checkpoints the WAL itself when the last connection goes. An explicit
        TRUNCATE checkpoint here would look like a commit to every other open connection
        (`PRAGMA data_version`), and the app would reload its watchlists for nothing."""
        self.conn.close()

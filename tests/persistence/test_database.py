from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.persistence.database import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Database,
    DatabaseTooNew,
    DatabaseUnavailable,
)


def test_a_fresh_database_is_created_at_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    assert db.version == SCHEMA_VERSION
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.recovery_message is None
    db.close()


def test_a_v1_database_is_migrated_forward_keeping_its_data_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    old = Database(path, MIGRATIONS[:1])
    old.conn.execute("INSERT INTO watchlists(name, position, created_at) VALUES('Tech', 0, 1.0)")
    old.conn.execute("INSERT INTO watchlist_items VALUES(1, 'AAPL.US', 0)")
    old.close()
    db = Database(path)
    assert db.version == SCHEMA_VERSION
    assert db.conn.execute("SELECT symbol FROM watchlist_items").fetchall() == [("AAPL.US",)]
    assert (tmp_path / f"q.db.pre-v{SCHEMA_VERSION}.bak").exists()
    db.close()


def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    path = tmp_path / "q.db"
    Database(path, MIGRATIONS[:1]).close()
    with pytest.raises(DatabaseUnavailable, match="disk I/O error"):
        Database(path, (*MIGRATIONS[:1], broken))
    db = Database(path, MIGRATIONS[:1])
    assert db.version == 1
    assert (
        db.conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
    )
    db.close()


def test_a_corrupt_file_is_moved_aside_never_deleted_and_a_fresh_one_made(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    path.write_bytes(b"this is not a database" * 100)
    db = Database(path)
    assert db.version == SCHEMA_VERSION
    assert db.recovery_message is not None and "moved to" in db.recovery_message
    moved = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not a database")
    assert str(moved[0]) in db.recovery_message
    db.close()


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew, match="newer Quote Board"):
        Database(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_app_state_round_trips_and_transactions_roll_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    db.set_state("active_list", "3")
    assert db.get_state("active_list") == "3" and db.get_state("missing", "x") == "x"
    with pytest.raises(RuntimeError), db.transaction() as c:
        c.execute("INSERT INTO app_state VALUES('k', 'v')")
        raise RuntimeError("boom")
    assert db.get_state("k") is None
    db.close()


def test_closing_a_second_connection_does_not_look_like_a_commit_to_the_first(
    tmp_path: Path,
) -> None:
    first = Database(tmp_path / "q.db")
    first.set_state("x", "1")

    def version() -> int:
        return int(first.conn.execute("PRAGMA data_version").fetchone()[0])

    before = version()
    second = Database(tmp_path / "q.db")
    assert second.get_state("x") == "1"
    second.close()
    assert version() == before  # nothing was committed: no spurious "changed outside" reload
    first.close()

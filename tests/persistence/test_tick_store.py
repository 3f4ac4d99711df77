"""The SQLite tick database: its own file, exact text, atomic batches, clear refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.domain.recording import RECORDING_FORMAT
from desktop.persistence.database import Database
from desktop.persistence.paths import DB_FILENAME
from desktop.persistence.tick_sink import SinkUnavailable
from desktop.persistence.tick_store import TICKS_FILENAME, SqliteTickStore
from tests.persistence._events import book, reference, tick


def test_ticks_live_in_their_own_file_next_to_the_app_database(tmp_path: Path) -> None:
    Database(tmp_path / DB_FILENAME).close()
    store = SqliteTickStore(tmp_path / TICKS_FILENAME)
    store.open()
    store.write([(1, tick(1))])
    store.close()
    with sqlite3.connect(tmp_path / DB_FILENAME) as app_db:
        tables = {r[0] for r in app_db.execute("SELECT name FROM sqlite_master")}
    assert "events" not in tables
    with sqlite3.connect(tmp_path / TICKS_FILENAME) as ticks_db:
        assert ticks_db.execute("PRAGMA user_version").fetchone()[0] == RECORDING_FORMAT
        assert ticks_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_prices_are_stored_as_the_exact_decimal_text(tmp_path: Path) -> None:
    store = SqliteTickStore(tmp_path / "ticks.db")
    store.open()
    store.write([(1, tick(7)), (2, book(3)), (3, reference())])
    store.close()
    with sqlite3.connect(tmp_path / "ticks.db") as db:
        price, turnover = db.execute("SELECT price, turnover FROM events WHERE kind=0").fetchone()
        prev_close, name = db.execute("SELECT prev_close, name FROM refs").fetchone()
    assert (price, turnover) == ("107.0007", "321.10")
    assert (prev_close, name) == ("180.1000", "Apple Inc.")


def test_a_batch_that_does_not_fit_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    SqliteTickStore(path).open()
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    store = SqliteTickStore(path, pragmas=[f"max_page_count={pages + 10}"])
    store.open()
    store.write([(1, tick(n)) for n in range(10)])
    with pytest.raises(SinkUnavailable) as caught:
        store.write([(2, tick(n)) for n in range(10, 50_000)])
    assert caught.value.kind == "full"
    assert store.counts() == {"ticks": 10}
    store.write([(3, tick(99))])  # the connection is still usable once it fits
    assert store.counts() == {"ticks": 11}
    store.close()


def test_a_file_that_is_not_a_database_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SinkUnavailable, match="not a Quote Board tick database"):
        SqliteTickStore(path).open()
    assert path.read_bytes().startswith(b"this is not sqlite")  # nothing was overwritten


def test_a_recording_from_a_newer_version_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={RECORDING_FORMAT + 1}")
    with pytest.raises(SinkUnavailable, match="newer Quote Board"):
        SqliteTickStore(path).open()


def test_symbols_and_the_recorded_span_are_listed_for_export(tmp_path: Path) -> None:
    store = SqliteTickStore(tmp_path / "ticks.db")
    store.open()
    assert store.time_span() is None
    store.write([(1, tick(5)), (2, book(9)), (3, tick(20, "BRK.B.US"))])
    assert store.symbols() == ["00700.HK", "AAPL.US", "BRK.B.US"]
    assert store.time_span() == (1_714_642_200_005, 1_714_642_200_020)
    assert store.time_span("00700.HK") == (1_714_642_200_009, 1_714_642_200_009)
    assert list(store.rows("MSFT.US", 0, 2**62)) == []
    store.close()

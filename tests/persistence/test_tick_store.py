"""The SQLite tick database: its own file, exact text, atomic batches, clear refusals."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from desktop.domain.recording import RECORDING_FORMAT, RecordingState
from desktop.persistence.database import Database
from desktop.persistence.paths import DB_FILENAME
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_sink import SinkUnavailable
from desktop.persistence.tick_store import TICKS_FILENAME, SqliteTickStore
from tests.conftest import TIMEOUT_S
from tests.persistence._events import book, reference, tick

FAST = RecorderTiming(batch_interval_s=0.02, retry_floor_s=0.02, retry_cap_s=0.1)


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


def test_a_file_that_is_not_a_database_is_moved_aside_and_recording_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ticks.db"
    garbage = b"this is not sqlite" * 100
    path.write_bytes(garbage)
    recorder = Recorder(SqliteTickStore(path), timing=FAST)
    recorder.start()
    for n in range(843):
        recorder.offer(tick(n))
    assert recorder.wait_written(TIMEOUT_S)
    status = recorder.status()
    assert recorder.close()
    assert recorder.stats.ticks == 843
    moved = list(tmp_path.glob("ticks.db.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == garbage  # kept, never deleted
    assert str(moved[0]) in status.notice and "nothing was deleted" in status.notice
    assert status.state is RecordingState.RECORDING
    reader = SqliteTickStore(path)
    assert reader.counts() == {"ticks": 843}
    reader.close()


def test_a_locked_tick_file_is_waited_for_never_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    store = SqliteTickStore(path)
    store.write([(1, tick(0))])
    store.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the file
    recorder = Recorder(SqliteTickStore(path, busy_timeout_s=0.05), timing=FAST)
    recorder.start()
    recorder.offer(tick(1))
    deadline = time.monotonic() + TIMEOUT_S
    while recorder.status().state is not RecordingState.PAUSED:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert "locked" in recorder.status().message
    holder.execute("ROLLBACK")
    holder.close()
    assert recorder.wait_written(TIMEOUT_S)
    assert recorder.close()
    assert not list(tmp_path.glob("ticks.db.corrupt-*"))
    reader = SqliteTickStore(path)
    assert reader.counts() == {"ticks": 2} and recorder.status().notice == ""
    reader.close()


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

"""The recorder: never blocks the caller, writes everything in batches, pauses and resumes."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import msgspec

from desktop.domain.market_data import Tick
from desktop.domain.recording import RecordingState, Retention
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_sink import BatchCounts, PruneResult, RecordedItem, SinkUnavailable
from desktop.persistence.tick_store import SqliteTickStore
from tests.conftest import TIMEOUT_S
from tests.persistence._events import SYMBOLS, book, reference, stored_digest, tick, trade_digest
from tests.persistence.conftest import SinkFactory
from tests.polling import wait_until_blocking

FAST = RecorderTiming(batch_interval_s=0.02, retry_floor_s=0.02, retry_cap_s=0.1)


def test_every_tick_book_and_reference_is_stored_exactly_and_in_order(
    sink_factory: SinkFactory,
) -> None:
    recorder = Recorder(sink_factory(), timing=FAST)
    recorder.start()
    ticks = [tick(n, SYMBOLS[n % 3]) for n in range(5_000)]
    for n, t in enumerate(ticks):
        recorder.offer(t)
        if n % 100 == 0:
            recorder.offer(book(n))
    recorder.offer(reference())
    assert recorder.wait_written(TIMEOUT_S)
    assert recorder.close()
    assert recorder.stats.ticks == 5_000 and recorder.stats.depth == 50
    assert recorder.stats.references == 1 and recorder.stats.dropped == 0

    reader = sink_factory()
    try:
        rows = [r for s in SYMBOLS for r in reader.rows(s, 0, 2**62)]
        assert stored_digest(rows) == trade_digest(ticks)
        books = [r for r in reader.rows("00700.HK", 0, 2**62) if r.kind == 1]
        assert len(books) == 50
        assert books[0].bids == '[["300.20",100,3],["300.00",500]]'
        ids = [r.id for r in sorted(rows, key=lambda r: r.id)]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        assert reader.counts() == {"ticks": 5_000, "depth": 50}
        assert recorder.last_id == max(ids)
    finally:
        reader.close()


def test_only_the_chosen_symbols_are_recorded(sink_factory: SinkFactory) -> None:
    recorder = Recorder(sink_factory(), symbols={"AAPL.US"}, timing=FAST)
    recorder.start()
    for n in range(300):
        recorder.offer(tick(n, SYMBOLS[n % 3]))
    assert recorder.close()
    assert recorder.stats.ticks == 100 and recorder.stats.filtered == 200
    reader = sink_factory()
    try:
        assert reader.symbols() == ["AAPL.US"]
    finally:
        reader.close()


class _StuckSink:
    """A sink whose writes wait for a gate: storage slower than the feed."""

    target = "stuck"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.written = 0

    def open(self) -> None:
        pass

    def write(self, items: Sequence[RecordedItem]) -> BatchCounts:
        self.gate.wait()
        self.written += len(items)
        return BatchCounts(ticks=len(items))

    def prune(self, retention: Retention, now_ms: int, chunk: int) -> PruneResult:
        return PruneResult()

    def close(self) -> None:
        pass


def test_offering_never_waits_for_storage_and_a_full_queue_counts_drops() -> None:
    sink = _StuckSink()
    timing = RecorderTiming(capacity=1_000, batch_max=10, batch_interval_s=0.01)
    recorder = Recorder(sink, timing=timing)
    recorder.start()
    started = time.perf_counter()
    for n in range(5_000):
        recorder.offer(tick(n))
    spent = time.perf_counter() - started
    assert spent < TIMEOUT_S  # it returned although nothing could be written
    assert recorder.stats.dropped >= 5_000 - 1_000 - 10
    assert recorder.queue_depth <= 1_000
    assert recorder.status().dropped == recorder.stats.dropped
    sink.gate.set()
    assert recorder.wait_written(TIMEOUT_S)
    recorder.close()
    assert sink.written == recorder.stats.offered


def test_a_full_disk_pauses_recording_with_a_message_and_it_resumes_when_space_is_freed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ticks.db"
    SqliteTickStore(path).open()
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    store = SqliteTickStore(path, pragmas=[f"max_page_count={pages + 40}"])
    recorder = Recorder(store, timing=FAST)
    recorder.start()
    n = 0
    while recorder.status().state is not RecordingState.PAUSED:  # fill the "disk"
        recorder.offer(tick(n))
        n += 1
        if n % 200 == 0:
            time.sleep(0.01)
        assert n < 200_000, "the size limit never filled up"
    status = recorder.status()
    assert "full" in status.message and "Retrying" in status.message
    for m in range(n, n + 500):  # the feed carries on meanwhile
        recorder.offer(tick(m))
    with sqlite3.connect(path) as other:  # the user frees space
        other.execute("DELETE FROM events WHERE id <= (SELECT max(id) - 50 FROM events)")
    assert recorder.wait_written(TIMEOUT_S)
    assert recorder.status().state is RecordingState.RECORDING
    assert recorder.status().message == ""
    recorder.close()
    assert recorder.stats.dropped == 0 and recorder.stats.failures >= 1
    with sqlite3.connect(path) as check:
        last_seq = check.execute("SELECT max(seq) FROM events").fetchone()[0]
    assert last_seq == n + 499  # nothing offered while paused was lost


def test_a_locked_database_pauses_recording_and_it_resumes_when_the_lock_goes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ticks.db"
    recorder = Recorder(SqliteTickStore(path, busy_timeout_s=0.05), timing=FAST)
    recorder.start()
    recorder.offer(tick(0))
    assert recorder.wait_written(TIMEOUT_S)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    for n in range(1, 1_001):
        recorder.offer(tick(n))
    wait_until_blocking(lambda: recorder.status().state is RecordingState.PAUSED)
    assert "locked" in recorder.status().message
    other.execute("ROLLBACK")
    other.close()
    assert recorder.wait_written(TIMEOUT_S)
    assert recorder.status().state is RecordingState.RECORDING
    recorder.close()
    assert recorder.stats.ticks == 1_001 and recorder.stats.dropped == 0


class _FlakySink(_StuckSink):
    """Fails the first `failures` writes with an unexpected error (a bug, not storage)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.gate.set()
        self.failures = failures

    def write(self, items: Sequence[RecordedItem]) -> BatchCounts:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("surprise")
        return super().write(items)


def test_an_unexpected_error_pauses_the_writer_instead_of_killing_it() -> None:
    sink = _FlakySink(failures=2)
    recorder = Recorder(sink, timing=FAST)
    recorder.start()
    for n in range(100):
        recorder.offer(tick(n))
    assert recorder.wait_written(TIMEOUT_S)
    assert recorder.close()
    assert sink.written == 100 and recorder.stats.failures == 2


class _DownSink(_StuckSink):
    """Storage that never comes back."""

    def open(self) -> None:
        raise SinkUnavailable("the server is gone", kind="offline")


def test_closing_while_storage_is_down_returns_and_says_not_everything_was_written() -> None:
    recorder = Recorder(_DownSink(), timing=FAST)
    recorder.start()
    recorder.offer(tick(1))
    wait_until_blocking(lambda: recorder.status().state is RecordingState.PAUSED)
    assert "the server is gone" in recorder.status().message
    assert recorder.close(timeout=TIMEOUT_S) is False
    assert not recorder.running


def test_old_ticks_are_pruned_in_the_background_by_age(tmp_path: Path) -> None:
    now = [1_714_642_200_000]
    path = tmp_path / "ticks.db"
    timing = RecorderTiming(batch_interval_s=0.02, prune_every_s=0.0, prune_chunk=100)
    recorder = Recorder(
        SqliteTickStore(path), retention=Retention(days=1), timing=timing, clock_ms=lambda: now[0]
    )
    recorder.start()
    for n in range(1_000):
        recorder.offer(tick(n))
    assert recorder.wait_written(TIMEOUT_S)
    now[0] += 2 * 86_400_000  # two days later
    for n in range(1_000, 1_010):
        recorder.offer(tick(n))
    assert recorder.wait_written(TIMEOUT_S)
    wait_until_blocking(lambda: recorder.stats.pruned >= 1_000)
    recorder.close()
    with sqlite3.connect(path) as check:
        seqs = [row[0] for row in check.execute("SELECT seq FROM events ORDER BY id")]
    assert seqs == list(range(1_000, 1_010))
    assert recorder.stats.pruned == 1_000


def test_pruning_by_size_keeps_the_file_under_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    store = SqliteTickStore(path)
    store.open()
    store.write([(0, tick(n)) for n in range(20_000)])
    full = store.used_bytes()
    limit = full / 4
    deleted = 0
    while True:
        result = store.prune(Retention(gigabytes=limit / 1e9), 0, 1_000)
        deleted += result.deleted
        if not result.more:
            break
    assert store.used_bytes() <= limit
    assert path.stat().st_size <= limit * 1.3  # pages went back to the file system
    newest = list(store.rows("AAPL.US", 0, 2**62))
    assert newest[-1].seq == 19_999 and len(newest) == 20_000 - deleted
    store.close()


def _poisoned(n: int) -> list[Tick]:
    """`n` good trades with, in the middle, the rows that made SQLite refuse a whole batch."""
    good = [tick(i, SYMBOLS[i % 3]) for i in range(n)]
    huge_volume = msgspec.structs.replace(tick(n), volume=9_999_999_999_999_999_999)
    huge_seq = msgspec.structs.replace(tick(n + 1), seq=2**63 + 5)
    return good[: n // 2] + [huge_volume, huge_seq] + good[n // 2 :]


def test_a_poison_row_is_skipped_and_counted_and_every_other_trade_is_recorded(
    sink_factory: SinkFactory,
) -> None:
    recorder = Recorder(sink_factory(), timing=FAST)
    recorder.start()
    events = _poisoned(4_000)
    for event in events:
        recorder.offer(event)
    assert recorder.wait_written(TIMEOUT_S)
    assert recorder.status().state is RecordingState.RECORDING
    later = [tick(10_000 + i) for i in range(100)]  # recording goes on after the poison
    for event in later:
        recorder.offer(event)
    assert recorder.close()
    assert recorder.stats.rejected == 2
    assert recorder.stats.ticks == 4_100
    reader = sink_factory()
    try:
        assert reader.counts() == {"ticks": 4_100}
    finally:
        reader.close()


def test_a_row_the_database_refuses_is_isolated_from_its_batch(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    store = SqliteTickStore(path)
    store.open()
    store.close()
    with sqlite3.connect(path) as conn:  # a row SQLite itself refuses, whatever its numbers
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.seq % 1000 = 777 "
            "BEGIN SELECT RAISE(ABORT, 'refused row'); END"
        )
    recorder = Recorder(SqliteTickStore(path), timing=FAST)
    recorder.start()
    for n in range(3_000):
        recorder.offer(tick(n))
    assert recorder.close()
    assert recorder.stats.rejected == 3
    assert recorder.stats.ticks == 2_997
    reader = SqliteTickStore(path)
    try:
        seqs = [r.seq for r in reader.rows("AAPL.US", 0, 2**62)]
        assert seqs == [n for n in range(3_000) if n % 1000 != 777]  # in order, nothing twice
    finally:
        reader.close()

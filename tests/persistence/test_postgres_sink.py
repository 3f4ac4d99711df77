"""The PostgreSQL sink against a real server: schema, locks, outages, retention, no leaked password."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from desktop.domain.recording import RecordingState, Retention
from desktop.persistence.postgres_sink import PostgresTickSink
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_sink import SinkUnavailable
from tests.conftest import TIMEOUT_S
from tests.persistence._events import reference, tick
from tests.persistence.conftest import postgres_dsn, reset_postgres
from tests.polling import wait_until_blocking

pytestmark = pytest.mark.system

FAST = RecorderTiming(batch_interval_s=0.02, retry_floor_s=0.02, retry_cap_s=0.1)


@pytest.fixture
def dsn() -> Iterator[str]:
    found = postgres_dsn()
    reset_postgres(found)
    yield found
    reset_postgres(found)


def test_the_tables_are_indexed_and_a_hypertable_exactly_when_timescaledb_is_there(
    dsn: str,
) -> None:
    import psycopg

    sink = PostgresTickSink(dsn)
    sink.open()
    sink.close()
    with psycopg.connect(dsn) as conn:
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes")}
        timescale = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'"
        ).fetchone()
    assert {"qb_events_by_symbol", "qb_events_by_time", "qb_refs_by_symbol"} <= indexes
    assert sink.hypertable == bool(timescale)


def test_prices_come_back_exactly_as_numeric_text(dsn: str) -> None:
    sink = PostgresTickSink(dsn)
    sink.open()
    counts = sink.write([(1, tick(7)), (2, reference())])
    rows = list(sink.rows("AAPL.US", 0, 2**62))
    sink.close()
    assert counts.ticks == 1 and counts.references == 1 and counts.last_id == rows[0].id
    assert rows[0].price == "107.0007" and rows[0].turnover == "321.10"


def test_a_locked_table_pauses_recording_and_it_resumes_when_the_lock_goes(dsn: str) -> None:
    import psycopg

    recorder = Recorder(PostgresTickSink(dsn, lock_timeout_s=0.1), timing=FAST)
    recorder.start()
    recorder.offer(tick(0))
    assert recorder.wait_written(TIMEOUT_S)
    other = psycopg.connect(dsn)
    other.execute("LOCK TABLE qb_events IN ACCESS EXCLUSIVE MODE")
    try:
        for n in range(1, 501):
            recorder.offer(tick(n))
        wait_until_blocking(
            lambda: recorder.status().state is RecordingState.PAUSED, "the recorder to pause"
        )
        assert "locked" in recorder.status().message
    finally:
        other.rollback()
        other.close()
    assert recorder.wait_written(TIMEOUT_S)
    recorder.close()
    assert recorder.stats.ticks == 501 and recorder.stats.dropped == 0


def test_an_unreachable_server_pauses_recording_without_showing_the_password() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = PostgresTickSink(
        f"postgresql://desk:hunter2secret@127.0.0.1:{port}/ticks", connect_timeout_s=1
    )
    assert "hunter2secret" not in sink.target and "***" in sink.target
    with pytest.raises(SinkUnavailable) as caught:
        sink.open()
    assert caught.value.kind == "offline"
    assert "unreachable" in caught.value.reason
    assert "hunter2secret" not in caught.value.reason


def test_a_wrong_password_is_reported_without_echoing_it(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn) as conn:
        info = conn.info
        host, port, user, dbname = info.host, info.port, info.user, info.dbname
    sink = PostgresTickSink(
        f"host={host} port={port} user={user} dbname={dbname}", password="wrong-Pa55word"
    )
    with pytest.raises(SinkUnavailable) as caught:
        sink.open()
    assert "wrong-Pa55word" not in caught.value.reason


def test_old_ticks_are_pruned_by_age_in_chunks(dsn: str) -> None:
    sink = PostgresTickSink(dsn)
    sink.open()
    sink.write([(1_000, tick(n)) for n in range(250)])
    sink.write([(5 * 86_400_000, tick(n)) for n in range(250, 260)])
    now = 5 * 86_400_000
    first = sink.prune(Retention(days=1), now, 100)
    assert (first.deleted, first.more) == (100, True)
    while sink.prune(Retention(days=1), now, 100).more:
        pass
    seqs = [row.seq for row in sink.rows("AAPL.US", 0, 2**62)]
    sink.close()
    assert seqs == list(range(250, 260))


def test_a_size_limit_deletes_the_oldest_ticks_once_the_tables_outgrow_it(dsn: str) -> None:
    sink = PostgresTickSink(dsn)
    sink.open()
    sink.write([(n, tick(n)) for n in range(5_000)])
    result = sink.prune(Retention(gigabytes=1e-6), 0, 1_000)  # 1 kB: far below the size
    assert result.deleted == 1_000
    again = sink.prune(Retention(gigabytes=1e-6), 0, 1_000)
    assert again.deleted == 0  # the freed space is reused before deleting more
    sink.write([(n, tick(n)) for n in range(5_000, 15_000)])
    assert sink.prune(Retention(gigabytes=1e-6), 0, 1_000).deleted == 1_000
    seqs = [row.seq for row in sink.rows("AAPL.US", 0, 2**62)]
    sink.close()
    assert seqs[0] == 2_000 and seqs[-1] == 14_999


def test_two_recorders_creating_the_tables_at_once_both_succeed(dsn: str) -> None:
    errors: list[Exception] = []

    def open_one() -> None:
        sink = PostgresTickSink(dsn)
        try:
            sink.open()
        except Exception as exc:
            errors.append(exc)
        finally:
            sink.close()

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert errors == []

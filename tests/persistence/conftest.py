"""Sinks for the recorder tests: SQLite in a temp folder, and a real PostgreSQL server.

PostgreSQL comes from `QB_TEST_POSTGRES_DSN` (`.ci/run` starts a server and sets it). Without
it the PostgreSQL cases skip locally and fail in CI (`need_system`). Each case starts from
empty tick tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.persistence.postgres_sink import PostgresTickSink
from desktop.persistence.tick_store import SqliteTickStore
from tests.conftest import need_system

POSTGRES_ENV = "QB_TEST_POSTGRES_DSN"
SinkFactory = Callable[[], SqliteTickStore | PostgresTickSink]


def postgres_dsn() -> str:
    """The test server's connection string; skips (or fails in CI) when there is none."""
    dsn = os.environ.get(POSTGRES_ENV, "")
    reachable = False
    if dsn:
        try:
            import psycopg

            with psycopg.connect(dsn, connect_timeout=3):
                reachable = True
        except Exception:
            reachable = False
    need_system(reachable, f"a PostgreSQL server ({POSTGRES_ENV})")
    return dsn


def reset_postgres(dsn: str) -> None:
    """Drop the tick tables so a case starts empty."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS qb_events, qb_refs, qb_meta")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def sink_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SinkFactory]:
    """A factory of fresh sinks over one empty store (each thread opens its own)."""
    if request.param == "sqlite":
        path = tmp_path / "ticks.db"
        yield lambda: SqliteTickStore(path)
        return
    dsn = postgres_dsn()
    reset_postgres(dsn)
    yield lambda: PostgresTickSink(dsn)
    reset_postgres(dsn)

"""SIGKILL while writing leaves a readable database holding every committed batch."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TIMEOUT_S
from tests.persistence.conftest import postgres_dsn, reset_postgres

ROOT = Path(__file__).resolve().parents[2]
RUNS = 4


def _run_and_kill(args: list[str], rng: random.Random) -> int:
    """Start the writer, kill -9 it at a random moment after a few commits; the last id it saw."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.persistence._kill_writer", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    last = 0
    wanted = rng.randint(2, 12)
    deadline = time.monotonic() + 4 * TIMEOUT_S
    try:
        seen = 0
        while seen < wanted:
            line = child.stdout.readline()
            assert line, "the writer died on its own"
            last = int(line.split()[1])
            seen += 1
            assert time.monotonic() < deadline
        time.sleep(rng.uniform(0.0, 0.05))  # land anywhere, most likely inside a write
    finally:
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=TIMEOUT_S)
    for line in rest.splitlines():  # commits printed before the signal landed
        last = max(last, int(line.split()[1]))
    assert child.returncode == -signal.SIGKILL
    return last


@pytest.mark.slow
def test_sqlite_survives_sigkill_with_every_committed_batch(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    rng = random.Random(2024)
    for _ in range(RUNS):
        committed = _run_and_kill(["sqlite", str(path)], rng)
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count, top = db.execute("SELECT count(*), max(id) FROM events").fetchone()
            assert top >= committed
            assert count == top  # no hole: every batch is whole or absent
            assert db.execute("SELECT count(*) FROM events WHERE price IS NULL").fetchone()[0] == 0


@pytest.mark.slow
@pytest.mark.system
def test_postgres_survives_sigkill_with_every_committed_batch() -> None:
    import psycopg

    dsn = postgres_dsn()
    reset_postgres(dsn)
    rng = random.Random(2025)
    try:
        for _ in range(RUNS):
            with psycopg.connect(dsn) as conn:  # ids a killed batch took are never reused
                exists = conn.execute("SELECT to_regclass('qb_events_id_seq') IS NOT NULL")
                row = (
                    conn.execute("SELECT last_value FROM qb_events_id_seq").fetchone()
                    if (exists.fetchone() or (False,))[0]
                    else (0,)
                )
            before = int(row[0]) if row else 0
            committed = _run_and_kill(["postgres"], rng)
            with psycopg.connect(dsn) as conn:
                found = conn.execute(
                    "SELECT count(*) FROM qb_events WHERE id > %s AND id <= %s",
                    (before, committed),
                ).fetchone()
            assert found is not None and found[0] == committed - before
    finally:
        reset_postgres(dsn)

"""Crash safety: a writer is SIGKILLed at random moments; every acknowledged edit survives."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from tests.conftest import TIMEOUT_S
from tests.persistence.crash_writer import LISTS, expected_after

ROOT = Path(__file__).resolve().parents[2]
KILLS = 24


def stored(path: Path) -> dict[str, list[str]]:
    repo = WatchlistRepository(Database(path))
    try:
        assert repo.db.recovery_message is None
        return {info.name: repo.symbols(info.id) for info in repo.lists()}
    finally:
        repo.db.close()


def run_until_killed(path: Path, start: int, acks_wanted: int, rng: random.Random) -> int:
    """Start the writer at edit `start`, SIGKILL it after some acks; return the last acked edit."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.persistence.crash_writer", str(path), str(start)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert child.stdout is not None
    last = start - 1
    deadline = time.monotonic() + TIMEOUT_S * 4
    try:
        assert child.stdout.readline().strip() == "ready"
        while last - start + 1 < acks_wanted and time.monotonic() < deadline:
            line = child.stdout.readline()
            assert line.startswith("ack "), line
            last = int(line.split()[1])
        time.sleep(rng.uniform(0, 0.004))  # land the kill anywhere, often mid-transaction
        os.kill(child.pid, signal.SIGKILL)
        child.wait(TIMEOUT_S)
        for line in child.stdout:  # acks printed before the kill still count
            if line.startswith("ack "):
                last = int(line.split()[1])
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    return last


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_edit(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    repo = WatchlistRepository(Database(path))
    for name in LISTS:
        repo.create(name)
    repo.db.close()
    rng = random.Random(20261122)
    done = 0  # edits 0 … done-1 are known to be in the file
    extra_commits = 0
    for _ in range(KILLS):
        last_acked = run_until_killed(path, done, rng.randint(1, 40), rng)
        state = stored(path)
        acked = expected_after(last_acked + 1)
        if state == acked:
            done = last_acked + 1
        else:  # killed between COMMIT and print: exactly one more edit may be there
            assert state == expected_after(last_acked + 2), "an acknowledged edit is missing"
            done = last_acked + 2
            extra_commits += 1
    check = Database(path)
    try:
        assert check.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        positions = check.conn.execute(
            "SELECT watchlist_id, group_concat(position) FROM "
            "(SELECT * FROM watchlist_items ORDER BY position) GROUP BY watchlist_id"
        ).fetchall()
    finally:
        check.close()
    for _, joined in positions:
        assert [int(p) for p in joined.split(",")] == list(range(len(joined.split(","))))
    assert done > KILLS  # it really edited between kills

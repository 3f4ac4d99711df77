"""The whole app records a smoke run (`recorded` equals `ticks`) and replays it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TIMEOUT_S


def smoke(*args: str) -> dict[str, object]:
    """Run `quoteboard --smoke …` headless and return its JSON line (it must exit 0)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=12 * TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(report, dict)
    return report


@pytest.mark.slow
def test_a_recorded_smoke_run_stores_every_tick_and_replays_them_all(tmp_path: Path) -> None:
    recorded = smoke("--smoke", "3", "--record", "--seed", "3", "--data-dir", str(tmp_path))
    assert recorded["ticks"] == recorded["recorded"] and recorded["ticks"] > 0
    ticks_db = tmp_path / "ticks.db"
    with sqlite3.connect(ticks_db) as db:
        stored = db.execute("SELECT count(*) FROM events WHERE kind = 0").fetchone()[0]
        symbols = db.execute("SELECT count(*) FROM symbols").fetchone()[0]
    assert stored == recorded["ticks"]

    replayed = smoke(
        "--smoke",
        "4",
        "--replay",
        str(ticks_db),
        "--speed",
        "50",
        "--data-dir",
        str(tmp_path / "r"),
    )
    assert replayed["ticks"] == recorded["ticks"]
    assert replayed["rows"] == symbols == replayed["rows_with_price"]
    assert "recorded" not in replayed


def test_record_and_replay_together_are_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--record", "--replay", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=4 * TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 2 and "would record the replay" in done.stderr

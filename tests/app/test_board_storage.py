"""A board's start-up never crashes on storage: a database another program holds locked is waited
for with a message (never moved aside), a read-only one is shown read-only with a notice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync

from desktop.app.board import QuoteBoardApp
from desktop.app.config import AppConfig
from desktop.app.database import open_database
from desktop.persistence.database import Database
from desktop.persistence.paths import DB_FILENAME
from desktop.persistence.watchlists import WatchlistRepository
from tests.app.test_board import run_on
from tests.conftest import TIMEOUT_S, MemoryKeyring

_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE watchlists SET position = position")
print("held", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _seeded(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    db = Database(data / DB_FILENAME)
    WatchlistRepository(db).create("Mine", ["AAPL.US", "00700.HK"])
    db.close()
    return data / DB_FILENAME


@pytest.fixture
def lock_holder() -> Iterator[list[subprocess.Popen[str]]]:
    held: list[subprocess.Popen[str]] = []
    yield held
    for process in held:
        process.kill()
        process.wait()


def _hold(path: Path, held: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    held.append(process)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def _release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()
    process.wait(TIMEOUT_S)


def test_the_start_up_waits_for_a_locked_database_and_opens_the_users_lists(
    tmp_path: Path, lock_holder: list[subprocess.Popen[str]]
) -> None:
    data = tmp_path / "data"
    path = _seeded(data)
    holder = _hold(path, lock_holder)
    said: list[str] = []

    def waiting(message: str) -> None:
        said.append(message)
        _release(holder)  # the other program lets go while we wait

    opened = open_database(data, on_wait=waiting)
    try:
        assert len(said) == 1 and "another program has it locked" in said[0]
        assert opened.scratch is None and opened.notice is None
        assert [i.name for i in WatchlistRepository(opened.db).lists()] == ["Mine"]
    finally:
        opened.db.close()
    assert sorted(p.name for p in data.iterdir() if "corrupt" in p.name) == []


def test_a_database_locked_past_the_wait_is_left_alone_and_said_so(
    tmp_path: Path, lock_holder: list[subprocess.Popen[str]]
) -> None:
    data = tmp_path / "data"
    path = _seeded(data)
    _hold(path, lock_holder)
    opened = open_database(data, on_wait=lambda message: None, lock_wait_s=0.5)
    try:
        assert opened.scratch is not None  # a scratch database; the user's file untouched
        assert opened.notice is not None and "locked by another program" in opened.notice
        assert "not touched" in opened.notice
    finally:
        opened.db.close()
        if opened.scratch is not None:
            opened.scratch.cleanup()
    assert sorted(p.name for p in data.iterdir() if "corrupt" in p.name) == []


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder whose database nobody may write, root included (immutable files)."""
    data = tmp_path / "data"
    path = _seeded(data)
    for leftover in data.glob(f"{DB_FILENAME}-*"):
        leftover.unlink()
    path.chmod(0o444)
    data.chmod(0o555)
    frozen = [str(path), str(data)]
    if os.geteuid() == 0:
        done = (
            subprocess.run(["chattr", "+i", *frozen], capture_output=True, check=False)
            if shutil.which("chattr")
            else None
        )
        if done is None or done.returncode != 0:
            data.chmod(0o755)
            pytest.skip("cannot make a file read-only for root on this file system")
    try:
        yield data
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", *frozen], capture_output=True, check=False)
        data.chmod(0o755)


def test_a_read_only_database_starts_the_board_read_only_with_a_notice(
    qloop: qasync.QEventLoop,
    read_only_data: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUOTEBOARD_TOKEN", raising=False)
    board = QuoteBoardApp(AppConfig(data_dir=read_only_data))
    codes: list[int] = []

    async def body() -> None:
        board.build()  # never raises on storage
        await board.start()
        try:
            assert board.opened.db.read_only
            assert [i.name for i in board.session.lists()] == ["Mine"]
            notices = board.panel.notices
            assert "read-only" in notices.text() and "will not be saved" in notices.text()
        finally:
            codes.append(await board.shutdown())

    run_on(qloop, body)
    assert codes == [0]
    assert sorted(p.name for p in read_only_data.iterdir()) == [DB_FILENAME]

"""Locked, read-only and corrupt databases: "corrupt" means corrupt, never "locked"; the command
line never renames the user's file and answers storage trouble with one sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.persistence.database import Database, DatabaseCorrupt
from desktop.persistence.paths import DB_FILENAME
from desktop.persistence.watchlists import WatchlistRepository
from tests.conftest import TIMEOUT_S

_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE watchlists SET position = position")
print("held", flush=True)
sys.stdin.readline()  # hold the write lock until the test says so
conn.execute("ROLLBACK")
"""


def _seeded(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    db = Database(data / DB_FILENAME)
    WatchlistRepository(db).create("Tech", ["AAPL.US", "MSFT.US"])
    db.close()
    return data / DB_FILENAME


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def holder() -> Iterator[type[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    class Holder(subprocess.Popen[str]):
        def __init__(self, path: Path) -> None:
            super().__init__(
                [sys.executable, "-c", _HOLDER, str(path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            started.append(self)
            assert self.stdout is not None and self.stdout.readline().strip() == "held"

        def release(self) -> None:
            assert self.stdin is not None
            self.stdin.write("\n")
            self.stdin.flush()
            self.wait(TIMEOUT_S)

    yield Holder
    for process in started:
        process.kill()
        process.wait()


def _read_line_until(stream: object, needle: str) -> str:
    """Read lines from a pipe until one contains `needle` (the CLI is waiting, saying so)."""
    deadline = time.monotonic() + TIMEOUT_S * 2
    seen = ""
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        seen += line
        if needle in line:
            return seen
        if not line:
            break
    raise AssertionError(f"never said {needle!r}: {seen!r}")


def test_the_cli_waits_for_a_locked_database_saying_so_and_never_moves_it(
    tmp_path: Path, holder: type[subprocess.Popen[str]]
) -> None:
    data = tmp_path / "data"
    path = _seeded(data)
    lock = holder(path)  # type: ignore[call-arg]
    cli = _cli("lists", "--data-dir", str(data))
    assert cli.stderr is not None
    said = _read_line_until(cli.stderr, "locked")
    assert "Waiting for" in said and str(path) in said
    assert cli.poll() is None  # still waiting, not failed
    lock.release()  # type: ignore[attr-defined]
    out, err = cli.communicate(timeout=TIMEOUT_S * 2)
    assert cli.returncode == 0, err
    assert out == "Tech\t2\n"
    assert sorted(p.name for p in data.iterdir() if "corrupt" in p.name) == []


def test_opening_waits_for_a_locked_database_once_said_and_keeps_the_lists(
    tmp_path: Path, holder: type[subprocess.Popen[str]]
) -> None:
    data = tmp_path / "data"
    path = _seeded(data)
    lock = holder(path)  # type: ignore[call-arg]
    messages: list[str] = []

    def waiting(message: str) -> None:
        messages.append(message)
        lock.release()  # type: ignore[attr-defined]  # the other program lets go

    db = Database(path, on_wait=waiting, busy_ms=100)
    try:
        assert len(messages) == 1 and "locked" in messages[0]
        assert [i.name for i in WatchlistRepository(db).lists()] == ["Tech"]
        assert db.recovery_message is None
    finally:
        db.close()
    assert not [p for p in data.iterdir() if "corrupt" in p.name]


def test_a_database_locked_for_too_long_is_reported_not_moved(
    tmp_path: Path, holder: type[subprocess.Popen[str]]
) -> None:
    path = _seeded(tmp_path / "data")
    lock = holder(path)  # type: ignore[call-arg]
    with pytest.raises(Exception, match="locked by another program") as caught:
        Database(path, lock_wait_s=0.3, busy_ms=50)
    assert not isinstance(caught.value, DatabaseCorrupt)
    lock.release()  # type: ignore[attr-defined]
    assert not [p for p in path.parent.iterdir() if "corrupt" in p.name]


def test_no_cli_command_renames_a_corrupt_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / DB_FILENAME
    path.write_bytes(b"not a database at all" * 100)
    for args in (["lists"], ["export", "Tech"], ["import", "-", "--into", "X"]):
        cli = _cli(*args, "--data-dir", str(data))
        out, err = cli.communicate("AAPL\n", timeout=TIMEOUT_S * 4)
        assert cli.returncode == 1
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert "left as it is" in err
    assert sorted(p.name for p in data.iterdir()) == [DB_FILENAME]
    assert path.read_bytes().startswith(b"not a database at all")
    with pytest.raises(DatabaseCorrupt):
        Database(path, recover=False)


def test_the_cli_answers_a_full_disk_with_one_sentence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _seeded(data)
    with open(os.devnull if not Path("/dev/full").exists() else "/dev/full", "w") as full:
        cli = subprocess.run(
            [sys.executable, "-m", "desktop", "export", "Tech", "--data-dir", str(data)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=TIMEOUT_S * 4,
            check=False,
        )
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    assert cli.returncode == 1
    assert cli.stderr == "quoteboard: No space left on device.\n"


def _freeze(paths: list[Path], on: bool) -> bool:
    """Make files read-only even for root (`chattr +i`); False where the file system cannot."""
    flag = "+i" if on else "-i"
    done = subprocess.run(
        ["chattr", flag, *map(str, paths)], capture_output=True, check=False, timeout=TIMEOUT_S
    )
    return done.returncode == 0


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder and database nobody may write (root included: immutable files)."""
    data = tmp_path / "data"
    path = _seeded(data)
    for leftover in data.glob(f"{DB_FILENAME}-*"):
        leftover.unlink()
    path.chmod(0o444)
    data.chmod(0o555)
    frozen = [path, data]
    if os.geteuid() == 0 and (shutil.which("chattr") is None or not _freeze(frozen, True)):
        data.chmod(0o755)
        pytest.skip("cannot make a file read-only for root on this file system")
    try:
        yield data
    finally:
        if os.geteuid() == 0:
            _freeze(frozen, False)
        data.chmod(0o755)


def test_a_read_only_database_is_read_with_a_message_and_writes_get_one_sentence(
    read_only_data: Path,
) -> None:
    data = read_only_data
    listed = _cli("lists", "--data-dir", str(data))
    out, err = listed.communicate(timeout=TIMEOUT_S * 4)
    assert listed.returncode == 0, err
    assert out == "Tech\t2\n" and "read-only" in err
    imported = _cli("import", "-", "--into", "Tech", "--data-dir", str(data))
    out, err = imported.communicate("NVDA\n", timeout=TIMEOUT_S * 4)
    assert imported.returncode == 1
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("quoteboard: ")
    assert sorted(p.name for p in data.iterdir()) == [DB_FILENAME]

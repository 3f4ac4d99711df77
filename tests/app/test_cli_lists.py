"""`quoteboard lists | export | import`: data dir honoured, bad files named by line, app running."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

from desktop.app.cli_lists import cli_export, cli_import, cli_lists
from desktop.domain.list_text import ListFormat
from desktop.persistence.database import Database
from desktop.persistence.paths import DB_FILENAME
from desktop.persistence.watchlists import WatchlistRepository
from tests.conftest import TIMEOUT_S


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 4,
        check=False,
    )


def repo_at(data_dir: Path) -> WatchlistRepository:
    return WatchlistRepository(Database(data_dir / DB_FILENAME))


def test_the_commands_work_from_the_shell_with_data_dir_before_or_after(tmp_path: Path) -> None:
    data = tmp_path / "data"
    listing = tmp_path / "tech.txt"
    listing.write_text("AAPL, MSFT 700.HK\n", encoding="utf-8")
    imported = run("import", str(listing), "--data-dir", str(data))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "Created “tech” with 3 symbols."
    listed = run("--data-dir", str(data), "lists")
    assert listed.stdout == "tech\t3\n"
    exported = run("export", "TECH", "--format", "txt", "--data-dir", str(data))
    assert exported.stdout == "AAPL.US\nMSFT.US\n00700.HK\n"
    as_csv = run("export", "tech", "--data-dir", str(data))
    assert as_csv.stdout.splitlines()[:2] == ["symbol,name", "AAPL.US,Apple Inc."]


def test_a_bad_file_is_refused_with_its_line_and_nothing_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,name\nAAPL,Apple\nNOT A SYMBOL!,x\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cli_import(data, str(bad), "Tech", None, out, err) == 1
    assert "bad.csv line 3" in err.getvalue() and "Nothing was imported" in err.getvalue()
    assert repo_at(data).lists() == []


def test_unreadable_and_missing_files_get_a_sentence(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"AAPL\n\xff\xfe\x00")
    err = io.StringIO()
    assert cli_import(tmp_path / "d", str(binary), None, None, io.StringIO(), err) == 1
    assert "x.txt line 2: not UTF-8 text" in err.getvalue()
    err = io.StringIO()
    assert (
        cli_import(tmp_path / "d", str(tmp_path / "nope.txt"), None, None, io.StringIO(), err) == 1
    )
    assert "nope.txt" in err.getvalue() and "No such file" in err.getvalue()


def test_import_into_an_existing_list_adds_only_what_is_new(tmp_path: Path) -> None:
    repo = repo_at(tmp_path)
    repo.create("Tech", ["AAPL"])
    repo.db.close()
    out = io.StringIO()
    stdin = io.StringIO("AAPL MSFT\nNVDA\n")
    assert cli_import(tmp_path, "-", "tech", None, out, io.StringIO(), stdin) == 0
    assert out.getvalue().strip() == "Added 2 symbols to “Tech”. (1 was already there.)"
    assert repo_at(tmp_path).symbols(1) == ["AAPL.US", "MSFT.US", "NVDA.US"]


def test_export_of_a_missing_list_names_the_lists_there_are(tmp_path: Path) -> None:
    repo_at(tmp_path).create("Tech")
    err = io.StringIO()
    assert cli_export(tmp_path, "Banks", ListFormat.CSV, err=err) == 1
    assert "no watchlist named “Banks”" in err.getvalue() and "“Tech”" in err.getvalue()


def test_the_commands_wait_for_a_running_app_that_is_writing(tmp_path: Path) -> None:
    app = repo_at(tmp_path)  # the running app's connection
    tech = app.create("Tech", ["AAPL"])
    listing = tmp_path / "more.txt"
    listing.write_text("TSLA\n", encoding="utf-8")
    result: list[int] = []
    app.db.conn.execute("BEGIN IMMEDIATE")  # the app is in the middle of a write
    worker = threading.Thread(
        target=lambda: result.append(
            cli_import(tmp_path, str(listing), "Tech", None, io.StringIO(), io.StringIO())
        )
    )
    worker.start()
    worker.join(0.3)
    assert worker.is_alive()  # waiting on the lock (busy_timeout), not failing with "locked"
    app.db.conn.execute("COMMIT")
    worker.join(TIMEOUT_S)
    assert result == [0]
    assert app.symbols(tech.id) == ["AAPL.US", "TSLA.US"]
    out = io.StringIO()
    assert cli_lists(tmp_path, out) == 0 and out.getvalue() == "Tech\t2\n"

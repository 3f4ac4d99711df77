"""`quoteboard lists | export NAME | import FILE`: scripts read and edit the watchlists.

`quoteboard lists | export NAME | import FILE` open the same SQLite file as a running app (WAL and a
busy timeout let both write); the app notices the change and reloads its tabs. Parsing and
formatting are pure (`domain.list_text`); this module adds the files and the database. The
commands never rename the user's file (a corrupt one is only reported), wait for a locked one
saying so, and answer storage trouble (a full disk, a read-only file) with one sentence.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from desktop.app.config import ListCommand
from desktop.domain.list_text import (
    MAX_LIST_BYTES,
    ListFormat,
    ListParseError,
    format_list,
    parse_list,
)
from desktop.domain.watchlist import (
    StorageError,
    WatchlistInfo,
    WatchlistNameError,
    WatchlistNotFound,
)
from desktop.persistence.database import Database, DatabaseTooNew, DatabaseUnavailable
from desktop.persistence.list_files import read_list_file
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.persistence.watchlists import WatchlistRepository

__all__ = [
    "ImportResult",
    "cli_export",
    "cli_import",
    "cli_lists",
    "export_list",
    "import_text",
    "run_list_command",
]

NameOf = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, in a sentence for the user (`message`)."""

    watchlist: WatchlistInfo
    added: tuple[str, ...]
    already: int
    created: bool

    @property
    def message(self) -> str:
        """E.g. 'Added 3 symbols to “Tech” (1 was already there).'"""
        count = len(self.added)
        what = f"{count} symbol{'' if count == 1 else 's'}"
        name = self.watchlist.name
        text = f"Created “{name}” with {what}." if self.created else f"Added {what} to “{name}”."
        if self.already:
            text += f" ({self.already} {'was' if self.already == 1 else 'were'} already there.)"
        return text


def import_text(
    repo: WatchlistRepository, text: str, fmt: ListFormat, source: str, into: str
) -> ImportResult:
    """Add the file's symbols to the list named `into` (created when missing), in one transaction."""
    parsed = parse_list(text, fmt, source)
    codes = [str(symbol) for symbol in parsed.symbols]
    existing = repo.find(into)
    if existing is None:
        info = repo.create(into, codes)
        return ImportResult(info, tuple(codes), parsed.duplicates, True)
    added = repo.add_symbols(existing.id, codes)
    info = repo.get(existing.id)
    return ImportResult(info, tuple(added), len(codes) - len(added) + parsed.duplicates, False)


def export_list(
    repo: WatchlistRepository, name: str, fmt: ListFormat, name_of: NameOf = lambda code: ""
) -> str:
    """The list named `name` as CSV or text; raises `WatchlistNotFound`."""
    info = repo.find(name)
    if info is None:
        known = ", ".join(f"“{i.name}”" for i in repo.lists()) or "none yet"
        raise WatchlistNotFound(f"There is no watchlist named “{name}” (lists: {known}).")
    return format_list(repo.symbols(info.id), fmt, name_of)


# -- command line ------------------------------------------------------------------------------
def _open(data_dir: Path | None, err: TextIO) -> Database | None:
    def waiting(message: str) -> None:
        print(f"quoteboard: {message}", file=err, flush=True)

    try:
        db = Database(resolve_data_dir(data_dir) / DB_FILENAME, recover=False, on_wait=waiting)
    except (DatabaseTooNew, DatabaseUnavailable, OSError) as exc:
        print(f"quoteboard: {_sentence(exc)}", file=err)
        return None
    if db.recovery_message:
        print(f"quoteboard: {db.recovery_message}", file=err)
    return db


def _sentence(exc: BaseException) -> str:
    """One line for a storage or file error (never a traceback)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}."
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _storage_guard(err: TextIO, action: Callable[[], int]) -> int:
    """Run a command; a storage or output failure becomes one sentence on stderr and exit 1."""
    try:
        return action()
    except (StorageError, DatabaseUnavailable, OSError) as exc:
        with contextlib.suppress(Exception):  # stderr itself may be gone
            print(f"quoteboard: {_sentence(exc)}", file=err)
        return 1


def cli_lists(data_dir: Path | None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`quoteboard lists`: one line per list, `NAME<TAB>COUNT`, in tab order."""
    out_, err_ = out or sys.stdout, err or sys.stderr

    def run() -> int:
        db = _open(data_dir, err_)
        if db is None:
            return 1
        try:
            for info in WatchlistRepository(db).lists():
                print(f"{info.name}\t{info.count}", file=out_)
            out_.flush()
        finally:
            db.close()
        return 0

    return _storage_guard(err_, run)


def cli_export(
    data_dir: Path | None,
    name: str,
    fmt: ListFormat,
    name_of: NameOf = lambda code: "",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`quoteboard export NAME`: the list on stdout."""
    out_, err_ = out or sys.stdout, err or sys.stderr

    def run() -> int:
        db = _open(data_dir, err_)
        if db is None:
            return 1
        try:
            out_.write(export_list(WatchlistRepository(db), name, fmt, name_of))
            out_.flush()
        except WatchlistNotFound as exc:
            print(f"quoteboard: {exc}", file=err_)
            return 1
        finally:
            db.close()
        return 0

    return _storage_guard(err_, run)


def cli_import(
    data_dir: Path | None,
    file: str,
    into: str | None,
    fmt: ListFormat | None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """`quoteboard import FILE [--into NAME]`: FILE `-` reads stdin; exit 1 on a bad file."""
    out_, err_, stdin_ = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    return _storage_guard(err_, lambda: _import(data_dir, file, into, fmt, out_, err_, stdin_))


def _import(
    data_dir: Path | None,
    file: str,
    into: str | None,
    fmt: ListFormat | None,
    out: TextIO,
    err: TextIO,
    stdin: TextIO,
) -> int:
    try:
        if file == "-":
            text, source, stem = stdin.read(MAX_LIST_BYTES + 1), "stdin", "Imported"
        else:
            path = Path(file)
            text, source, stem = read_list_file(path), path.name, path.stem
        kind = fmt or ListFormat.for_filename(file)
        db = _open(data_dir, err)
        if db is None:
            return 1
        try:
            result = import_text(WatchlistRepository(db), text, kind, source, into or stem)
        finally:
            db.close()
    except (ListParseError, WatchlistNameError) as exc:
        print(f"quoteboard: {exc}", file=err)
        return 1
    print(result.message, file=out)
    return 0


def run_list_command(command: ListCommand) -> int:
    """Run one `quoteboard lists | export | import`; returns the exit code."""
    if command.action == "lists":
        return cli_lists(command.data_dir)
    if command.action == "export":
        from desktop.domain.symbol_universe import SymbolUniverse
        from desktop.widgets.resources import resource_path

        files = [resource_path("symbols", name) for name in ("us.csv", "hk.csv")]
        names = SymbolUniverse.from_files(files).name_of
        fmt = command.format or ListFormat.CSV
        return cli_export(command.data_dir, command.name, fmt, names)
    return cli_import(command.data_dir, command.file, command.into, command.format)

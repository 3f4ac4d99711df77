"""`quoteboard lists | export NAME | import FILE`: scripts read and edit the watchlists.

`quoteboard lists | export NAME | import FILE` open the same SQLite file as a running app (WAL and a
busy timeout let both write); the app notices the change and reloads its tabs. Parsing and
formatting are pure (`domain.list_text`); this module adds the files and the database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from desktop.app.config import ListCommand
from desktop.domain.list_text import ListFormat, ListParseError, format_list, parse_list
from desktop.domain.watchlist import WatchlistInfo, WatchlistNameError, WatchlistNotFound
from desktop.persistence.database import Database, DatabaseTooNew
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
    try:
        db = Database(resolve_data_dir(data_dir) / DB_FILENAME)
    except (DatabaseTooNew, OSError) as exc:
        print(f"quoteboard: {exc}", file=err)
        return None
    if db.recovery_message:
        print(f"quoteboard: {db.recovery_message}", file=err)
    return db


def cli_lists(data_dir: Path | None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`quoteboard lists`: one line per list, `NAME<TAB>COUNT`, in tab order."""
    out, err = out or sys.stdout, err or sys.stderr
    db = _open(data_dir, err)
    if db is None:
        return 1
    try:
        for info in WatchlistRepository(db).lists():
            print(f"{info.name}\t{info.count}", file=out)
    finally:
        db.close()
    return 0


def cli_export(
    data_dir: Path | None,
    name: str,
    fmt: ListFormat,
    name_of: NameOf = lambda code: "",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`quoteboard export NAME`: the list on stdout."""
    out, err = out or sys.stdout, err or sys.stderr
    db = _open(data_dir, err)
    if db is None:
        return 1
    try:
        out.write(export_list(WatchlistRepository(db), name, fmt, name_of))
    except WatchlistNotFound as exc:
        print(f"quoteboard: {exc}", file=err)
        return 1
    finally:
        db.close()
    return 0


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
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    try:
        if file == "-":
            text, source, stem = stdin.read(), "stdin", "Imported"
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

"""Watchlists as files: parse an imported CSV or plain-text list, format one for export.

Pure (text in, text out) so the File menu and the `quoteboard import/export` commands share it.
A bad line is reported with its number and nothing is imported: a half-imported list would be a
silent loss of the lines the user did not notice. Parsing is linear in the file; a file above
`MAX_LIST_BYTES` is refused with the reason before any parsing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from desktop.domain.symbols import Symbol, SymbolError, parse_symbols

__all__ = [
    "MAX_LIST_BYTES",
    "ListFormat",
    "ListParseError",
    "ParsedList",
    "format_list",
    "parse_list",
    "too_large",
]

_MAX_ERRORS_SHOWN = 5
MAX_LIST_BYTES = 8 * 2**20
"""The largest watchlist file imported: 8 MB is ~500,000 symbols with names, far beyond any list."""
_PROGRESS_EVERY = 4096
"""Lines between two progress reports."""


def too_large(size: int) -> str | None:
    """Why a file of `size` bytes is refused, or None when it may be imported."""
    if size <= MAX_LIST_BYTES:
        return None
    return (
        f"the file is {size / 2**20:.1f} MB; a watchlist file may be at most "
        f"{MAX_LIST_BYTES // 2**20} MB"
    )


class ListFormat(Enum):
    """The two file formats: CSV with a header, or text with symbols separated by space/comma/lines."""

    CSV = "csv"
    TXT = "txt"

    @classmethod
    def for_filename(cls, name: str) -> ListFormat:
        """CSV for `.csv`, plain text for anything else."""
        return cls.CSV if name.lower().endswith(".csv") else cls.TXT


class ListParseError(ValueError):
    """A file with lines that are not symbols; `str()` names each bad line (the first few)."""

    def __init__(self, source: str, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        shown = [
            f"{source} line {line}: {text}" if line else f"{source}: {text}"
            for line, text in self.problems[:_MAX_ERRORS_SHOWN]
        ]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"… and {more} more bad line{'s' if more > 1 else ''}")
        super().__init__("\n".join(shown) + "\nNothing was imported.")


@dataclass(slots=True)
class ParsedList:
    """The symbols of a file, in order, each once; `duplicates` counts repeats that were dropped."""

    symbols: list[Symbol] = field(default_factory=list)
    duplicates: int = 0
    _seen: set[Symbol] = field(default_factory=set, repr=False)

    def add(self, symbol: Symbol) -> None:
        """Append unless already present (a set lookup: linear in the file, not quadratic)."""
        if symbol in self._seen:
            self.duplicates += 1
        else:
            self._seen.add(symbol)
            self.symbols.append(symbol)


def parse_list(
    text: str,
    fmt: ListFormat,
    source: str = "the file",
    progress: Callable[[float], None] | None = None,
) -> ParsedList:
    """Symbols of an imported file; raises `ListParseError` naming every bad line (or why the
    whole file is refused). `progress` hears the fraction done every few thousand lines."""
    refused = too_large(len(text))
    if refused is not None:
        raise ListParseError(source, [(0, refused)])
    if "\x00" in text:
        raise ListParseError(source, [(1, "this is a binary file, not a list of symbols")])
    parsed = ParsedList()
    problems: list[tuple[int, str]] = []
    lines = text.count("\n") + 1
    if fmt is ListFormat.CSV:
        _parse_csv(text, parsed, problems, _reporter(progress, lines))
    else:
        report = _reporter(progress, lines)
        for number, line in enumerate(text.splitlines(), start=1):
            if not number % _PROGRESS_EVERY:
                report(number)
            content = line.split("#", 1)[0]
            symbols, errors = parse_symbols(content)
            problems.extend((number, error) for error in errors)
            for symbol in symbols:
                parsed.add(symbol)
    if problems:
        raise ListParseError(source, problems)
    return parsed


def _reporter(progress: Callable[[float], None] | None, lines: int) -> Callable[[int], None]:
    """Line number → `progress(fraction)`, or a no-op."""
    if progress is None:
        return lambda number: None
    return lambda number: progress(min(1.0, number / lines))


def _parse_csv(
    text: str,
    parsed: ParsedList,
    problems: list[tuple[int, str]],
    report: Callable[[int], None],
) -> None:
    column = 0
    header_seen = False
    reader = csv.reader(io.StringIO(text))
    try:
        for count, cells in enumerate(reader, start=1):
            number = reader.line_num
            if not count % _PROGRESS_EVERY:
                report(number)
            if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                lowered = [cell.strip().lower() for cell in cells]
                for title in ("symbol", "code", "ticker"):
                    if title in lowered:
                        column = lowered.index(title)
                        break
                else:
                    if "name" in lowered:
                        problems.append((number, "the header has no symbol column"))
                        return
                    column = 0  # no header: the first column holds the symbols
                    _parse_cell(cells, column, number, parsed, problems)
                continue
            _parse_cell(cells, column, number, parsed, problems)
    except csv.Error as exc:
        problems.append((reader.line_num, f"not valid CSV ({exc})"))


def _parse_cell(
    cells: list[str], column: int, number: int, parsed: ParsedList, problems: list[tuple[int, str]]
) -> None:
    if column >= len(cells) or not cells[column].strip():
        problems.append((number, f"column {column + 1} (the symbol) is empty"))
        return
    try:
        parsed.add(Symbol.parse(cells[column]))
    except SymbolError as exc:
        problems.append((number, str(exc)))


def format_list(
    symbols: Sequence[str], fmt: ListFormat, name_of: Callable[[str], str] = lambda code: ""
) -> str:
    """A list as CSV (`symbol,name` with a header) or as text (one symbol per line)."""
    if fmt is ListFormat.TXT:
        return "".join(f"{symbol}\n" for symbol in symbols)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["symbol", "name"])
    writer.writerows([symbol, name_of(symbol)] for symbol in symbols)
    return out.getvalue()

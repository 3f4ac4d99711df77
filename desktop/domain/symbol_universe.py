"""The bundled symbol universe: listed US and HK stocks with names and board lots, read from CSV text.

The files live in `resources/symbols/` (us.csv, hk.csv). They are data, not code: a line starting with
`#` is a comment (source and date), the first other line is the header. Parsing is pure so the
domain tests need no files; `SymbolUniverse.from_files` is the one convenience that reads them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.symbols import Market, Symbol, SymbolError

__all__ = ["ListedSymbol", "SymbolUniverse", "UniverseError", "parse_universe_csv"]


class UniverseError(ValueError):
    """A universe file that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class ListedSymbol:
    """One stock the app knows by name: its symbol, names, board lot and index memberships."""

    symbol: Symbol
    name: str
    name_zh: str = ""
    lot_size: int = 1
    exchange: str = ""
    indices: tuple[str, ...] = ()
    """Index codes it belongs to (`SPX`, `NDX`, `HSI`, `SC` for Stock Connect): used for ranking."""

    @property
    def code(self) -> str:
        """The canonical code, e.g. `00700.HK`."""
        return str(self.symbol)

    @property
    def detail(self) -> str:
        """A short second line for a search result: exchange, indices, board lot."""
        parts = [self.exchange] if self.exchange else []
        parts.extend(_INDEX_LABELS.get(index, index) for index in self.indices)
        if self.symbol.market is Market.HK:
            parts.append(f"lot {self.lot_size:,}")
        return " · ".join(parts)


_INDEX_LABELS = {
    "SPX": "S&P 500",
    "NDX": "Nasdaq-100",
    "HSI": "Hang Seng",
    "SC": "Stock Connect",
    "ETF": "ETF",
}


def _data_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def parse_universe_csv(text: str, source: str = "universe") -> list[ListedSymbol]:
    """Rows of a universe file (header `symbol,name[,name_zh][,lot_size][,exchange][,indices]`)."""
    lines = list(_data_lines(text))
    if not lines:
        return []
    header_number, header_line = lines[0]
    header = [cell.strip().lower() for cell in next(csv.reader([header_line]))]
    if "symbol" not in header or "name" not in header:
        raise UniverseError(f"{source} line {header_number}: the header needs symbol and name")
    listed: list[ListedSymbol] = []
    seen: set[Symbol] = set()
    rows = csv.reader(io.StringIO("\n".join(line for _, line in lines[1:])))
    for (number, _), cells in zip(lines[1:], rows, strict=True):
        record = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        try:
            symbol = Symbol.parse(record.get("symbol", ""))
            lot = int(record.get("lot_size") or 1)
        except (SymbolError, ValueError) as exc:
            raise UniverseError(f"{source} line {number}: {exc}") from exc
        if symbol in seen:
            raise UniverseError(f"{source} line {number}: {symbol} is listed twice")
        seen.add(symbol)
        indices = tuple(i for i in (record.get("indices") or "").split(";") if i)
        listed.append(
            ListedSymbol(
                symbol,
                record.get("name", ""),
                record.get("name_zh", ""),
                max(1, lot),
                record.get("exchange", ""),
                indices,
            )
        )
    return listed


class SymbolUniverse:
    """Every bundled `ListedSymbol`, looked up by symbol; the search runs over `entries()`."""

    def __init__(self, listed: Iterable[ListedSymbol] = ()) -> None:
        self._by_symbol: dict[Symbol, ListedSymbol] = {}
        for entry in listed:
            self._by_symbol.setdefault(entry.symbol, entry)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> SymbolUniverse:
        """Read universe CSV files (missing files are skipped: the app then searches codes only)."""
        listed: list[ListedSymbol] = []
        for path in paths:
            if path.is_file():
                listed.extend(parse_universe_csv(path.read_text(encoding="utf-8"), path.name))
        return cls(listed)

    def get(self, symbol: Symbol) -> ListedSymbol | None:
        """The listing of `symbol`, or None when it is not bundled."""
        return self._by_symbol.get(symbol)

    def name_of(self, code: str) -> str:
        """The English name of a canonical code, or "" when unknown."""
        try:
            entry = self._by_symbol.get(Symbol.parse(code))
        except SymbolError:
            return ""
        return entry.name if entry else ""

    def entries(self) -> list[ListedSymbol]:
        """All listings, in file order."""
        return list(self._by_symbol.values())

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._by_symbol

    def __len__(self) -> int:
        return len(self._by_symbol)

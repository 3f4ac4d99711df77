"""Export recorded ticks and books of one symbol and time range to CSV (from code and the UI).

Prices are written exactly as recorded (decimal text). Times are given three ways: the exchange
time in the market's own zone, the same as epoch milliseconds, and when this machine received it.
The file appears whole or not at all (written to a temporary name, then renamed).
"""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from desktop.domain.recording import EventKind, format_levels
from desktop.domain.symbols import Symbol, SymbolError
from desktop.persistence.tick_sink import TickReader

__all__ = ["CSV_COLUMNS", "ExportResult", "export_csv"]

CSV_COLUMNS = (
    "exchange_time",
    "ts_ms",
    "received_at",
    "type",
    "symbol",
    "seq",
    "price",
    "volume",
    "turnover",
    "side",
    "bids",
    "asks",
)
_SIDES = {0: "neutral", 1: "buy", 2: "sell"}


class ExportResult(msgspec.Struct, frozen=True):
    """What an export wrote."""

    path: str
    trades: int
    books: int

    @property
    def message(self) -> str:
        """A sentence for the export dialog."""
        return f"Wrote {self.trades:,} trades and {self.books:,} books to {self.path}."


def export_csv(
    reader: TickReader, symbol: str, start_ms: int, end_ms: int, path: Path
) -> ExportResult:
    """Write `symbol`'s events with exchange time in [start_ms, end_ms] to `path` as CSV."""
    try:
        zone: ZoneInfo | timezone = ZoneInfo(Symbol.parse(symbol).market.timezone)
    except (SymbolError, KeyError, ValueError):
        zone = UTC
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    trades = books = 0
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for row in reader.rows(symbol, start_ms, end_ms):
                trade = row.kind == EventKind.TRADE
                if trade:
                    trades += 1
                else:
                    books += 1
                writer.writerow(
                    (
                        datetime.fromtimestamp(row.ts_ms / 1000, zone).isoformat(
                            timespec="milliseconds"
                        ),
                        row.ts_ms,
                        datetime.fromtimestamp(row.recv_ms / 1000)
                        .astimezone()
                        .isoformat(timespec="milliseconds"),
                        "trade" if trade else "book",
                        row.symbol,
                        "" if row.seq is None else row.seq,
                        row.price or "",
                        "" if row.volume is None else row.volume,
                        row.turnover or "",
                        _SIDES.get(row.side, "") if row.side is not None else "",
                        format_levels(row.bids),
                        format_levels(row.asks),
                    )
                )
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportResult(str(path), trades, books)

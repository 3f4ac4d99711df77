"""The storage side of the recorder: one interface, SQLite and PostgreSQL behind it.

A sink is used by exactly one thread (the recorder's writer): `open`, then `write` batches, each
in one transaction, `prune` a little at a time, `close`. Storage trouble the user can fix (a full
disk, a locked file, a server that went away) is raised as `SinkUnavailable` with a sentence;
the recorder pauses, keeps the batch, and retries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

import msgspec

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.recording import EventKind, MarketEvent, Retention, encode_levels

__all__ = [
    "MAX_TEXT",
    "BatchCounts",
    "ExportRow",
    "PruneResult",
    "RecordedItem",
    "RowRejected",
    "SinkUnavailable",
    "TickReader",
    "TickSink",
    "batch_rows",
]

RecordedItem = tuple[int, MarketEvent]
"""(local wall-clock ms when the client received it, the event)."""


class SinkUnavailable(Exception):
    """Storage is temporarily unusable; `reason` is a sentence for the status bar."""

    def __init__(self, reason: str, *, kind: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        """"full", "locked", "offline" or "error"."""


class RowRejected(SinkUnavailable):
    """The storage refused a batch because of what a row holds (a value it cannot store), not
    because it is unavailable: retrying the same batch would fail forever. A `SinkUnavailable`
    (kind "row") for writers that only know that; the recorder isolates the row instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, kind="row")


class BatchCounts(msgspec.Struct):
    """What one committed batch held."""

    ticks: int = 0
    depth: int = 0
    references: int = 0
    rejected: int = 0
    """Events left out because a value cannot be stored (an integer beyond 64 bits, a huge text)."""
    last_id: int = 0
    """The id of the last event written (its position in the recorded order)."""


_Key = TypeVar("_Key")
_INT64 = (-(2**63), 2**63 - 1)
MAX_TEXT = 65_536
"""Longest text (a name, a book side as JSON) one row may hold."""


def _fits(row: tuple[object, ...]) -> bool:
    """Every integer fits a 64-bit column and every text is of a sane size."""
    low, high = _INT64
    for value in row:
        if type(value) is int:
            if not low <= value <= high:
                return False
        elif type(value) is str and len(value) > MAX_TEXT:
            return False
    return True


def batch_rows(
    items: Sequence[RecordedItem],
    symbol_key: Callable[[str], _Key],
    number: Callable[[Decimal | None], object],
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], BatchCounts]:
    """One batch as table rows, the same for every sink: events (trades and books, in received
    order) and references. `symbol_key` stores a symbol (an id, or the text); `number` a price.
    A row that cannot be stored as it is (see `_fits`) is left out and counted as rejected."""
    events: list[tuple[object, ...]] = []
    refs: list[tuple[object, ...]] = []
    counts = BatchCounts()
    for recv_ms, event in items:
        symbol = event.symbol
        if isinstance(event, Tick):
            row: tuple[object, ...] = (
                recv_ms, int(EventKind.TRADE), symbol, event.ts_ms,
                event.seq, number(event.price), event.volume, number(event.turnover),
                int(event.side), None, None,
            )  # fmt: skip
            rows, at = events, 2
        elif isinstance(event, DepthSnapshot):
            row = (
                recv_ms, int(EventKind.DEPTH), symbol, event.ts_ms,
                event.seq, None, None, None, None,
                encode_levels(event.bids), encode_levels(event.asks),
            )  # fmt: skip
            rows, at = events, 2
        elif isinstance(event, ReferenceData):
            row = (
                recv_ms, symbol, event.name, event.lot_size,
                number(event.prev_close), number(event.open), number(event.high),
                number(event.low), event.volume, number(event.turnover), number(event.last),
                event.last_time_ms, event.as_of_ms,
            )  # fmt: skip
            rows, at = refs, 1
        else:
            continue
        if len(symbol) > 64 or not _fits(row):
            counts.rejected += 1
            continue
        rows.append((*row[:at], symbol_key(symbol), *row[at + 1 :]))
        if rows is refs:
            counts.references += 1
        elif row[1] == EventKind.TRADE:
            counts.ticks += 1
        else:
            counts.depth += 1
    return events, refs, counts


class PruneResult(msgspec.Struct, frozen=True):
    """What one small pruning step removed; `more` when the limits are still exceeded."""

    deleted: int = 0
    more: bool = False


class ExportRow(msgspec.Struct, frozen=True):
    """One recorded event as the CSV export writes it (prices as exact decimal text)."""

    id: int
    recv_ms: int
    kind: int
    symbol: str
    ts_ms: int
    seq: int | None
    price: str | None
    volume: int | None
    turnover: str | None
    side: int | None
    bids: str | None
    asks: str | None


class TickSink(Protocol):
    """Where the recorder's writer thread puts batches."""

    @property
    def target(self) -> str:
        """Where the ticks go, safe to show and log (no password)."""
        ...

    def open(self) -> None:
        """Connect and create or upgrade the schema; `SinkUnavailable` when it cannot."""
        ...

    def write(self, items: Sequence[RecordedItem]) -> BatchCounts:
        """Store a batch in ONE transaction: all of it or, on error, none of it."""
        ...

    def prune(self, retention: Retention, now_ms: int, chunk: int) -> PruneResult:
        """Delete at most `chunk` of the oldest events beyond the limits, in one transaction."""
        ...

    def close(self) -> None:
        """Close the connection (never raises)."""
        ...


class TickReader(Protocol):
    """Read access to recorded events, for export."""

    def symbols(self) -> list[str]:
        """Every symbol with recorded events, sorted."""
        ...

    def time_span(self, symbol: str | None = None) -> tuple[int, int] | None:
        """(first, last) exchange time in epoch ms of recorded events, or None when empty."""
        ...

    def rows(self, symbol: str, start_ms: int, end_ms: int) -> Iterator[ExportRow]:
        """The events of `symbol` with exchange time in [start_ms, end_ms], in recorded order."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

"""Read-only access to a Quote Board tick database (`ticks.db`) for the replay.

The simulator may not import `persistence` (layers), so this reads the file format directly: the
tables `symbols`, `events` and `refs` written by `persistence/tick_store.py`, versioned by
`RECORDING_FORMAT` in `PRAGMA user_version`. A test writes with the recorder and reads with this.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.recording import RECORDING_FORMAT, EventKind, decode_levels

__all__ = ["RecordedEvent", "RecordingError", "RecordingReader"]

RecordedEvent = tuple[int, int, Tick | DepthSnapshot]
"""(id, recv_ms, event) in recorded order."""

_COLUMNS = "id, recv_ms, kind, symbol_id, ts_ms, seq, price, volume, turnover, side, bids, asks"
_SIDES = {int(side): side for side in TradeSide}


class RecordingError(Exception):
    """The file is not a readable recording, or holds nothing in the asked range."""


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class RecordingReader:
    """Queries over one recording, used from one thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise RecordingError(f"{self.path} does not exist")
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5.0)
            version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0]
                for row in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.Error as exc:
            raise RecordingError(f"{self.path} cannot be read as a recording ({exc})") from exc
        if not {"symbols", "events", "refs"} <= tables:
            self._conn.close()
            raise RecordingError(f"{self.path} is not a Quote Board tick recording")
        if version > RECORDING_FORMAT:
            self._conn.close()
            raise RecordingError(
                f"{self.path} was recorded by a newer Quote Board (format {version})"
            )
        self._names: dict[int, str] = dict(self._conn.execute("SELECT id, symbol FROM symbols"))
        self._ids = {name: key for key, name in self._names.items()}

    def close(self) -> None:
        """Release the file."""
        self._conn.close()

    def symbols(self) -> list[str]:
        """Every recorded symbol."""
        return sorted(self._ids)

    def id_range(self, start_ms: int | None, end_ms: int | None) -> tuple[int, int] | None:
        """First and last event id received within [start_ms, end_ms] (None: open-ended)."""
        conn = self._conn
        if start_ms is None:
            first = conn.execute("SELECT min(id) FROM events").fetchone()
        else:
            first = conn.execute(
                "SELECT id FROM events WHERE recv_ms >= ? ORDER BY recv_ms, id LIMIT 1",
                (start_ms,),
            ).fetchone()
        if end_ms is None:
            last = conn.execute("SELECT max(id) FROM events").fetchone()
        else:
            last = conn.execute(
                "SELECT id FROM events WHERE recv_ms <= ? ORDER BY recv_ms DESC, id DESC LIMIT 1",
                (end_ms,),
            ).fetchone()
        if not first or first[0] is None or not last or last[0] is None or last[0] < first[0]:
            return None
        return int(first[0]), int(last[0])

    def first_id(self) -> int:
        """The id of the oldest event kept."""
        row = self._conn.execute("SELECT min(id) FROM events").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def events(self, after_id: int, last_id: int, limit: int) -> list[RecordedEvent]:
        """Up to `limit` events with after_id < id ≤ last_id, in recorded order."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
            (after_id, last_id, limit),
        )
        return [(row[0], row[1], self._event(row)) for row in rows]

    def event_at(self, event_id: int) -> RecordedEvent | None:
        """One event by id."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM events WHERE id = ?", (event_id,))
        found = row.fetchone()
        return None if found is None else (found[0], found[1], self._event(found))

    def nearest(
        self, symbol: str, kind: EventKind, ts_ms: int, *, before: bool
    ) -> Tick | DepthSnapshot | None:
        """The symbol's latest event of `kind` before `ts_ms`, or its first one at or after."""
        key = self._ids.get(symbol)
        if key is None:
            return None
        op, order = ("<", "DESC") if before else (">=", "ASC")
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events WHERE symbol_id = ? AND kind = ? AND ts_ms {op} ? "
            f"ORDER BY ts_ms {order}, id {order} LIMIT 1",
            (key, int(kind), ts_ms),
        ).fetchone()
        return None if row is None else self._event(row)

    def trades_between(self, symbol: str, after_ts: int, before_ts: int) -> list[Tick]:
        """The symbol's trades with after_ts < exchange time < before_ts, in recorded order."""
        key = self._ids.get(symbol)
        if key is None:
            return []
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events WHERE symbol_id = ? AND kind = ? "
            "AND ts_ms > ? AND ts_ms < ? ORDER BY id",
            (key, int(EventKind.TRADE), after_ts, before_ts),
        )
        return [event for row in rows if isinstance(event := self._event(row), Tick)]

    def reference(self, symbol: str, recv_ms: int) -> ReferenceData | None:
        """The REST snapshot recorded for `symbol` last at or before `recv_ms` (else the first)."""
        key = self._ids.get(symbol)
        if key is None:
            return None
        row = self._conn.execute(
            "SELECT name, lot_size, prev_close, open, high, low, volume, turnover, last, "
            "last_time_ms, as_of_ms FROM refs WHERE symbol_id = ? "
            "ORDER BY recv_ms <= ? DESC, CASE WHEN recv_ms <= ? THEN -recv_ms ELSE recv_ms END "
            "LIMIT 1",
            (key, recv_ms, recv_ms),
        ).fetchone()
        if row is None:
            return None
        name, lot, prev, open_, high, low, volume, turnover, last, last_ms, as_of = row
        return ReferenceData(
            symbol,
            name=name,
            lot_size=lot,
            prev_close=_dec(prev),
            open=_dec(open_),
            high=_dec(high),
            low=_dec(low),
            volume=volume,
            turnover=_dec(turnover),
            last=_dec(last),
            last_time_ms=last_ms,
            as_of_ms=as_of,
        )

    def _event(self, row: tuple[object, ...]) -> Tick | DepthSnapshot:
        _id, _recv, kind, symbol_id, ts_ms, seq, price, volume, turnover, side, bids, asks = row
        symbol = self._names[symbol_id]  # type: ignore[index]
        if kind == EventKind.TRADE:
            return Tick(
                symbol,
                Decimal(price),  # type: ignore[arg-type]
                volume,  # type: ignore[arg-type]
                _dec(turnover),  # type: ignore[arg-type]
                _SIDES.get(side, TradeSide.NEUTRAL),  # type: ignore[call-overload]
                ts_ms,  # type: ignore[arg-type]
                seq,  # type: ignore[arg-type]
            )
        return DepthSnapshot(
            symbol,
            decode_levels(bids),  # type: ignore[arg-type]
            decode_levels(asks),  # type: ignore[arg-type]
            ts_ms,  # type: ignore[arg-type]
            seq,  # type: ignore[arg-type]
        )

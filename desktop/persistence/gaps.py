"""The gap ledger in the app database: every feed outage, per connection, kept across runs."""

from __future__ import annotations

import logging

import msgspec

from desktop.domain.gaps import Gap
from desktop.persistence.database import Database

__all__ = ["GapRepository"]

log = logging.getLogger(__name__)

_json = msgspec.json.Encoder()
_symbols = msgspec.json.Decoder(list[str])
_missed = msgspec.json.Decoder(dict[str, int])


class GapRepository:
    """Adds, closes and lists outages in the `feed_gaps` table; keeps the newest `keep` rows."""

    def __init__(self, db: Database, keep: int = 500) -> None:
        self._db = db
        self.keep = keep

    def add(self, gap: Gap) -> Gap:
        """Store a new (usually still open) gap; returns it with its id."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO feed_gaps (connection, started_ms, ended_ms, symbols, missed, reason)"
                " VALUES (?,?,?,?,?,?)",
                (
                    gap.connection,
                    gap.start_ms,
                    gap.end_ms,
                    _json.encode(list(gap.symbols)).decode(),
                    _json.encode(dict(gap.missed)).decode(),
                    gap.reason,
                ),
            )
            conn.execute(
                "DELETE FROM feed_gaps WHERE id NOT IN"
                " (SELECT id FROM feed_gaps ORDER BY started_ms DESC, id DESC LIMIT ?)",
                (self.keep,),
            )
        return msgspec.structs.replace(gap, id=cursor.lastrowid)

    def update(self, gap: Gap) -> None:
        """Store the gap's end and what was missed (it must have an id from `add`)."""
        if gap.id is None:
            raise ValueError("a gap must be added before it is updated")
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE feed_gaps SET ended_ms=?, missed=? WHERE id=?",
                (gap.end_ms, _json.encode(dict(gap.missed)).decode(), gap.id),
            )

    def recent(self, limit: int = 50) -> list[Gap]:
        """The newest gaps, oldest first; rows that cannot be read are skipped with a warning."""
        rows = self._db.conn.execute(
            "SELECT id, connection, started_ms, ended_ms, symbols, missed, reason FROM feed_gaps"
            " ORDER BY started_ms DESC, id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        gaps: list[Gap] = []
        for gap_id, connection, started, ended, symbols, missed, reason in reversed(rows):
            try:
                gaps.append(
                    Gap(
                        connection,
                        started,
                        ended,
                        tuple(_symbols.decode(symbols)),
                        _missed.decode(missed),
                        reason,
                        gap_id,
                    )
                )
            except msgspec.DecodeError:
                log.warning("skipping unreadable gap record %s", gap_id)
        return gaps

"""Which board watched what, and when: the gateway's audit log (one JSON object per line).

Market-data terms usually count users able to see the data, so every board's arrival, every
change of what it watches, its departure (or expiry) and every refusal over the board cap is
appended with the wall time, the board's id, its Redis user and host. The file is only appended
to and flushed per record, so a killed gateway loses nothing already written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

__all__ = ["AuditLog", "AuditRecord"]

log = logging.getLogger(__name__)


class AuditRecord(msgspec.Struct, frozen=True, omit_defaults=True):
    """One line of the audit log."""

    wall_ms: int
    event: str
    """"joined", "changed", "left" (its interest was deleted or expired) or "refused"."""
    board: str
    user: str = ""
    host: str = ""
    added: list[str] = []
    removed: list[str] = []
    watching: int = 0
    reason: str = ""


class AuditLog:
    """Appends `AuditRecord`s to a file (or only to the log when no file is given)."""

    def __init__(self, path: Path | None, wall_ms: Callable[[], int] | None = None) -> None:
        self.path = path
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._encoder = msgspec.json.Encoder()
        self.records = 0
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def write(
        self,
        event: str,
        board: str,
        *,
        user: str = "",
        host: str = "",
        added: list[str] | None = None,
        removed: list[str] | None = None,
        watching: int = 0,
        reason: str = "",
    ) -> AuditRecord:
        """Append one record and return it."""
        record = AuditRecord(
            self._wall_ms(),
            event,
            board,
            user=user,
            host=host,
            added=added or [],
            removed=removed or [],
            watching=watching,
            reason=reason,
        )
        self.records += 1
        log.info(
            "audit: board %s %s (%d symbols)%s",
            board,
            event,
            watching,
            f": {reason}" if reason else "",
        )
        if self.path is not None:
            try:
                with self.path.open("ab") as handle:
                    handle.write(self._encoder.encode(record) + b"\n")
            except OSError as exc:
                log.error("audit log %s cannot be written: %s", self.path, exc)
        return record

    @staticmethod
    def read(path: Path) -> list[AuditRecord]:
        """Every record of an audit file (tests and scripts)."""
        decoder = msgspec.json.Decoder(AuditRecord)
        lines = path.read_bytes().splitlines() if path.exists() else []
        return [decoder.decode(line) for line in lines if line.strip()]

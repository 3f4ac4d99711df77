"""The composition root's plumbing: the database it opens, what the feed streams, and logging
that never lets a token out. Split from `desktop.app` to keep that module about wiring."""

from __future__ import annotations

import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.domain.symbols import Symbol
from desktop.feed.redact import redact
from desktop.feed.service import FeedService
from desktop.persistence.database import Database, DatabaseTooNew
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.qt.watchlist_session import WatchlistSession

__all__ = [
    "FeedSubscriptions",
    "OpenedDatabase",
    "configure_logging",
    "open_database",
    "redacting_handler",
]


@dataclass
class OpenedDatabase:
    """The database the app runs on, what to tell the user about it, and a folder to delete."""

    db: Database
    notice: str | None = None
    scratch: tempfile.TemporaryDirectory[str] | None = None


def open_database(data_dir: Path | None, throwaway: bool = False) -> OpenedDatabase:
    """The data folder's database (a corrupt one is moved aside and said so).

    `throwaway` (smoke mode without --data-dir) runs on a temporary folder; a file from a newer
    Quote Board or an unusable folder is left alone and the app runs on a scratch database.
    """
    if data_dir is None and throwaway:
        scratch = tempfile.TemporaryDirectory(prefix="quoteboard-smoke-")
        return OpenedDatabase(Database(Path(scratch.name) / DB_FILENAME), None, scratch)
    try:
        db = Database(resolve_data_dir(data_dir) / DB_FILENAME)
    except (DatabaseTooNew, OSError) as exc:
        scratch = tempfile.TemporaryDirectory(prefix="quoteboard-unsaved-")
        notice = f"{exc} Changes made in this session will not be saved."
        return OpenedDatabase(Database(Path(scratch.name) / DB_FILENAME), notice, scratch)
    return OpenedDatabase(db, db.recovery_message)


class FeedSubscriptions:
    """What the feed streams: every watchlist's symbols (one depth level, for bid/ask) plus the
    open depth ladders' symbols (the plan's full depth, issue 5's budget). One update per change."""

    def __init__(self, service: FeedService | None = None) -> None:
        self.service = service
        self._lists: list[Symbol] = []
        self._ladders: list[Symbol] = []

    def attach(self, service: FeedService) -> None:
        """Stream through this service from now on (a new feed: the live one, or a replay)."""
        self.service = service
        self._apply()

    def follow(self, session: WatchlistSession) -> None:
        """Stream the union of every list from now on: one feed update per list edit."""
        session.symbolsChanged.connect(self.set_lists)
        self.set_lists(session.all_symbols())

    def set_lists(self, codes: list[str]) -> None:
        """The union of all watchlists changed."""
        self._lists = [Symbol.parse(code) for code in codes]
        self._apply()

    def set_ladders(self, codes: list[str]) -> None:
        """The symbols with a depth ladder open changed."""
        self._ladders = [Symbol.parse(code) for code in codes]
        self._apply()

    def _apply(self) -> None:
        if self.service is None:
            return
        wanted = list(dict.fromkeys([*self._lists, *self._ladders]))
        self.service.set_symbols(wanted, wanted, full_depth=self._ladders)


class _RedactingFilter(logging.Filter):
    """Belt and braces: no log record leaves the process with a token in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())  # args may be URL objects, not strings
        record.args = None
        return True


class _RedactingFormatter(logging.Formatter):
    """Redacts the finished line too: tracebacks and stack info are formatted after filters run."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redacting_handler(stream: Any = None) -> logging.Handler:
    """The app's log handler: stderr (or `stream`), every record and traceback redacted."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def configure_logging(level: str) -> None:
    """Log to stderr, redacted."""
    handler = redacting_handler()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.WARNING))

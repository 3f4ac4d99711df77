"""The database a board runs on: the data folder's, a throwaway one for smoke runs, or a scratch
one when the folder cannot be used; and the watchlists a first run starts with."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.persistence.database import Database, DatabaseTooNew
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.persistence.watchlists import WatchlistRepository

__all__ = ["DEFAULT_WATCHLISTS", "OpenedDatabase", "open_database", "seeded_watchlists"]

DEFAULT_WATCHLISTS: dict[str, list[str]] = {
    "US": [
        "AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US", "AMZN.US", "GOOGL.US",
        "META.US", "AMD.US", "NFLX.US", "JPM.US", "BRK.B.US", "V.US",
    ],
    "Hong Kong": [
        "00700.HK", "09988.HK", "00005.HK", "01299.HK", "00941.HK", "03690.HK",
        "00388.HK", "02318.HK", "01810.HK", "00939.HK", "01211.HK", "09618.HK",
    ],
}  # fmt: skip
"""The lists a first run starts with (an empty data folder only)."""


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


def seeded_watchlists(db: Database) -> WatchlistRepository:
    """The watchlists in `db`, with the default lists on a first run."""
    repo = WatchlistRepository(db)
    repo.seed(DEFAULT_WATCHLISTS)
    return repo

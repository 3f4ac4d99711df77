"""The database a board runs on: the data folder's, a throwaway one for smoke runs, or a scratch
one when the folder cannot be used; and the watchlists a first run starts with.

A file another program holds locked is waited for (up to `LOCK_WAIT_S`) with a small window saying
so; a read-only one is shown read-only with a notice; a start-up never crashes on storage.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.persistence.database import Database, DatabaseTooNew, DatabaseUnavailable
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.persistence.watchlists import WatchlistRepository

__all__ = [
    "DEFAULT_WATCHLISTS",
    "LOCK_WAIT_S",
    "LockWaitNotice",
    "OpenedDatabase",
    "open_database",
    "seeded_watchlists",
]

log = logging.getLogger(__name__)

LOCK_WAIT_S = 120.0
"""How long a start-up waits for a database another program holds locked before it runs on a
scratch one (the user's file untouched)."""

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


class LockWaitNotice:
    """Says, in a small window and on stderr, that the board waits for a locked database."""

    def __init__(self) -> None:
        self._box: QMessageBox | None = None

    def __call__(self, message: str) -> None:
        log.warning("%s", message)
        print(f"quoteboard: {message}", file=sys.stderr, flush=True)
        if QApplication.instance() is None:
            return
        box = self._box = QMessageBox(QMessageBox.Icon.Information, "Quote Board", message)
        box.setObjectName("databaseLockNotice")
        box.setStandardButtons(QMessageBox.StandardButton.NoButton)
        box.show()
        QApplication.processEvents()

    def close(self) -> None:
        """The wait is over."""
        box, self._box = self._box, None
        if box is not None:
            box.close()
            box.deleteLater()


def open_database(
    data_dir: Path | None,
    throwaway: bool = False,
    on_wait: Callable[[str], None] | None = None,
    lock_wait_s: float = LOCK_WAIT_S,
) -> OpenedDatabase:
    """The data folder's database (a corrupt one is moved aside and said so).

    `throwaway` (smoke mode without --data-dir) runs on a temporary folder. A locked file is
    waited for (`on_wait` hears why, once); a read-only one is opened read-only with a notice; a
    file from a newer Quote Board, one locked past `lock_wait_s`, or an unusable folder is left
    alone and the app runs on a scratch database, saying so.
    """
    if data_dir is None and throwaway:
        scratch = tempfile.TemporaryDirectory(prefix="quoteboard-smoke-")
        return OpenedDatabase(Database(Path(scratch.name) / DB_FILENAME), None, scratch)
    notice = on_wait if on_wait is not None else LockWaitNotice()
    try:
        db = Database(
            resolve_data_dir(data_dir) / DB_FILENAME, on_wait=notice, lock_wait_s=lock_wait_s
        )
    except (DatabaseTooNew, DatabaseUnavailable, OSError) as exc:
        scratch = tempfile.TemporaryDirectory(prefix="quoteboard-unsaved-")
        text = f"{exc} Your saved data was not touched; changes made in this session will not be saved."
        return OpenedDatabase(Database(Path(scratch.name) / DB_FILENAME), text, scratch)
    finally:
        if isinstance(notice, LockWaitNotice):
            notice.close()
    return OpenedDatabase(db, db.recovery_message)


def seeded_watchlists(db: Database) -> WatchlistRepository:
    """The watchlists in `db`, with the default lists on a first run."""
    repo = WatchlistRepository(db)
    repo.seed(DEFAULT_WATCHLISTS)
    return repo

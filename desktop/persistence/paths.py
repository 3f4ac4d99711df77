"""Where the app keeps its data: the platform's user data folder, or `--data-dir`."""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = ["DB_FILENAME", "resolve_data_dir"]

DB_FILENAME = "quoteboard.db"


def resolve_data_dir(override: Path | None = None) -> Path:
    """The data folder (created if missing): `override` when given, else the platform's default."""
    folder = (
        override if override is not None else Path(platformdirs.user_data_dir("quoteboard", False))
    )
    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder

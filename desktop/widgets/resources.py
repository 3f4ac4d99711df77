"""Where bundled resources (icons, themes, the symbol universe) live, in a source tree or frozen."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_path", "resource_root"]


def resource_root() -> Path:
    """The `resources/` folder: the repo root's, or PyInstaller's unpack dir when frozen."""
    if getattr(sys, "frozen", False):
        bundle = getattr(sys, "_MEIPASS", None)
        if bundle is not None:
            return Path(bundle) / "resources"
        return Path(sys.executable).resolve().parent / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. `resource_path("themes", "board.qss")` (may not exist)."""
    return resource_root().joinpath(*parts)

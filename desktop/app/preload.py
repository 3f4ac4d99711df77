"""Import the big pure-Python libraries before Qt, and keep PySide6 from holding source text.

PySide6 replaces `__import__` with a hook that asks of every module imported after it whether its
source names PySide6 (for `from __feature__ import …`): shiboken's check calls
`inspect.getsource`, which decodes the file, splits it into lines and keeps them in `linecache`.
numpy and websockets imported after PySide6 meant ≈ 340 source files read and kept (≈ 16 MB) and
20–30 % longer imports, so they are imported before it. What loads after it (the board's own
modules, pyqtgraph, and later httpx with the first feed, the exchange calendars with pandas, and
redis-py when a gateway feed is chosen) is checked by `keep_no_source` instead: the same question,
answered from the file's bytes, nothing kept (measured after Qt: httpx 23 → 14 MB, the exchange
calendars 94 → 59 MB, redis-py 28 → 16 MB). Should a PySide6 release drop that check,
`drop_source_cache` still lets go of what start-up made it read.
"""

from __future__ import annotations

import importlib
import linecache
import sys
from types import ModuleType

__all__ = ["drop_source_cache", "import_before_qt", "keep_no_source"]


def import_before_qt() -> None:
    """Import numpy and websockets (the feed's client, the built-in simulator's server), then
    PySide6, unless PySide6 is loaded already; either way keep its import hook from holding
    sources from now on."""
    if "PySide6" not in sys.modules:
        import numpy  # noqa: F401
        import websockets.asyncio.client  # noqa: F401
        import websockets.asyncio.server  # noqa: F401

        importlib.import_module("PySide6.QtCore")  # last: it installs the import hook
    keep_no_source()


def keep_no_source() -> bool:
    """Have PySide6's import hook read a module's file as bytes instead of keeping its source
    lines; False when this PySide6 has no such check (or is not loaded)."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _names_pyside  # type: ignore[attr-defined]
    return True


def _names_pyside(module: ModuleType) -> bool:
    """Whether `module`'s source file names PySide6 (PySide6's own question, same answer)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # built-in, extension or source-less: `inspect.getsource` fails on these
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def drop_source_cache() -> None:
    """Forget the source lines read during start-up."""
    linecache.clearcache()

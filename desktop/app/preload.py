"""Import the big pure-Python libraries before Qt, and let go of source text Qt made us read.

PySide6 replaces `__import__` with a hook that reads the source of every module imported after
it (shiboken's feature check calls `inspect.getsource`, which keeps each file in `linecache`).
numpy, httpx and websockets imported after PySide6 meant ≈ 340 source files read and kept
(≈ 16 MB) and 20–30 % longer imports; imported before it, they are never read. httpx is left
out: it loads with the first feed, after the window is up (`desktop.feed.rest`), which matters
more than its source being read once. What the board's
own modules leave in `linecache` is dropped once the window is up (a traceback reads again what
it needs).
"""

from __future__ import annotations

import linecache
import sys

__all__ = ["drop_source_cache", "import_before_qt"]


def import_before_qt() -> None:
    """Import numpy and websockets (the feed's client, the built-in simulator's server) now, if
    PySide6 is not loaded yet."""
    if "PySide6" in sys.modules:
        return
    import numpy  # noqa: F401
    import websockets.asyncio.client  # noqa: F401
    import websockets.asyncio.server  # noqa: F401


def drop_source_cache() -> None:
    """Forget the source lines read during start-up."""
    linecache.clearcache()

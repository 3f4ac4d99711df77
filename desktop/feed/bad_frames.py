"""Bad frames as a connection reports them: counted by kind, logged once per kind, told once.

A hostile or broken server may send the same bad frame thousands of times a second; the count
goes on (`DecodeStats.bad_by_reason`), but the log and the status hear about each kind once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from desktop.protocol.alltick import AllTickCodec

__all__ = ["BadFrameLog"]

log = logging.getLogger("desktop.feed.connection")


class BadFrameLog:
    """Counts a connection's dropped frames in its codec's stats; logs and reports new kinds."""

    def __init__(self, index: int, codec: AllTickCodec, report: Callable[[int, str], None]) -> None:
        self.index = index
        self.codec = codec
        self.report = report
        """(connection index, kind): called once for each kind of bad frame."""
        self._known: set[str] = set()

    def failed(self, exc: Exception) -> None:
        """A frame whose decoding or applying raised: count it; log and report a new kind."""
        kind = self.codec.count_bad(exc)
        if kind in self._known:
            return
        self._known.add(kind)
        log.warning(
            "connection %d dropped a frame it could not apply (%s: %s); more of this kind are "
            "only counted",
            self.index,
            kind,
            exc,
            exc_info=exc,
        )
        self.report(self.index, kind)

    def decoder_counted(self) -> None:
        """The decoder dropped frames: log and report the kinds it had not seen before."""
        for kind in self.codec.stats.bad_by_reason:
            if kind not in self._known:
                self._known.add(kind)
                log.warning(
                    "connection %d dropped a bad frame from the server (%s); more of this kind "
                    "are only counted",
                    self.index,
                    kind,
                )
                self.report(self.index, kind)

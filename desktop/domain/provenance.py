"""Where a number came from: its source, its exchange time and `seq`, and when it arrived.

The quote book keeps one `Provenance` per field group (last trade, book, day bar) so that newer
data always wins (a REST snapshot never replaces data of the same or a newer exchange time) and
so a view can say "exchange 14:02:11.250 → received … → painted …" for any price.
"""

from __future__ import annotations

from enum import Enum

import msgspec

__all__ = ["Provenance", "Rhythm", "Source", "is_newer"]


class Source(Enum):
    """How a value reached the book."""

    PUSH = "push"
    SNAPSHOT = "REST snapshot"
    DERIVED = "derived"


class Provenance(msgspec.Struct, frozen=True, gc=False):
    """One value's origin: `ts_ms` exchange time, `received_at` the feed's monotonic clock."""

    source: Source
    ts_ms: int | None
    seq: int | None
    received_at: float


def is_newer(
    current: Provenance | None, ts_ms: int | None, seq: int | None, source: Source
) -> bool:
    """Whether data at (`ts_ms`, `seq`) from `source` may replace `current`.

    Pushes replace anything not newer than them (a whole-second `tick_time` is common, §1.9, so
    equal times are allowed for pushes); a snapshot replaces only strictly older data, because a
    REST answer stamped with the same second as a push may well describe an earlier trade.
    """
    if current is None:
        return True
    if ts_ms is None:  # undated: newer than undated data only (it arrived later)
        return current.ts_ms is None
    if current.ts_ms is None:
        return True
    if ts_ms > current.ts_ms:
        return True
    if ts_ms < current.ts_ms or source is not Source.PUSH:
        return False
    if current.source is not Source.PUSH:
        return True
    return seq is None or current.seq is None or seq > current.seq


class Rhythm:
    """A symbol's usual interval between trades: an exponential average of the gaps seen.

    Thin names trade every few minutes, liquid ones many times a second; "quiet" and "stale" are
    judged against each symbol's own rhythm rather than one number for the whole board.
    """

    __slots__ = ("interval_s", "samples", "_last_at")

    ALPHA = 0.2
    MAX_GAP_S = 1800.0
    """Gaps longer than this (a lunch break, a night) say nothing about the rhythm."""

    def __init__(self) -> None:
        self.interval_s: float | None = None
        self.samples = 0
        self._last_at: float | None = None

    def observe(self, at: float) -> None:
        """A trade arrived at monotonic `at`."""
        last, self._last_at = self._last_at, at
        if last is None:
            return
        gap = at - last
        if gap < 0 or gap > self.MAX_GAP_S:
            return
        self.samples += 1
        if self.interval_s is None:
            self.interval_s = gap
        else:
            self.interval_s += self.ALPHA * (gap - self.interval_s)

    def usual_s(self, minimum_samples: int = 3) -> float | None:
        """The learnt interval once enough gaps were seen; None before."""
        return self.interval_s if self.samples >= minimum_samples else None

    def forget_gap(self) -> None:
        """A known outage: the next trade's gap is the outage, not the rhythm."""
        self._last_at = None

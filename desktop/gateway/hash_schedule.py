"""Which latest-value hashes a gateway flush writes, and how far the cache lags the streams.

Writing every changed symbol's hash on every flush costs one `HSET` per symbol per ~5 ms (≈ 20k/s
at 20k ticks/s over 1,000 symbols) and was what made the gateway fall behind. Instead a symbol's
hash is written at most once per `every_s`: the first change after a quiet spell is written at
the next flush, later ones wait until `every_s` has passed since the previous write.

The streams still carry every event, so the cache may lag them. Per stream the schedule knows, for
each symbol whose hash is behind, the first batch number its hash does not reflect; the smallest
of those is the *cover*: every event in a batch before it is already in the hashes. Each stream
entry records the cover at the time it was written, and each hash the batch numbers it reflects,
so a late joiner reads the hashes and then the entries from the cover on, skipping per symbol what
its hash already holds — an exact cut. A symbol whose hash falls `max_lag` batches behind is
written at once, so the entries a joiner needs are never trimmed by `MAXLEN` first.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

__all__ = ["HashSchedule"]

STREAMS = ("trades", "books")


class HashSchedule:
    """Per-symbol hash write times and, per stream, the oldest batch a hash does not reflect yet."""

    def __init__(self, every_s: float = 0.1, max_lag: int = 1000) -> None:
        self.every_s = every_s
        """A symbol's hash is written at most once per this many seconds (unless forced)."""
        self.max_lag = max(1, max_lag)
        """Batches a hash may lag its stream before it is written regardless of `every_s`."""
        self._behind: dict[str, dict[str, int]] = {stream: {} for stream in STREAMS}
        """Per stream, symbol → the first batch number its hash does not reflect (oldest first)."""
        self._heap: list[tuple[float, str]] = []
        self._due_at: dict[str, float] = {}
        """Symbol → when its queued write is due (heap entries that disagree are stale)."""
        self._written: dict[str, float] = {}
        self._forced: set[str] = set()
        self.writes = 0
        """Hash writes handed out so far (the benchmark and tests read it)."""

    def changed(self, stream: str, symbols: Iterable[str], number: int, now: float) -> None:
        """`symbols` have events in batch `number` of `stream`: their hashes are now behind."""
        behind = self._behind[stream]
        due_at, written, every = self._due_at, self._written, self.every_s
        for symbol in symbols:
            if symbol not in behind:
                behind[symbol] = number
            if symbol not in due_at:
                last = written.get(symbol)
                due = now if last is None else max(now, last + every)
                due_at[symbol] = due
                heapq.heappush(self._heap, (due, symbol))

    def force(self, symbols: Iterable[str]) -> None:
        """Write these hashes at the next flush whatever their last write (Redis lost them)."""
        self._forced.update(symbols)

    def take_due(self, now: float, numbers: dict[str, int]) -> list[str]:
        """The symbols whose hashes this flush writes; they count as written from now on."""
        due = self._forced
        self._forced = set()
        heap, due_at = self._heap, self._due_at
        while heap and heap[0][0] <= now:
            at, symbol = heapq.heappop(heap)
            if due_at.get(symbol) == at:
                due.add(symbol)
        for stream, behind in self._behind.items():
            oldest_allowed = numbers[stream] - self.max_lag
            for symbol, first in behind.items():  # oldest first: stop at the first recent one
                if first > oldest_allowed:
                    break
                due.add(symbol)
        for symbol in due:
            due_at.pop(symbol, None)
            self._written[symbol] = now
            for behind in self._behind.values():
                behind.pop(symbol, None)
        self.writes += len(due)
        return sorted(due)

    def cover(self, stream: str, number: int) -> int:
        """The first batch of `stream` not fully in the hashes (`number` is the newest batch)."""
        return next(iter(self._behind[stream].values()), number + 1)

    def wait_s(self, now: float) -> float | None:
        """Seconds until the next hash write is due (None when no hash is behind)."""
        if self._forced:
            return 0.0
        if not self._heap:
            return None
        return max(0.0, self._heap[0][0] - now)

    def behind(self, stream: str) -> int:
        """How many symbols' hashes miss events of `stream` right now."""
        return len(self._behind[stream])

"""Outages as records: when a connection stopped streaming, when it came back, what was missed.

The feed opens a `Gap` when a connection drops and closes it when the connection's full set is
accepted again; after the REST re-snapshot each symbol's day volume says roughly how many shares
traded unseen. The gap ledger is kept in the app database and drawn as breaks in charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from desktop.domain.formatting import format_volume

__all__ = ["Gap", "GapLedger", "gap_note", "gap_seconds"]


class Gap(msgspec.Struct, frozen=True):
    """One outage of one connection; `end_ms` None while it lasts. Times are epoch ms."""

    connection: int
    start_ms: int
    end_ms: int | None
    symbols: tuple[str, ...]
    missed: Mapping[str, int] = msgspec.field(default_factory=dict)
    """Shares per symbol the day bar counted beyond the pushes seen (after the re-snapshot)."""
    reason: str = ""
    id: int | None = None

    @property
    def duration_s(self) -> float | None:
        """How long data was missing, once it ended."""
        return None if self.end_ms is None else max(0.0, (self.end_ms - self.start_ms) / 1000)

    def covers(self, epoch_ms: int) -> bool:
        """Whether `epoch_ms` falls inside the outage (an open gap extends to now)."""
        return self.start_ms <= epoch_ms and (self.end_ms is None or epoch_ms < self.end_ms)


def gap_seconds(value: float) -> str:
    """A gap's length as people say it: "4.2 s" below ten seconds, "42 s" from there."""
    return f"{value:.1f} s" if value < 10 else f"{round(value)} s"


def gap_note(gap: Gap, symbol: str) -> str:
    """The row's words for a gap: "gap 42 s · ~18k shares traded" (or "gap 42 s")."""
    duration = gap.duration_s
    head = "gap ongoing" if duration is None else f"gap {gap_seconds(duration)}"
    missed = gap.missed.get(symbol)
    if missed:
        return f"{head} · ~{format_volume(missed)} shares traded"
    return head


class GapLedger:
    """Open and recent gaps per connection, in memory; the repository keeps them across runs."""

    def __init__(self, keep: int = 50) -> None:
        self.keep = keep
        self._open: dict[int, Gap] = {}
        self._closed: list[Gap] = []

    def open(self, connection: int, start_ms: int, symbols: Iterable[str], reason: str = "") -> Gap:
        """A connection dropped at `start_ms`; a second drop of the same connection is ignored."""
        gap = self._open.get(connection)
        if gap is None:
            gap = Gap(connection, start_ms, None, tuple(symbols), reason=reason)
            self._open[connection] = gap
        return gap

    def is_open(self, connection: int) -> bool:
        """Whether the connection is in an outage."""
        return connection in self._open

    def close(self, connection: int, end_ms: int) -> Gap | None:
        """The connection streams again: the gap ends (None when there was none)."""
        gap = self._open.pop(connection, None)
        if gap is None:
            return None
        closed = msgspec.structs.replace(gap, end_ms=max(end_ms, gap.start_ms))
        self._closed.append(closed)
        del self._closed[: -self.keep]
        return closed

    def reconcile(self, gap: Gap, missed: Mapping[str, int]) -> Gap:
        """Attach what the re-snapshot says was missed; returns the updated gap."""
        merged = {**gap.missed, **{s: n for s, n in missed.items() if n > 0}}
        updated = msgspec.structs.replace(gap, missed=merged)
        self._closed = [updated if g is gap else g for g in self._closed]
        return updated

    def remember(self, gaps: Iterable[Gap]) -> None:
        """Load gaps kept from an earlier run (oldest first)."""
        self._closed = [*gaps, *self._closed][-self.keep :]

    def recent(self) -> list[Gap]:
        """Open gaps first, then closed ones, newest first."""
        closed = sorted(self._closed, key=lambda g: g.start_ms, reverse=True)
        return [*self._open.values(), *closed]

    def latest_for(self, symbol: str, since_ms: int) -> Gap | None:
        """The newest gap touching `symbol` that ended (or is open) after `since_ms`."""
        for gap in self.recent():
            if symbol in gap.symbols and (gap.end_ms is None or gap.end_ms >= since_ms):
                return gap
        return None

    def spans(self, symbol: str) -> list[tuple[int, int | None]]:
        """(start, end) of every remembered gap of `symbol`, oldest first (charts draw breaks)."""
        gaps = [g for g in self.recent() if symbol in g.symbols]
        return sorted(((g.start_ms, g.end_ms) for g in gaps), key=lambda span: span[0])

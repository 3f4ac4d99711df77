"""The words of a quote's truth state: the states, one verdict, ages and the price's timeline."""

from __future__ import annotations

import time
from enum import Enum

import msgspec

from desktop.domain.quote_book import QuoteState

__all__ = [
    "DIMMED",
    "NEVER_TICKED",
    "Truth",
    "TruthVerdict",
    "format_age",
    "format_age_short",
    "format_clock_ms",
    "price_timeline",
]


class Truth(Enum):
    """A quote's truth state; the value is the word every view shows."""

    LIVE = "Live"
    QUIET = "Quiet"
    STALE = "Stale"
    DELAYED = "Delayed"
    HALTED = "Halted"
    LIMIT_UP = "Limit up"
    LIMIT_DOWN = "Limit down"
    CLOSED = "Closed"
    LUNCH = "Lunch break"
    HOLIDAY = "Holiday"
    NOT_STREAMING = "Not streaming"
    DEMO = "Demo"
    REPLAY = "Replay"


NEVER_TICKED = "never ticked"
"""How a Not streaming verdict begins when the server dropped the code silently (§1.5)."""

DIMMED = frozenset({Truth.STALE, Truth.NOT_STREAMING, Truth.CLOSED, Truth.HOLIDAY, Truth.HALTED})
"""States whose prices are not current: every view greys them."""


def format_age(seconds: float) -> str:
    """`45 s`, `2 m 14 s`, `1 h 05 m`: compact, for a cell or a chip."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} m {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} m"


def format_age_short(seconds: float) -> str:
    """`7s`, `2m15s`, `1h05m`: the age in a table cell, where every character counts."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class TruthVerdict(msgspec.Struct, frozen=True):
    """One symbol's state, why (`detail`), and the age of its last update in seconds."""

    state: Truth
    detail: str = ""
    age_s: float | None = None
    gap: str = ""
    """A recent outage of this symbol's connection: "gap 42 s · ~18.0K shares traded"."""

    @property
    def dim(self) -> bool:
        """Whether views grey this quote."""
        return self.state in DIMMED

    @property
    def chip(self) -> str:
        """The short label: "Stale · 42 s", "Quiet · 3 m 05 s", "Live · 0 s", "Lunch break"."""
        if self.age_s is None:
            return self.state.value
        return f"{self.state.value} · {format_age(self.age_s)}"

    @property
    def cell(self) -> str:
        """The chip in a table cell: "Stale 42s", "Quiet 3m05s", "Lunch break"."""
        if self.age_s is None:
            return self.state.value
        return f"{self.state.value} {format_age_short(self.age_s)}"

    @property
    def sentence(self) -> str:
        """The tooltip line: the state, its reason and the age of the last update."""
        parts = [self.state.value]
        if self.detail:
            parts.append(self.detail)
        age = "no update yet" if self.age_s is None else f"last update {format_age(self.age_s)} ago"
        parts.append(age)
        if self.gap:
            parts.append(self.gap)
        return " — ".join(parts)


def format_clock_ms(epoch_ms: float) -> str:
    """`14:02:11.250` in local time: the timeline's resolution."""
    seconds = epoch_ms / 1000
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + f".{int(epoch_ms % 1000):03d}"


def price_timeline(state: QuoteState, now: float, now_ms: int, painted_ms: int) -> str:
    """ "exchange 14:02:11.000 → received 14:02:11.210 → painted 14:02:11.250" for the last price.

    `now`/`now_ms` convert the book's monotonic receive time to wall time; `painted_ms` is when the
    view painted the value. The source (push, REST snapshot) says where the price came from.
    """
    src = state.last_src
    if src is None:
        return "no price yet"
    received_ms = now_ms - (now - src.received_at) * 1000
    exchange = "exchange ?" if src.ts_ms is None else f"exchange {format_clock_ms(src.ts_ms)}"
    return (
        f"{exchange} → received {format_clock_ms(received_ms)} → "
        f"painted {format_clock_ms(painted_ms)} ({src.source.value})"
    )

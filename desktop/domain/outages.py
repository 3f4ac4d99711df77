"""Where the board was not listening, per symbol, so lines and bars break there instead of joining.

The gap ledger records outages per connection; sparklines and charts need them per symbol and as
"is there an outage between this point and the next". `Outages` keeps the spans of the gaps
reported while the current feed runs (a new feed's lines are rebuilt from the provider's
history, which has no holes) and counts changes per symbol so cached drawings know to redraw.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from desktop.domain.gaps import Gap

__all__ = ["Outages", "Span", "breaks_between"]

Span = tuple[int, int | None]
"""(start, end) in epoch ms; end None while the outage lasts."""

_MAX_SHIFT_MS = 3_600_000
"""Delayed feeds run minutes behind; a bigger lag is a replay or a wrong clock: no shift."""

_KEEP = 64
"""Spans kept per symbol: a day's outages, many times over."""


def breaks_between(starts_ms: npt.NDArray[np.int64], spans: list[Span]) -> npt.NDArray[np.bool_]:
    """For consecutive points (or bars) starting at `starts_ms`, whether an outage touches the
    stretch from one's start to the next one's: the line between them would be a guess."""
    n = starts_ms.size
    cut = np.zeros(max(0, n - 1), dtype=np.bool_)
    if n < 2 or not spans:
        return cut
    this, following = starts_ms[:-1], starts_ms[1:]
    for start, end in spans:
        touched = following > start
        if end is not None:
            touched &= this < end
        cut |= touched
    return cut


class Outages:
    """Outage spans per symbol from the gap ledger, with a change counter per symbol."""

    def __init__(self) -> None:
        self._spans: dict[str, dict[tuple[int, int], Span]] = {}
        self._versions: dict[str, int] = {}
        self._lags: dict[tuple[str, tuple[int, int]], int] = {}
        """The exchange lag each symbol had when a gap was first recorded (kept as it ends)."""

    def record(self, gap: Gap, lag_ms: Callable[[str], float] | None = None) -> list[str]:
        """A gap opened, ended or was reconciled: its symbols whose spans changed.

        The ledger's times are the wall clock; lines and bars are in exchange time. `lag_ms`
        says how far a symbol's exchange time ran behind the clock (a delayed feed: minutes),
        and its span is moved back by that much, so the break lands where the data stopped.
        """
        key = (gap.connection, gap.start_ms)
        changed = []
        for symbol in gap.symbols:
            lag = self._lags.get((symbol, key))
            if lag is None:
                lag = int(lag_ms(symbol)) if lag_ms else 0
                lag = self._lags[(symbol, key)] = lag if 0 < lag <= _MAX_SHIFT_MS else 0
            end = None if gap.end_ms is None else gap.end_ms - lag
            span: Span = (gap.start_ms - lag, end)
            spans = self._spans.setdefault(symbol, {})
            if spans.get(key) == span:
                continue
            spans[key] = span
            if len(spans) > _KEEP:
                oldest = min(spans, key=lambda k: spans[k][0])
                del spans[oldest]
                self._lags.pop((symbol, oldest), None)
            self._versions[symbol] = self._versions.get(symbol, 0) + 1
            changed.append(symbol)
        return changed

    def spans(self, symbol: str) -> list[Span]:
        """The symbol's outages, oldest first."""
        return sorted(self._spans.get(symbol, {}).values(), key=lambda span: span[0])

    def version(self, symbol: str) -> int:
        """Changes so far to `symbol`'s outages (drawings cache on it)."""
        return self._versions.get(symbol, 0)

    def clear(self) -> None:
        """Forget every span (another feed starts); versions keep counting so caches redraw."""
        for symbol in self._spans:
            self._versions[symbol] = self._versions.get(symbol, 0) + 1
        self._spans.clear()
        self._lags.clear()

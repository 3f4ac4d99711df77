"""Compact NumPy columns of one symbol's finished minute bars, read back exactly as stored.

Prices arrive as decimals with a tick size, so a price is kept as int32 *steps* of
10**-decimals above a per-symbol base: `steps / 10**decimals` (correctly rounded, in Python and
NumPy alike) gives back the very float that was stored. A symbol gains decimals when a price
needs them; one whose prices are no such decimals (or span more than int32 steps) keeps float64
columns instead. Minutes are uint16 offsets from the first bar's minute and volumes int32; each
column widens when a value does not fit. A bar costs 22 bytes instead of 44 (an int32 minute
and five float64).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["BarColumns", "BarRow"]

BarRow = tuple[int, float, float, float, float, int]
"""(minute, open, high, low, close, volume) of one bar."""

_MAX_DECIMALS = 12
"""Finest step tried (10**-12): finer prices keep float64 columns."""
_EXACT = 2**53
"""Steps beyond this are no longer exact as float64, so dividing them would round twice."""
_SPAN = 2**32 - 2
"""Widest range of steps that int32 offsets around the midpoint hold."""
_I32_MIN, _I32_MAX = -(2**31), 2**31 - 1
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_U16_MAX = 2**16 - 1
_H, _L, _C = 1, 2, 3
"""Rows of the price block (open is row 0)."""


def _steps(prices: Sequence[float], decimals: int) -> tuple[int, list[int]] | None:
    """The fewest decimals (at least `decimals`) that hold every price exactly, and its steps."""
    for d in range(decimals, _MAX_DECIMALS + 1):
        scale = 10**d
        steps: list[int] = []
        for price in prices:
            try:
                n = round(price * scale)
            except (OverflowError, ValueError):  # inf, nan
                return None
            if abs(n) > _EXACT or n / scale != price or (n == 0 and math.copysign(1, price) < 0):
                break
            steps.append(n)
        else:
            return d, steps
    return None


def _array_steps(prices: npt.NDArray[np.float64], decimals: int) -> tuple[int, Any] | None:
    """`_steps` for a block of prices at once: (decimals, int64 steps) or None."""
    if np.any(np.signbit(prices) & (prices == 0)):
        return None  # -0.0 would come back as 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        for d in range(decimals, _MAX_DECIMALS + 1):
            scale = float(10**d)
            scaled = np.rint(prices * scale)
            if np.all(np.abs(scaled) <= _EXACT) and np.array_equal(scaled / scale, prices):
                return d, scaled.astype(np.int64)
    return None


class BarColumns:
    """One symbol's finished minute bars (oldest first) in compact columns that give back the
    exact minutes, prices and volumes they were given."""

    __slots__ = (
        "_base",
        "_count",
        "_decimals",
        "_limit",
        "_minute0",
        "_minutes",
        "_prices",
        "_spare",
        "_volumes",
    )

    def __init__(self, limit: int, spare: int = 16) -> None:
        self._limit = limit
        """Capacity is never grown past this (unless more rows are asked for at once)."""
        self._spare = spare
        """Rows added on top of what `extend` needs, and the first capacity of `append`."""
        self.clear()

    def clear(self) -> None:
        """Forget every bar and the memory holding them (back to compact columns)."""
        self._minutes: npt.NDArray[Any] = np.empty(0, dtype=np.uint16)
        self._prices: npt.NDArray[Any] = np.empty((4, 0), dtype=np.int32)
        self._volumes: npt.NDArray[Any] = np.empty(0, dtype=np.int32)
        self._count = 0
        self._minute0 = 0
        self._base = 0
        self._decimals = 0

    def __len__(self) -> int:
        return self._count

    @property
    def capacity(self) -> int:
        """Bars the columns hold before they must grow."""
        return int(self._minutes.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes the columns' data takes (capacity included)."""
        return int(self._minutes.nbytes + self._prices.nbytes + self._volumes.nbytes)

    # -- writing ------------------------------------------------------------------------------
    def append(
        self, minute: int, open_: float, high: float, low: float, close: float, volume: int
    ) -> None:
        """Add a bar after the others (capacity doubles when full: no copy per bar)."""
        n = self._count
        if n == self.capacity:
            self._resize(max(n + 1, min(max(2 * n, self._spare), self._limit)))
        if n == 0:
            self._minute0 = minute
        self._put_minute(n, minute)
        self._put_prices(n, (open_, high, low, close))
        self._put_volume(n, volume)
        self._count = n + 1

    def extend(self, rows: Sequence[tuple[int, float, float, float, float, float]]) -> None:
        """Add many bars at once (seeding), sized to them plus the spare rows; volumes are
        taken as `int(volume)`, as they are read back."""
        if not rows:
            return
        n, k = self._count, len(rows)
        if n + k > self.capacity:
            self._resize(max(n + k, min(n + k + self._spare, self._limit)))
        if n == 0:
            self._minute0 = rows[0][0]
        minutes = [row[0] - self._minute0 for row in rows]
        if self._minutes.dtype == np.uint16 and (min(minutes) < 0 or max(minutes) > _U16_MAX):
            self._minutes = self._minutes.astype(np.int64)
        self._minutes[n : n + k] = minutes
        self._extend_prices(n, np.array([row[1:5] for row in rows], dtype=np.float64).T)
        volumes = [int(row[5]) for row in rows]
        self._fit_volumes(min(volumes), max(volumes))
        self._volumes[n : n + k] = volumes
        self._count = n + k

    def widen(self, i: int, price: float, volume: int) -> None:
        """A late trade in bar `i`: its range takes `price` in and its volume grows."""
        o, h, lo, c = self._row_prices(i)
        self._put_prices(i, (o, max(h, price), min(lo, price), c))
        self._put_volume(i, self.volume(i) + volume)

    def drop_first(self) -> int:
        """Remove the oldest bar; returns its volume."""
        volume = self.volume(0)
        n = self._count - 1
        self._minutes[:n] = self._minutes[1 : n + 1]
        self._prices[:, :n] = self._prices[:, 1 : n + 1]
        self._volumes[:n] = self._volumes[1 : n + 1]
        self._count = n
        return volume

    def _resize(self, size: int) -> None:
        n = self._count
        minutes = np.empty(size, dtype=self._minutes.dtype)
        prices = np.empty((4, size), dtype=self._prices.dtype)
        volumes = np.empty(size, dtype=self._volumes.dtype)
        minutes[:n] = self._minutes[:n]
        prices[:, :n] = self._prices[:, :n]
        volumes[:n] = self._volumes[:n]
        self._minutes, self._prices, self._volumes = minutes, prices, volumes

    def _put_minute(self, i: int, minute: int) -> None:
        offset = minute - self._minute0
        if self._minutes.dtype == np.uint16 and not 0 <= offset <= _U16_MAX:
            self._minutes = self._minutes.astype(np.int64)
        self._minutes[i] = offset

    def _put_prices(self, i: int, prices: tuple[float, float, float, float]) -> None:
        if self._prices.dtype != np.float64:
            found = _steps(prices, self._decimals)
            if found is not None:
                decimals, steps = found
                lo, hi = min(steps), max(steps)
                base = self._base
                fits = (
                    decimals == self._decimals and lo - base >= _I32_MIN and hi - base <= _I32_MAX
                )
                if (fits and self._count) or self._make_room(decimals, lo, hi, skip=i):
                    self._prices[:, i] = [s - self._base for s in steps]
                    return
            self._to_float()
        self._prices[:, i] = prices

    def _extend_prices(self, n: int, block: npt.NDArray[np.float64]) -> None:
        k = block.shape[1]
        if self._prices.dtype != np.float64:
            found = _array_steps(block, self._decimals)
            if found is not None:
                decimals, steps = found
                if self._make_room(decimals, int(steps.min()), int(steps.max()), skip=-1):
                    self._prices[:, n : n + k] = steps - self._base
                    return
            self._to_float()
        self._prices[:, n : n + k] = block

    def _make_room(self, decimals: int, lo: int, hi: int, skip: int) -> bool:
        """Re-express the held prices (but row `skip`) at `decimals` around a base that also
        fits steps `lo`…`hi`; False when int32 offsets cannot hold them all exactly."""
        factor = 10 ** (decimals - self._decimals)
        held = self._prices[:, : self._count].astype(np.int64)
        keep = np.ones(self._count, dtype=bool)
        if 0 <= skip < self._count:
            keep[skip] = False  # the row being replaced
        if keep.any():
            lo = min(lo, (int(held[:, keep].min()) + self._base) * factor)
            hi = max(hi, (int(held[:, keep].max()) + self._base) * factor)
        if hi - lo > _SPAN or max(-lo, hi) > _EXACT:
            return False
        base = (lo + hi) // 2
        self._prices[:, : self._count] = np.where(keep, (held + self._base) * factor - base, 0)
        self._base, self._decimals = base, decimals
        return True

    def _to_float(self) -> None:
        """Hold float64 prices from now on (these prices are not decimals int32 steps hold)."""
        floats = np.empty((4, self.capacity), dtype=np.float64)
        floats[:, : self._count] = self.prices()
        self._prices = floats

    def _put_volume(self, i: int, volume: int) -> None:
        volume = int(volume)
        self._fit_volumes(volume, volume)
        self._volumes[i] = volume

    def _fit_volumes(self, lo: int, hi: int) -> None:
        """Widen the volumes to int64 (or float64 beyond it) when `lo`…`hi` do not fit."""
        kind = self._volumes.dtype
        if kind == np.int32 and (lo < _I32_MIN or hi > _I32_MAX):
            kind = np.dtype(np.int64)
        if kind == np.int64 and (lo < _I64_MIN or hi > _I64_MAX):
            kind = np.dtype(np.float64)
        if kind != self._volumes.dtype:
            self._volumes = self._volumes.astype(kind)

    # -- reading ------------------------------------------------------------------------------
    def minute(self, i: int) -> int:
        """Minute number (epoch seconds // 60) of bar `i`."""
        return int(self._minutes[i]) + self._minute0

    def volume(self, i: int) -> int:
        """Shares in bar `i`."""
        return int(self._volumes[i])

    def close(self, i: int) -> float:
        """Close of bar `i`."""
        return self._row_prices(i)[_C]

    def _row_prices(self, i: int) -> tuple[float, float, float, float]:
        column = self._prices[:, i].tolist()
        if self._prices.dtype != np.float64:
            scale, base = 10**self._decimals, self._base
            column = [(base + step) / scale for step in column]
        o, h, lo, c = column
        return o, h, lo, c

    def minutes(self) -> npt.NDArray[np.int64]:
        """Minute numbers of every bar, oldest first (a fresh array)."""
        return self._minutes[: self._count].astype(np.int64) + self._minute0

    def prices(self) -> npt.NDArray[np.float64]:
        """Open, high, low and close rows of every bar, oldest first (a fresh 4 × n array)."""
        block = self._prices[:, : self._count]
        if block.dtype == np.float64:
            return block.copy()
        steps = (block.astype(np.int64) + self._base).astype(np.float64)
        return steps / float(10**self._decimals)

    def volumes(self) -> npt.NDArray[np.float64]:
        """Volumes of every bar as floats, for drawing (a fresh array)."""
        return self._volumes[: self._count].astype(np.float64)

    def volume_from(self, i: int) -> int:
        """Shares in bars `i` onwards."""
        tail = self._volumes[i : self._count]
        if tail.dtype == np.int32:  # summed in int64: no overflow
            return int(tail.sum(dtype=np.int64))
        return sum(int(v) for v in tail.tolist())

    def search(self, minute: int, side: Literal["left", "right"]) -> int:
        """Where `minute` would go among the bars' minutes (as `numpy.searchsorted`)."""
        offset = minute - self._minute0
        held = self._minutes[: self._count]
        if held.dtype == np.uint16 and not 0 <= offset <= _U16_MAX:
            return 0 if offset < 0 else self._count
        return int(np.searchsorted(held, offset, side=side))

    def rows(self) -> list[BarRow]:
        """Every bar as a tuple, oldest first."""
        o, h, lo, c = self.prices().tolist()
        volumes = [int(v) for v in self._volumes[: self._count].tolist()]
        return list(zip(self.minutes().tolist(), o, h, lo, c, volumes, strict=True))

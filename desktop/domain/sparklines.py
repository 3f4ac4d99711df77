"""Intraday sparklines: per symbol, the last trade price of every 10-second bucket in a ring buffer.

Each symbol's points live in two small NumPy arrays (bucket numbers, prices) that start at 64
points and double up to `CAPACITY`, so a day of 10-second points costs at most 19 KB a symbol
instead of thousands of Python floats, and a symbol with a short line costs only what it holds.
A trade costs a dict lookup and two attribute writes; the ring is written once per bucket. The x
axis is *trading* time: a stretch with no trades longer than `max_fill_s` (the HK lunch break, a
halt) is squeezed to a short break in the line, an outage the gap ledger recorded (`Outages`)
breaks it where it happened, and a new exchange-local day starts the line afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from desktop.domain.formatting import local_day, local_day_end, market_of
from desktop.domain.market_data import Tick
from desktop.domain.outages import Outages, breaks_between
from desktop.domain.symbols import Market

__all__ = [
    "BREAK_BUCKETS",
    "BUCKET_S",
    "CAPACITY",
    "MAX_FILL_S",
    "SparkPoints",
    "SparklineStore",
]

BUCKET_S = 10
"""Seconds of exchange time per point."""
CAPACITY = 2400
"""Points kept per symbol: 6 h 40 min at 10 s, a whole US regular session."""
MAX_FILL_S = 300
"""A gap between trades longer than this is drawn as a break, not as a straight line across it."""
BREAK_BUCKETS = 3
"""Width of a break on the compressed time axis, in buckets."""
_FIRST_POINTS = 64


class SparkPoints(NamedTuple):
    """A line ready to scale into a cell: `connect[i]` is 1 where point i joins point i + 1."""

    x: npt.NDArray[np.float64]
    """Trading time in buckets from the first point (breaks squeezed to `BREAK_BUCKETS`)."""
    y: npt.NDArray[np.float64]
    connect: npt.NDArray[np.int32]


class _Line:
    """One symbol's points and bookkeeping: ring position, the open bucket, a change counter."""

    __slots__ = (
        "bucket",
        "buckets",
        "count",
        "day",
        "day_end",
        "head",
        "market",
        "price",
        "prices",
        "version",
    )

    def __init__(self, market: Market, first_points: int) -> None:
        self.buckets = np.zeros(first_points, dtype=np.int32)
        """Committed bucket numbers: a ring once it has grown to the store's capacity."""
        self.prices = np.zeros(first_points, dtype=np.float32)
        self.market = market
        self.head = 0
        self.count = 0
        self.bucket = -1
        """Number of the open (newest) bucket; -1 before the first price."""
        self.price = 0.0
        """Last price seen in the open bucket."""
        self.day = -1
        self.day_end = 0
        """Epoch second the line's exchange day ends: a bucket from then on starts a new line."""
        self.version = 0


class SparklineStore:
    """Ring buffers of bucketed last prices for every symbol that traded or was seeded."""

    def __init__(
        self,
        bucket_s: int = BUCKET_S,
        capacity: int = CAPACITY,
        max_fill_s: int = MAX_FILL_S,
        outages: Outages | None = None,
    ) -> None:
        if bucket_s <= 0 or capacity < 2:
            raise ValueError("a sparkline needs a positive bucket and room for two points")
        self.bucket_s = bucket_s
        self.capacity = capacity
        self._bucket_ms = bucket_s * 1000
        self._max_fill = max(1, max_fill_s // bucket_s)
        self.outages = outages or Outages()
        """Where the feed was not listening: the line breaks there."""
        self._lines: dict[str, _Line] = {}
        self._retired: dict[str, int] = {}
        """Versions of forgotten lines, so a symbol's next line never reuses a version number."""

    # -- membership ---------------------------------------------------------------------------
    def __contains__(self, symbol: object) -> bool:
        return symbol in self._lines

    def forget(self, symbol: str) -> None:
        """Drop a symbol nobody shows any more (its arrays go with it)."""
        line = self._lines.pop(symbol, None)
        if line is not None:
            self._retired[symbol] = line.version + 1  # "empty" is a new version of the line

    def clear(self) -> None:
        """Forget every line (another feed starts: today's lines are rebuilt from it)."""
        for symbol in list(self._lines):
            self.forget(symbol)

    def _line(self, symbol: str) -> _Line:
        line = self._lines.get(symbol)
        if line is None:
            first = min(_FIRST_POINTS, self.capacity)
            line = self._lines[symbol] = _Line(market_of(symbol), first)
            line.version = self._retired.pop(symbol, 0)
        return line

    def _room(self, line: _Line, points: int, *, spare: int | None = None) -> None:
        """Grow the line's arrays to hold `points` points: doubling, or `points + spare` when
        given (a seeded line), never past `capacity`."""
        size = line.buckets.shape[0]
        if points <= size or size >= self.capacity:
            return
        if spare is not None:
            size = points + spare
        while size < points:
            size *= 2
        size = min(size, self.capacity)
        for name in ("buckets", "prices"):
            old = getattr(line, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: old.shape[0]] = old
            setattr(line, name, new)

    # -- writing ------------------------------------------------------------------------------
    def add_trade(self, tick: Tick) -> None:
        """Fold one trade in (see `add`)."""
        self.add(tick.symbol, float(tick.price), tick.ts_ms)

    def add(self, symbol: str, price: float, ts_ms: int) -> None:
        """Fold one trade in (called per tick: only the first trade of a bucket does real work)."""
        line = self._lines.get(symbol) or self._line(symbol)
        bucket = ts_ms // self._bucket_ms
        if bucket == line.bucket:
            if price != line.price:
                line.price = price
                line.version += 1
        elif bucket > line.bucket:
            self._open(line, bucket, price)
        # else: a late trade for a bucket already written; the line keeps its shape

    def _open(self, line: _Line, bucket: int, price: float) -> None:
        """Start a new bucket: commit the open one, or start afresh on a new exchange day."""
        start_s = bucket * self.bucket_s
        if line.bucket >= 0 and start_s < line.day_end:
            self._commit(line)
        else:
            line.head = line.count = 0
            line.day = local_day(line.market, start_s)
            line.day_end = local_day_end(line.market, start_s)
        line.bucket = bucket
        line.price = price
        line.version += 1

    def _commit(self, line: _Line) -> None:
        head = line.head
        if head >= line.buckets.shape[0]:  # still growing: the ring has not wrapped yet
            self._room(line, head + 1)
        line.buckets[head] = line.bucket
        line.prices[head] = line.price
        line.head = (head + 1) % self.capacity
        if line.count < self.capacity:
            line.count += 1

    def seed(self, symbol: str, closes: Iterable[tuple[int, float]], as_of_s: float) -> int:
        """Fill the part of today before the first live trade from 1-minute bars; returns points.

        `closes` are (bar start in epoch seconds, close). A bar's close is its minute's last trade,
        so it lands in the minute's last bucket, or in the bucket of `as_of_s` (the time the bars
        were fetched) for a minute still running. Bars of an earlier exchange day than the newest
        one (or than the live line) are ignored.
        """
        line = self._line(symbol)
        points = sorted(
            (min((start + 60) // self.bucket_s - 1, int(as_of_s) // self.bucket_s), close)
            for start, close in closes
            if close > 0
        )
        if not points:
            return 0
        live_b, live_y = self._ordered(line)
        day = line.day if live_b.size else local_day(line.market, points[-1][0] * self.bucket_s)
        first_live = int(live_b[0]) if live_b.size else None
        merged: dict[int, float] = {}
        for bucket, close in points:
            same_day = local_day(line.market, bucket * self.bucket_s) == day
            if same_day and (first_live is None or bucket < first_live):
                merged[bucket] = close
        added = len(merged)
        if not added:
            return 0
        merged.update(zip(live_b.tolist(), live_y.tolist(), strict=True))
        ordered = sorted(merged.items())
        kept = ordered[-(self.capacity + 1) :]
        committed, (open_bucket, open_price) = kept[:-1], kept[-1]
        count = len(committed)
        if count:
            self._room(line, count, spare=_FIRST_POINTS // 4)
            line.buckets[:count] = [b for b, _ in committed]
            line.prices[:count] = [p for _, p in committed]
        line.count = count
        line.head = count % self.capacity
        line.bucket, line.price, line.day = open_bucket, open_price, day
        line.day_end = local_day_end(line.market, open_bucket * self.bucket_s)
        line.version += 1
        return added

    # -- reading ------------------------------------------------------------------------------
    def version(self, symbol: str) -> int:
        """Changes so far to `symbol`'s line (0 when unknown): redraw when it moves."""
        line = self._lines.get(symbol)
        own = self._retired.get(symbol, 0) if line is None else line.version
        return own + self.outages.version(symbol)

    def last_price(self, symbol: str) -> float | None:
        """The newest point's price, or None before any."""
        line = self._lines.get(symbol)
        return None if line is None or line.bucket < 0 else line.price

    def _ordered(self, line: _Line) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Buckets and prices oldest first, the open bucket included (fresh arrays)."""
        if line.bucket < 0:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        head, count = line.head, line.count
        ring_b, ring_p = line.buckets, line.prices
        buckets = np.empty(count + 1, dtype=np.int64)
        prices = np.empty(count + 1, dtype=np.float64)
        if count < self.capacity:
            buckets[:count] = ring_b[:count]
            prices[:count] = ring_p[:count]
        else:  # a full ring: the oldest point sits at `head`
            tail = self.capacity - head
            buckets[:tail] = ring_b[head:]
            buckets[tail:count] = ring_b[:head]
            prices[:tail] = ring_p[head:]
            prices[tail:count] = ring_p[:head]
        buckets[count] = line.bucket
        prices[count] = line.price
        return buckets, prices

    def buckets(self, symbol: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Bucket numbers (epoch seconds // bucket_s) and prices, oldest first (empty if unknown)."""
        line = self._lines.get(symbol)
        if line is None:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        return self._ordered(line)

    def points(self, symbol: str, max_points: int | None = None) -> SparkPoints | None:
        """The line on a compressed time axis, thinned to about `max_points`; None when empty.

        Thinning keeps every k-th point (the last price of a coarser bucket), the newest point and
        both ends of every break, so a break never turns into a joined segment. A recorded outage
        breaks the line without squeezing it: the time it lasted stays visible.
        """
        b, y = self.buckets(symbol)
        n = b.size
        if n == 0:
            return None
        steps = np.diff(b)
        gaps = steps > self._max_fill
        steps[gaps] = BREAK_BUCKETS
        x = np.empty(n, dtype=np.float64)
        x[0] = 0.0
        np.cumsum(steps, out=x[1:], dtype=np.float64)
        spans = self.outages.spans(symbol)
        if spans:
            gaps |= breaks_between(b * self._bucket_ms, spans)
        connect = np.ones(n, dtype=np.int32)
        connect[:-1][gaps] = 0
        connect[-1] = 0
        limit = None if max_points is None else max(2, max_points)
        if limit is not None and n > limit:
            every = -(-n // limit)  # ceil(n / limit)
            keep = np.zeros(n, dtype=np.bool_)
            keep[n - 1 :: -every] = True  # every k-th point, counted from the newest
            starts = np.flatnonzero(gaps)
            keep[starts] = True
            keep[starts + 1] = True
            keep[0] = True
            return SparkPoints(x[keep], y[keep], connect[keep])
        return SparkPoints(x, y, connect)

"""Made-up market events for the recorder tests, with a per-symbol checksum."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.persistence.tick_sink import ExportRow

SYMBOLS = ("AAPL.US", "00700.HK", "BRK.B.US")


def tick(n: int, symbol: str = "AAPL.US") -> Tick:
    """The n-th trade: distinct price (with trailing zeros), volume, time and sequence."""
    return Tick(
        symbol,
        Decimal(f"{100 + n % 997}.{n % 10000:04d}"),
        100 + n % 50,
        Decimal(f"{(100 + n % 997) * 3}.10"),
        TradeSide(n % 3),
        1_714_642_200_000 + n,
        n,
    )


def book(n: int, symbol: str = "00700.HK") -> DepthSnapshot:
    """The n-th book: two levels a side, one with an order count."""
    base = Decimal(f"{300 + n % 50}.20")
    return DepthSnapshot(
        symbol,
        (DepthLevel(base, 100 * (n % 9 + 1), 3), DepthLevel(base - Decimal("0.2"), 500)),
        (DepthLevel(base + Decimal("0.2"), 200), DepthLevel(base + Decimal("0.4"), 900, 11)),
        1_714_642_200_000 + n,
        n,
    )


def reference(symbol: str = "AAPL.US") -> ReferenceData:
    """A REST snapshot with every field."""
    return ReferenceData(
        symbol,
        name="Apple Inc.",
        lot_size=1,
        prev_close=Decimal("180.1000"),
        open=Decimal("181.00"),
        high=Decimal("183.50"),
        low=Decimal("179.90"),
        volume=1_234_567,
        turnover=Decimal("223456789.12"),
        last=Decimal("182.25"),
        last_time_ms=1_714_642_199_000,
        as_of_ms=1_714_642_199_000,
    )


def trade_digest(ticks: Iterable[Tick]) -> dict[str, tuple[int, str]]:
    """Per symbol: (count, sha256 of price|volume|turnover|side|time|seq in order)."""
    out: dict[str, tuple[int, hashlib._Hash]] = {}
    for t in ticks:
        count, digest = out.get(t.symbol, (0, hashlib.sha256()))
        digest.update(
            f"{t.price}|{t.volume}|{t.turnover}|{int(t.side)}|{t.ts_ms}|{t.seq}\n".encode()
        )
        out[t.symbol] = (count + 1, digest)
    return {symbol: (count, digest.hexdigest()) for symbol, (count, digest) in out.items()}


def stored_digest(rows: Iterable[ExportRow]) -> dict[str, tuple[int, str]]:
    """The same digest over stored trade rows (prices as the stored text)."""
    out: dict[str, tuple[int, hashlib._Hash]] = {}
    for r in rows:
        if r.kind != 0:
            continue
        count, digest = out.get(r.symbol, (0, hashlib.sha256()))
        digest.update(f"{r.price}|{r.volume}|{r.turnover}|{r.side}|{r.ts_ms}|{r.seq}\n".encode())
        out[r.symbol] = (count + 1, digest)
    return {symbol: (count, digest.hexdigest()) for symbol, (count, digest) in out.items()}

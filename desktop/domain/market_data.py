"""Normalised market events: a trade (`Tick`) and a top-N order book (`DepthSnapshot`)."""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum

import msgspec

__all__ = [
    "MAX_PRICE",
    "MAX_VOLUME",
    "MIN_PRICE",
    "DepthLevel",
    "DepthSnapshot",
    "ReferenceData",
    "Tick",
    "TradeSide",
    "sane_price",
]

MAX_PRICE = Decimal(10**9)
"""No instrument trades above a billion: a larger price is a bad frame, never shown."""
MIN_PRICE = Decimal("1e-8")
"""Nor below a hundred-millionth (a denormal like 1e-400 is garbage, not a price)."""
MAX_VOLUME = 2**63 - 1
"""What a 64-bit column holds; more is garbage."""


def sane_price(price: Decimal) -> bool:
    """True for a finite price in [MIN_PRICE, MAX_PRICE]."""
    return price.is_finite() and MIN_PRICE <= price <= MAX_PRICE


class TradeSide(IntEnum):
    """Aggressor side of a trade, as AllTick's `trade_direction` (0 neutral, 1 buy, 2 sell)."""

    NEUTRAL = 0
    BUY = 1
    SELL = 2


class Tick(msgspec.Struct, frozen=True, gc=False):
    """One trade print: canonical symbol, price, shares, exchange time in epoch milliseconds."""

    symbol: str
    price: Decimal
    volume: int
    turnover: Decimal | None
    side: TradeSide
    ts_ms: int
    seq: int | None = None


class DepthLevel(msgspec.Struct, frozen=True, gc=False):
    """One price level of a book side; `orders` only when the feed gives a count."""

    price: Decimal
    volume: int
    orders: int | None = None


class DepthSnapshot(msgspec.Struct, frozen=True, gc=False):
    """A full top-N book, best level first on each side; either side may be empty (limit up/down)."""

    symbol: str
    bids: tuple[DepthLevel, ...]
    asks: tuple[DepthLevel, ...]
    ts_ms: int
    seq: int | None = None


class ReferenceData(msgspec.Struct, frozen=True):
    """What a REST snapshot tells about a symbol before (or between) ticks: names and the day bar.

    Every field but `symbol` is optional so partial answers (a failed kline request) still apply.
    `as_of_ms` is the exchange time the day bar covers up to; ticks at or before it are already
    counted in `volume` — unless `as_of_seq` is known (a gateway's cached value): then a tick in
    that same millisecond with a higher seq came after it and is not counted yet.
    """

    symbol: str
    name: str | None = None
    lot_size: int | None = None
    prev_close: Decimal | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    volume: int | None = None
    turnover: Decimal | None = None
    last: Decimal | None = None
    last_time_ms: int | None = None
    as_of_ms: int | None = None
    last_seq: int | None = None
    as_of_seq: int | None = None

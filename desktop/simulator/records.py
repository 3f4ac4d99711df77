"""The simulator's records: trade prints, books and bars, plus tick-grid and local-day helpers.

Pure values shared by the market generator, the WebSocket pushes and the REST answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.domain.symbols import Market, Symbol
from desktop.domain.tick_grid import tick_size

__all__ = [
    "BOOK_DEPTH",
    "MINUTE_MS",
    "TRADING_MS_PER_YEAR",
    "Bar",
    "BookRecord",
    "Clock",
    "Level",
    "TradeRecord",
    "day_bounds",
    "local_midnight",
    "previous_weekday_start",
    "tick_down",
    "tick_up",
    "wall_clock_ms",
]

BOOK_DEPTH = 10
MINUTE_MS = 60_000
TRADING_MS_PER_YEAR = 252 * 6.5 * 3600 * 1000
MIN_TICK = {Market.US: Decimal("0.0001"), Market.HK: Decimal("0.001")}

Clock = Callable[[], int]
Level = tuple[Decimal, int]


def wall_clock_ms() -> int:
    """Wall time in epoch milliseconds: the default clock, so clients can measure latency."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One simulated trade print (`trade_direction`: 0 between, 1 at the ask, 2 at the bid)."""

    symbol: Symbol
    seq: int
    tick_time: int
    price: Decimal
    volume: int
    turnover: Decimal
    direction: int

    def to_wire(self) -> dict[str, object]:
        """The 22998 push / REST `/trade-tick` entry: numbers as decimal strings."""
        return {
            "code": self.symbol.wire,
            "seq": str(self.seq),
            "tick_time": str(self.tick_time),
            "price": str(self.price),
            "volume": str(self.volume),
            "turnover": str(self.turnover),
            "trade_direction": self.direction,
        }


@dataclass(frozen=True, slots=True)
class BookRecord:
    """A full top-10 book, best level first on each side."""

    symbol: Symbol
    seq: int
    tick_time: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]

    def to_wire(self, levels: int = BOOK_DEPTH) -> dict[str, object]:
        """The 22999 push / REST `/depth-tick` entry with the top `levels` of each side."""
        return {
            "code": self.symbol.wire,
            "seq": str(self.seq),
            "tick_time": str(self.tick_time),
            "bids": [{"price": str(p), "volume": str(v)} for p, v in self.bids[:levels]],
            "asks": [{"price": str(p), "volume": str(v)} for p, v in self.asks[:levels]],
        }


@dataclass(frozen=True, slots=True)
class Bar:
    """An OHLC bar starting at `start_ms` (a minute or a local day)."""

    start_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int
    turnover: Decimal

    def merged(self, later: Bar) -> Bar:
        """This bar extended by a later bar (a bar without volume takes the later one's open)."""
        first = later if self.volume == 0 else self
        return Bar(
            self.start_ms,
            first.open,
            max(first.high, later.high),
            min(first.low, later.low),
            later.close,
            self.volume + later.volume,
            self.turnover + later.turnover,
        )

    def to_wire(self) -> dict[str, str]:
        """A REST `kline_list` entry: timestamp in seconds, everything as strings."""
        return {
            "timestamp": str(self.start_ms // 1000),
            "open_price": str(self.open),
            "close_price": str(self.close),
            "high_price": str(self.high),
            "low_price": str(self.low),
            "volume": str(self.volume),
            "turnover": str(self.turnover),
        }


def tick_up(market: Market, price: Decimal) -> Decimal:
    """The next price on the grid above on-grid `price` (handles spread-table band changes)."""
    here = tick_size(market, price)
    above = price + here
    step = tick_size(market, above)
    if step == here:
        return above
    return ((above / step).to_integral_value(ROUND_CEILING) * step).quantize(step)


def tick_down(market: Market, price: Decimal) -> Decimal:
    """The next price on the grid below on-grid `price` (handles spread-table band changes)."""
    here = tick_size(market, price)
    below = price - here
    if tick_size(market, below) == here:
        return below
    step = tick_size(market, price - MIN_TICK[market])
    below = price - step
    return ((below / step).to_integral_value(ROUND_FLOOR) * step).quantize(step)


@cache
def _zone(market: Market) -> tzinfo:
    try:
        return ZoneInfo(market.timezone)
    except ZoneInfoNotFoundError:  # no tz database (Windows without tzdata): standard time
        return timezone(timedelta(hours=8 if market is Market.HK else -5))


def local_midnight(market: Market, epoch_ms: int) -> datetime:
    """The local midnight starting the market's day at `epoch_ms`, as an aware datetime."""
    local = datetime.fromtimestamp(epoch_ms / 1000, _zone(market))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def day_bounds(market: Market, now_ms: int) -> tuple[int, int]:
    """Epoch ms of the local midnight starting the market's day at `now_ms`, and of the next one."""
    local = datetime.fromtimestamp(now_ms / 1000, _zone(market))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def previous_weekday_start(market: Market, now_ms: int) -> int:
    """Epoch ms of the local midnight starting the previous weekday (a stand-in trading day)."""
    local = datetime.fromtimestamp(now_ms / 1000, _zone(market))
    day = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return int(day.timestamp() * 1000)

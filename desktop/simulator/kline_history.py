"""Bars of every documented kline type for the simulator's `/kline`, as many as asked (≤ 500).

Recent intraday bars are the market's own minute bars aggregated; older ones are a seeded random
walk run backwards from the oldest real bar, placed only where the session rule says the market
trades (thin volume in extended hours), so charts at every timeframe start full and show
sessions. Day bars end with the market's previous and current day; weeks and months aggregate
synthetic weekday bars (holidays are not skipped there: a stand-in, like `previous_weekday_start`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from desktop.domain.symbols import Market, Symbol
from desktop.domain.tick_grid import round_to_tick
from desktop.simulator.market import SimulatedMarket
from desktop.simulator.records import (
    MINUTE_MS,
    TRADING_MS_PER_YEAR,
    Bar,
    day_bounds,
    local_midnight,
)

__all__ = ["DAY_KLINE", "INTRADAY_KLINE_MINUTES", "KLINE_TYPES", "MAX_KLINES", "KlineHistory"]

INTRADAY_KLINE_MINUTES = {1: 1, 2: 5, 3: 15, 4: 30, 5: 60}
"""kline_type → bar length in minutes (reference §1.10; 6 and 7 are not offered for stocks)."""
DAY_KLINE, WEEK_KLINE, MONTH_KLINE = 8, 9, 10
KLINE_TYPES = (*INTRADAY_KLINE_MINUTES, DAY_KLINE, WEEK_KLINE, MONTH_KLINE)
MAX_KLINES = 500
_DAY_MS = 86_400_000
_MAX_STEPS = 200_000
"""Bound on the backwards walk through closed hours (a year of 1-minute steps is 525,600)."""

TradingRule = Callable[[Market, int], float]
"""Activity of `market` at epoch ms: 1 regular hours, a fraction in extended hours, 0 closed."""


def always_trading(market: Market, now_ms: int) -> float:
    """The demo rule: full activity at every hour."""
    return 1.0


class KlineHistory:
    """Answers kline requests from a `SimulatedMarket`, deterministic per (seed, symbol, type)."""

    def __init__(self, market: SimulatedMarket, *, seed: int = 0) -> None:
        self._market = market
        self._seed = seed

    def bars(
        self,
        symbol: Symbol,
        kline_type: int,
        count: int,
        now_ms: int,
        activity: TradingRule = always_trading,
    ) -> list[Bar]:
        """The latest `count` bars of one type, oldest first (ValueError for an unknown type)."""
        if kline_type in INTRADAY_KLINE_MINUTES:
            return self._intraday(symbol, INTRADAY_KLINE_MINUTES[kline_type], count, activity)
        if kline_type == DAY_KLINE:
            return self._days(symbol, count, now_ms)
        if kline_type in (WEEK_KLINE, MONTH_KLINE):
            return self._calendar(symbol, kline_type, count, now_ms)
        raise ValueError(f"kline_type {kline_type} is not offered for stocks")

    # ----------------------------------------------------------------- intraday
    def _intraday(
        self, symbol: Symbol, minutes: int, count: int, activity: TradingRule
    ) -> list[Bar]:
        span = minutes * MINUTE_MS
        recent: list[Bar] = []
        for bar in self._market.minute_bars(symbol):
            start = bar.start_ms - bar.start_ms % span
            if recent and recent[-1].start_ms == start:
                recent[-1] = recent[-1].merged(bar)
            else:
                recent.append(replace(bar, start_ms=start))
        missing = count - len(recent)
        if missing <= 0:
            return recent[-count:]
        inst = self._market.instrument(symbol)
        if recent:
            anchor, start = recent[0].open, recent[0].start_ms
        else:
            anchor = self._market.last_trade(symbol).price
            start = self._market.last_trade(symbol).tick_time // span * span + span
        rng = random.Random(f"{self._seed}:{symbol}:{minutes}")
        sigma = inst.volatility * math.sqrt(span / TRADING_MS_PER_YEAR)
        volume = self._volume(symbol, span)
        older: list[Bar] = []
        at, steps, price = start, 0, float(anchor)
        while len(older) < missing and steps < _MAX_STEPS:
            at -= span
            steps += 1
            weight = activity(inst.market, at + span // 2)
            if weight <= 0:
                continue
            bar, price = self._walk_back(rng, symbol, at, price, sigma, volume * weight)
            older.append(bar)
        older.reverse()
        return older + recent

    # ----------------------------------------------------------------- days, weeks, months
    def _days(self, symbol: Symbol, count: int, now_ms: int) -> list[Bar]:
        """Synthetic weekdays before the market's previous day, then its previous and current."""
        prev, today = self._market.previous_day_bar(symbol), self._market.day_bar(symbol)
        known = [prev, today] if prev.start_ms < today.start_ms else [today]
        return (self._older_days(symbol, count - len(known), prev) + known)[-count:]

    def _older_days(self, symbol: Symbol, count: int, first: Bar) -> list[Bar]:
        if count <= 0:
            return []
        inst = self._market.instrument(symbol)
        rng = random.Random(f"{self._seed}:{symbol}:day")
        sigma = inst.volatility / math.sqrt(252)
        volume = self._volume(symbol, 390 * MINUTE_MS)
        zone_day = local_midnight(inst.market, first.start_ms)
        out: list[Bar] = []
        price = float(first.open)
        while len(out) < count:
            zone_day -= timedelta(days=1)
            if zone_day.weekday() >= 5:
                continue
            start = day_bounds(inst.market, int(zone_day.timestamp() * 1000) + _DAY_MS // 2)[0]
            bar, price = self._walk_back(rng, symbol, start, price, sigma, volume)
            out.append(bar)
        out.reverse()
        return out

    def _calendar(self, symbol: Symbol, kline_type: int, count: int, now_ms: int) -> list[Bar]:
        """Weeks (Monday starts) or months aggregated from day bars."""
        per = 5 if kline_type == WEEK_KLINE else 23
        days = self._days(symbol, count * per + per, now_ms)
        market = self._market.instrument(symbol).market
        out: list[Bar] = []
        for day in days:
            local = local_midnight(market, day.start_ms)
            if kline_type == WEEK_KLINE:
                first = local - timedelta(days=local.weekday())
            else:
                first = local.replace(day=1)
            start = int(first.timestamp() * 1000)
            if out and out[-1].start_ms == start:
                out[-1] = out[-1].merged(day)
            else:
                out.append(replace(day, start_ms=start))
        return out[-count:]

    # ----------------------------------------------------------------- helpers
    def _volume(self, symbol: Symbol, span_ms: int) -> float:
        inst = self._market.instrument(symbol)
        daily = inst.activity * (40_000 * inst.lot_size if inst.market is Market.HK else 15e6)
        return daily * span_ms / (390 * MINUTE_MS)

    def _walk_back(
        self,
        rng: random.Random,
        symbol: Symbol,
        start: int,
        close: float,
        sigma: float,
        volume: float,
    ) -> tuple[Bar, float]:
        """One bar ending at `close` and the open it started from (the earlier bar's close)."""
        market = symbol.market
        opened = close * math.exp(-rng.gauss(0.0, sigma))
        high = max(opened, close) * math.exp(abs(rng.gauss(0.0, sigma)) / 2)
        low = min(opened, close) * math.exp(-abs(rng.gauss(0.0, sigma)) / 2)
        o, c = _snap(market, opened), _snap(market, close)
        h, lo = max(_snap(market, high), o, c), min(_snap(market, low), o, c)
        shares = max(1, int(volume * rng.uniform(0.4, 1.6)))
        return Bar(start, o, h, lo, c, shares, c * shares), opened


def _snap(market: Market, value: float) -> Decimal:
    return round_to_tick(market, Decimal(f"{max(value, 1e-3):.6f}"))

"""The simulator serves every documented kline type with the number of bars asked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from desktop.domain.symbols import Market, Symbol
from desktop.simulator.config import ExchangeHours
from desktop.simulator.kline_history import KLINE_TYPES, KlineHistory
from desktop.simulator.market import SimulatedMarket
from desktop.simulator.server import SimulatorServer
from tests.simulator._helpers import fast_config, rest_get

NOW = int(datetime(2026, 12, 2, 15, 0, tzinfo=UTC).timestamp() * 1000)  # Wed 10:00 ET
SPANS_S = {1: 60, 2: 300, 3: 900, 4: 1800, 5: 3600}


async def kline(server: SimulatorServer, code: str, kline_type: int, count: int) -> Any:
    data = {
        "code": code,
        "kline_type": kline_type,
        "kline_timestamp_end": 0,
        "query_kline_num": count,
        "adjust_type": 0,
    }
    body = (await rest_get(server, "kline", data)).json()
    assert body["ret"] == 200, body
    return body["data"]["kline_list"]


@pytest.mark.parametrize("kline_type", KLINE_TYPES)
async def test_every_documented_kline_type_comes_with_the_number_of_bars_asked(
    kline_type: int,
) -> None:
    server = SimulatorServer(fast_config(history_minutes=30), clock=lambda: NOW)
    async with server:
        for count in (1, 37, 500, 800):
            bars = await kline(server, "AAPL.US", kline_type, count)
            assert len(bars) == min(count, 500)
            stamps = [int(b["timestamp"]) for b in bars]
            assert stamps == sorted(set(stamps)), "oldest first, one bar per start"
            for b in bars:
                low, high = float(b["low_price"]), float(b["high_price"])
                assert low <= float(b["open_price"]) <= high
                assert low <= float(b["close_price"]) <= high
    if kline_type in SPANS_S:  # around the clock: bars back to back at the timeframe
        gaps = {b - a for a, b in zip(stamps, stamps[1:], strict=False)}
        assert gaps == {SPANS_S[kline_type]}
    elif kline_type == 9:  # a week apart, give or take a daylight-saving hour
        assert {b - a for a, b in zip(stamps, stamps[1:], strict=False)} <= {
            7 * 86400,
            7 * 86400 - 3600,
            7 * 86400 + 3600,
        }


async def test_an_unknown_kline_type_is_refused_with_ret_400() -> None:
    async with SimulatorServer(fast_config(), clock=lambda: NOW) as server:
        for bad in (6, 7, 11, 0):
            data = {"code": "AAPL.US", "kline_type": bad, "query_kline_num": 5}
            body = (await rest_get(server, "kline", data)).json()
            assert body["ret"] == 400


def test_history_is_the_same_on_every_ask_and_ends_at_the_live_bars() -> None:
    market = SimulatedMarket(seed=3, clock=lambda: NOW, history_minutes=20)
    symbol = Symbol.parse("700.HK")
    history = KlineHistory(market, seed=3)
    first = history.bars(symbol, 1, 300, NOW)
    assert first == history.bars(symbol, 1, 300, NOW)
    assert first[-20:] == market.minute_bars(symbol)
    assert first[-21].close == first[-20].open  # the walk joins the live bars


def test_with_exchange_hours_intraday_bars_sit_only_in_sessions_and_us_extended_hours() -> None:
    hours = ExchangeHours()

    def activity(market: Market, at: int) -> float:
        return 1.0 if hours(market, at) else 0.05 if hours.extended(market, at) else 0.0

    market = SimulatedMarket(seed=1, clock=lambda: NOW, history_minutes=0)
    history = KlineHistory(market, seed=1)
    for code in ("AAPL.US", "700.HK"):
        symbol = Symbol.parse(code)
        bars = history.bars(symbol, 2, 500, NOW, activity)
        assert len(bars) == 500
        for bar in bars:
            mid = bar.start_ms + 150_000
            assert hours(symbol.market, mid) or hours.extended(symbol.market, mid)
    us = history.bars(Symbol.parse("AAPL.US"), 2, 500, NOW, activity)
    regular = [b.volume for b in us if hours(Market.US, b.start_ms + 150_000)]
    extended = [b.volume for b in us if hours.extended(Market.US, b.start_ms + 150_000)]
    assert regular and extended
    assert max(extended) < min(regular)  # extended hours trade thinly

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.domain.symbols import Market
from desktop.domain.tick_grid import decimals_for, round_to_tick, tick_size, ticks_between


@pytest.mark.parametrize(
    ("price", "step"),
    [
        ("0.20", "0.001"),
        ("0.30", "0.005"),
        ("5.00", "0.01"),
        ("15.00", "0.02"),
        ("65.00", "0.05"),
        ("150.00", "0.10"),
        ("480.00", "0.20"),
        ("750.00", "0.50"),
        ("1500", "1.00"),
        ("3000", "2.00"),
        ("7000", "5.00"),
    ],
)
def test_hk_tick_size_follows_the_hkex_spread_table(price: str, step: str) -> None:
    assert tick_size(Market.HK, Decimal(price)) == Decimal(step)


def test_us_ticks_are_a_penny_and_sub_penny_below_a_dollar() -> None:
    assert tick_size(Market.US, Decimal("187.23")) == Decimal("0.01")
    assert tick_size(Market.US, Decimal("0.5123")) == Decimal("0.0001")


def test_round_to_tick_snaps_onto_the_grid() -> None:
    assert round_to_tick(Market.HK, Decimal("480.31")) == Decimal("480.40")
    assert round_to_tick(Market.HK, Decimal("480.29")) == Decimal("480.20")
    assert round_to_tick(Market.US, Decimal("187.234")) == Decimal("187.23")
    assert round_to_tick(Market.HK, Decimal("0")) > 0


def test_decimals_follow_the_tick_precision() -> None:
    assert decimals_for(Market.HK, Decimal("480.2")) == 1
    assert decimals_for(Market.HK, Decimal("65.35")) == 2
    assert decimals_for(Market.HK, Decimal("0.128")) == 3
    assert decimals_for(Market.HK, Decimal("1500")) == 0
    assert decimals_for(Market.US, Decimal("187.23")) == 2
    assert decimals_for(Market.US, Decimal("0.51")) == 4


@pytest.mark.parametrize(
    ("market", "low", "high", "ticks"),
    [
        (Market.HK, "480.2", "480.4", 1),
        (Market.HK, "480.2", "480.2", 0),
        (Market.HK, "9.98", "10.04", 4),  # 9.99, 10.00, then 0.02 steps: 10.02, 10.04
        (Market.HK, "199.9", "200.4", 3),  # 200.0, then 0.20 steps: 200.2, 200.4
        (Market.US, "189.23", "189.26", 3),
        (Market.US, "0.9998", "1.01", 3),  # 0.9999, 1.0000, 1.01
    ],
)
def test_ticks_between_counts_grid_steps_across_spread_table_bands(
    market: Market, low: str, high: str, ticks: int
) -> None:
    assert ticks_between(market, Decimal(low), Decimal(high)) == ticks


def test_ticks_between_refuses_off_grid_and_inverted_prices() -> None:
    assert ticks_between(Market.HK, Decimal("480.2"), Decimal("480.3")) is None
    assert ticks_between(Market.US, Decimal("10.01"), Decimal("10.00")) is None

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.domain.symbols import Market
from desktop.domain.tick_grid import decimals_for, round_to_tick, tick_size


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

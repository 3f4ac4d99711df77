"""BarColumns: bars come back exactly as stored, compact when prices are decimals, wider when not."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from desktop.domain.bar_columns import BarColumns, BarRow

MINUTE = 28_870_000  # 2024-11-22 in epoch minutes
COMPACT_BYTES = 22
"""A bar in compact columns: uint16 minute, four int32 prices, int32 volume."""


def prices_of(texts: list[str]) -> list[float]:
    """Prices as the feed hands them over: decimals on the wire, floats in the bars."""
    return [float(Decimal(text)) for text in texts]


def bars_from(prices: list[float], volume: int = 100) -> list[BarRow]:
    """One bar per price, a minute apart, its range around the price taken from the neighbours."""
    rows: list[BarRow] = []
    for i, price in enumerate(prices):
        near = prices[max(i - 1, 0) : i + 2]
        rows.append((MINUTE + i, price, max(near), min(near), prices[-1 - i], volume + i))
    return rows


def appended(rows: list[BarRow], limit: int = 1440) -> BarColumns:
    columns = BarColumns(limit)
    for row in rows:
        columns.append(*row)
    return columns


def read_back(columns: BarColumns) -> list[BarRow]:
    """Every way of reading the bars, checked to agree, as rows."""
    rows = columns.rows()
    prices = columns.prices()
    assert prices.dtype == np.float64 and prices.shape == (4, len(columns))
    assert [tuple(bar[1:5]) for bar in rows] == [tuple(p) for p in prices.T.tolist()]
    assert columns.minutes().tolist() == [bar[0] for bar in rows]
    assert columns.volumes().tolist() == [float(bar[5]) for bar in rows]
    assert [columns.close(i) for i in range(len(columns))] == [bar[4] for bar in rows]
    assert [columns.minute(i) for i in range(len(columns))] == [bar[0] for bar in rows]
    assert [columns.volume(i) for i in range(len(columns))] == [bar[5] for bar in rows]
    return rows


AWKWARD = {
    "cents": ["187.25", "187.31", "186.99", "187.00"],
    "many decimals": ["0.123456789", "0.123456788", "0.1234567891", "0.12345679"],
    "sub-penny and whole dollars": ["3", "2.9999", "3.0001", "2.5"],
    "huge": ["987654321012.5", "987654321011.25", "987654321013.75", "987654321012"],
    "tiny": ["0.0001", "0.0002", "0.00015", "0.0001"],
    "hk ticks": ["0.011", "0.012", "0.010", "0.013"],
    "a falling price": ["100.05", "99.95", "98.5", "97.125", "96"],
    "negative prices": ["-37.63", "-12.5", "0", "1.25"],
    "more decimals arriving later": ["10", "10.5", "10.25", "10.125", "10.0625", "10.03125"],
}


@pytest.mark.parametrize("texts", AWKWARD.values(), ids=AWKWARD.keys())
def test_decimal_prices_come_back_as_the_very_same_floats_in_compact_columns(
    texts: list[str],
) -> None:
    rows = bars_from(prices_of(texts))
    columns = appended(rows)
    assert read_back(columns) == rows
    assert columns.nbytes <= COMPACT_BYTES * columns.capacity


@pytest.mark.parametrize("texts", AWKWARD.values(), ids=AWKWARD.keys())
def test_seeded_decimal_prices_come_back_exactly_in_compact_columns(texts: list[str]) -> None:
    rows = bars_from(prices_of(texts))
    columns = BarColumns(1440)
    columns.extend(rows[:2])
    columns.extend(rows[2:])
    assert read_back(columns) == rows
    assert columns.nbytes <= COMPACT_BYTES * columns.capacity


NOT_DECIMALS = {
    "float arithmetic": [0.1 + 0.2, 0.3, 0.7],
    "irrational": [math.pi, math.e, 1 / 3],
    "beyond int32 steps": [0.01, 1e9, 5e8],
    "negative zero": [-0.0, 0.5, 0.25],
}


@pytest.mark.parametrize("prices", NOT_DECIMALS.values(), ids=NOT_DECIMALS.keys())
def test_prices_that_steps_cannot_hold_exactly_still_come_back_exactly(
    prices: list[float],
) -> None:
    rows = bars_from(prices)
    for columns in (appended(rows), BarColumns(1440)):
        if not len(columns):
            columns.extend(rows)
        back = read_back(columns)
        assert back == rows
        assert [math.copysign(1, bar[1]) for bar in back] == [
            math.copysign(1, bar[1]) for bar in rows
        ]
        assert columns.nbytes > COMPACT_BYTES * columns.capacity  # float64 prices, not steps


def test_a_price_that_steps_cannot_hold_keeps_the_bars_before_it_exact() -> None:
    rows = bars_from(prices_of(["12.34", "12.35", "12.36"]))
    columns = appended(rows)
    odd: BarRow = (MINUTE + 3, 12.36, 12.37, math.pi, 12.365, 7)
    columns.append(*odd)
    assert read_back(columns) == [*rows, odd]


def test_infinite_and_nan_prices_are_kept_as_they_are() -> None:
    columns = appended(bars_from([1.5, 2.5]))
    columns.append(MINUTE + 2, math.inf, math.inf, 1.0, math.nan, 1)
    o, h, lo, c = columns.prices()[:, 2].tolist()
    assert (o, h, lo) == (math.inf, math.inf, 1.0) and math.isnan(c)
    assert columns.rows()[:2] == bars_from([1.5, 2.5])


def test_cleared_columns_are_compact_again() -> None:
    columns = appended(bars_from([math.pi, math.e]))
    columns.clear()
    assert len(columns) == 0 and columns.capacity == 0
    rows = bars_from(prices_of(["1.25", "1.5"]))
    columns.extend(rows)
    assert read_back(columns) == rows
    assert columns.nbytes <= COMPACT_BYTES * columns.capacity


def test_a_late_trade_widens_its_bar_exactly_even_with_more_decimals() -> None:
    columns = appended(bars_from(prices_of(["50.1", "50.2", "50.3"])))
    columns.widen(1, float(Decimal("50.4567")), 25)
    columns.widen(1, float(Decimal("49.0001")), 5)
    _, o, h, lo, c, v = read_back(columns)[1]
    assert (o, h, lo, c, v) == (50.2, 50.4567, 49.0001, 50.2, 101 + 30)
    assert read_back(columns)[0] == bars_from(prices_of(["50.1", "50.2", "50.3"]))[0]


@pytest.mark.parametrize(
    "volumes",
    [
        [100, 2**31 - 1, 5],
        [100, 2**31, 5],
        [-(2**31) - 1, 7, 2**40],
        [1, 2**63 - 1, 3],
        [1, 2**64 + 2**12, 3],  # beyond int64: a float that holds it exactly
    ],
)
def test_volumes_widen_when_a_value_does_not_fit_and_come_back_exactly(
    volumes: list[int],
) -> None:
    rows = [(MINUTE + i, 1.0, 1.0, 1.0, 1.0, v) for i, v in enumerate(volumes)]
    for columns in (appended(rows), BarColumns(1440)):
        if not len(columns):
            columns.extend(rows)
        assert read_back(columns) == rows
        assert [columns.volume_from(i) for i in range(3)] == [
            sum(volumes),
            sum(volumes[1:]),
            volumes[2],
        ]


def test_a_late_trade_past_int32_widens_the_volume_of_its_bar() -> None:
    columns = appended(
        [(MINUTE, 1.0, 1.0, 1.0, 1.0, 2**31 - 10), (MINUTE + 1, 1.0, 1.0, 1.0, 1.0, 1)]
    )
    columns.widen(0, 1.0, 100)
    assert [columns.volume(0), columns.volume(1)] == [2**31 + 90, 1]
    assert columns.volume_from(0) == 2**31 + 91


def test_minutes_far_apart_or_before_the_first_come_back_exactly() -> None:
    minutes = [MINUTE, MINUTE + 70_000, MINUTE - 5, MINUTE + 1]
    rows = [(m, 1.0, 1.0, 1.0, 1.0, 1) for m in minutes]
    assert appended(rows).minutes().tolist() == minutes
    columns = BarColumns(1440)
    columns.extend(rows)
    assert columns.minutes().tolist() == minutes


def test_search_finds_minutes_as_searchsorted_does_even_outside_the_held_range() -> None:
    minutes = [MINUTE, MINUTE + 1, MINUTE + 3, MINUTE + 10]
    columns = appended([(m, 1.0, 1.0, 1.0, 1.0, 1) for m in minutes])
    for probe in (MINUTE - 100_000, MINUTE - 1, MINUTE, MINUTE + 2, MINUTE + 10, MINUTE + 99_999):
        for side in ("left", "right"):
            expected = int(np.searchsorted(np.array(minutes), probe, side=side))
            assert columns.search(probe, side) == expected


def test_appending_doubles_capacity_instead_of_growing_per_bar_and_stops_at_the_limit() -> None:
    columns = BarColumns(1000, spare=16)
    capacities = set()
    for i in range(1000):
        columns.append(MINUTE + i, 1.0 + i / 100, 2.0, 0.5, 1.5, i)
        capacities.add(columns.capacity)
        assert columns.capacity >= len(columns)
    assert sorted(capacities) == [16, 32, 64, 128, 256, 512, 1000]
    assert read_back(columns)[999] == (MINUTE + 999, 10.99, 2.0, 0.5, 1.5, 999)


def test_seeding_sizes_the_columns_to_the_bars_and_the_spare_rows() -> None:
    columns = BarColumns(1440, spare=16)
    columns.extend(bars_from([float(i) for i in range(400)]))
    assert columns.capacity == 416
    columns.extend(bars_from([1.0] * 1100))
    assert columns.capacity == 1500  # asked for more than the limit at once: all of it


def test_dropping_the_oldest_bar_returns_its_volume_and_keeps_the_rest() -> None:
    rows = bars_from(prices_of(["5.5", "5.25", "5.125"]), volume=10)
    columns = appended(rows)
    assert columns.drop_first() == 10
    assert read_back(columns) == rows[1:]
    columns.append(MINUTE + 3, 5.0, 5.0, 5.0, 5.0, 1)
    assert read_back(columns) == [*rows[1:], (MINUTE + 3, 5.0, 5.0, 5.0, 5.0, 1)]

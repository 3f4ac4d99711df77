"""Formatting of prices, changes, volumes, sizes and times as the board shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from desktop.domain.formatting import (
    MINUS,
    format_change,
    format_change_pct,
    format_exact,
    format_price,
    format_signed,
    format_size,
    format_time,
    format_time_zoned,
    format_volume,
    market_of,
    price_decimals,
    zone_label,
)
from desktop.domain.symbols import Market

D = Decimal


@pytest.mark.parametrize(
    ("market", "price", "text"),
    [
        (Market.US, D("189.2"), "189.20"),
        (Market.US, D("0.8712"), "0.8712"),
        (Market.US, D("0.87"), "0.8700"),
        (Market.US, D("1234.5"), "1,234.50"),
        (Market.HK, D("480.2"), "480.2"),
        (Market.HK, D("480.20"), "480.2"),
        (Market.HK, D("3.45"), "3.45"),
        (Market.HK, D("0.128"), "0.128"),
        (Market.HK, D("1500"), "1,500"),
    ],
)
def test_prices_are_shown_at_their_tick_precision(
    market: Market, price: Decimal, text: str
) -> None:
    assert format_price(market, price) == text


def test_a_missing_price_is_an_empty_cell() -> None:
    assert format_price(Market.US, None) == ""


def test_a_zero_or_negative_price_still_formats_without_raising() -> None:
    assert format_price(Market.US, D("0")) == "0.00"


def test_signed_numbers_use_plus_a_real_minus_and_no_sign_for_zero() -> None:
    assert format_signed(D("1.234"), 2) == "+1.23"
    assert format_signed(D("-0.45"), 2) == MINUS + "0.45"
    assert format_signed(D("0"), 2) == "0.00"
    assert format_signed(D("-0.001"), 2) == "0.00"
    assert format_signed(-1234.5, 1) == MINUS + "1,234.5"
    assert format_signed(None, 2) == ""
    assert MINUS == "\u2212"


def test_change_uses_the_finer_tick_precision_of_last_and_previous_close() -> None:
    # 1000.00 trades in whole dollars on HKEX, 999.50 in halves: the change needs one decimal.
    assert format_change(Market.HK, D("1001"), D("999.5")) == "+1.5"
    assert format_change(Market.US, D("189.84"), D("190.29")) == MINUS + "0.45"
    assert format_change(Market.US, D("1"), None) == ""
    assert price_decimals(Market.HK, D("480.2"), None, D("3.45")) == 2


def test_change_percent_has_two_decimals_a_sign_and_a_percent_sign() -> None:
    assert format_change_pct(D("1.2345")) == "+1.23%"
    assert format_change_pct(D("-0.454")) == MINUS + "0.45%"
    assert format_change_pct(D("0")) == "0.00%"
    assert format_change_pct(None) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (9_999, "9,999"),
        (10_000, "10.0K"),
        (345_600, "345.6K"),
        (999_960, "1.0M"),
        (1_234_567, "1.2M"),
        (12_345_678, "12.3M"),
        (2_345_678_901, "2.35B"),
        (D("2345678901.55"), "2.35B"),
        (1_200_000_000_000, "1.20T"),
        (-12_345, MINUS + "12.3K"),
    ],
)
def test_volumes_are_exact_below_ten_thousand_and_abbreviated_above(
    value: int | Decimal, text: str
) -> None:
    assert format_volume(value) == text


def test_exact_amounts_for_tooltips_have_thousands_separators() -> None:
    assert format_exact(12_345_678) == "12,345,678"
    assert format_exact(D("1234.567"), 2) == "1,234.57"
    assert format_exact(-5) == MINUS + "5"
    assert format_exact(None) == ""
    assert format_volume(None) == ""


def test_sizes_are_exact_below_a_million_then_abbreviated() -> None:
    assert format_size(12_300) == "12,300"
    assert format_size(999_999) == "999,999"
    assert format_size(1_500_000) == "1.5M"
    assert format_size(None) == ""


def test_trade_time_is_shown_in_the_market_time_zone() -> None:
    ts_ms = int(datetime(2024, 11, 22, 14, 30, 5, tzinfo=ZoneInfo("UTC")).timestamp() * 1000)
    assert format_time(ts_ms, Market.US) == "09:30:05"  # EST, UTC-5
    assert format_time(ts_ms, Market.HK) == "22:30:05"  # HKT, UTC+8
    assert format_time(None, Market.US) == ""


def test_trade_time_follows_daylight_saving_in_new_york() -> None:
    summer = int(datetime(2024, 7, 1, 13, 30, tzinfo=ZoneInfo("UTC")).timestamp() * 1000)
    assert format_time(summer, Market.US) == "09:30:00"  # EDT, UTC-4
    # Across the spring-forward hour, second by second, it matches zoneinfo.
    start = int(datetime(2024, 3, 10, 6, 58, tzinfo=ZoneInfo("UTC")).timestamp() * 1000)
    zone = ZoneInfo("America/New_York")
    for ts in range(start, start + 4 * 3_600_000, 7_777):
        expected = datetime.fromtimestamp(ts // 1000, zone).strftime("%H:%M:%S")
        assert format_time(ts, Market.US) == expected


def test_market_of_reads_the_symbol_suffix() -> None:
    assert market_of("00700.HK") is Market.HK
    assert market_of("AAPL.US") is Market.US
    assert market_of("BRK.B.US") is Market.US


def test_a_time_on_screen_carries_its_markets_zone() -> None:
    ts_ms = 1_736_519_405_000  # 2025-01-10 14:30:05 UTC
    assert format_time_zoned(ts_ms, Market.US) == "09:30:05 ET"
    assert format_time_zoned(ts_ms, Market.HK) == "22:30:05 HKT"
    assert format_time_zoned(None, Market.HK) == ""
    assert [zone_label(m) for m in (Market.US, Market.HK)] == ["ET", "HKT"]


def test_impossible_numbers_are_never_shown() -> None:
    assert format_price(Market.US, D("1e-400")) == ""
    assert format_price(Market.US, D("9e18")) == ""
    assert format_price(Market.US, D("Infinity")) == ""
    assert format_price(Market.US, D("NaN")) == ""
    assert format_price(Market.US, D("1000000000")) == "1,000,000,000.00"
    assert format_volume(10**19) == "" and format_volume(float("nan")) == ""
    assert format_volume(2**62) != ""
    assert format_exact(float("inf")) == ""
    assert format_time(253402300800000, Market.US) == ""  # year 10000: not a trade time
    assert format_time(1000, Market.US) == ""  # 1970
    assert format_time(1_700_000_000_000, Market.US) == "17:13:20"

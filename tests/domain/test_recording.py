"""Recording formats: exact prices in and out, time bounds, and connection strings without secrets."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest

from desktop.domain.market_data import DepthLevel
from desktop.domain.recording import (
    Retention,
    decode_levels,
    encode_levels,
    format_levels,
    parse_time_bound,
    redact_dsn,
    split_dsn_password,
)


def test_book_sides_round_trip_exactly_including_trailing_zeros_and_order_counts() -> None:
    side = (
        DepthLevel(Decimal("189.5300"), 300),
        DepthLevel(Decimal("0.001"), 2_000_000, 7),
        DepthLevel(Decimal("12345.6789"), 1),
    )
    text = encode_levels(side)
    assert decode_levels(text) == side
    assert [str(level.price) for level in decode_levels(text)] == [
        "189.5300",
        "0.001",
        "12345.6789",
    ]


def test_an_empty_or_missing_side_decodes_to_nothing() -> None:
    assert decode_levels(encode_levels(())) == ()
    assert decode_levels(None) == ()
    assert decode_levels("") == ()


def test_a_side_reads_as_price_at_volume_for_csv() -> None:
    side = (DepthLevel(Decimal("1.5"), 100), DepthLevel(Decimal("1.4"), 200, 3))
    assert format_levels(encode_levels(side)) == "1.5@100 1.4@200"


def test_time_bounds_accept_iso_times_dates_and_epoch_seconds_or_milliseconds() -> None:
    assert parse_time_bound("2024-05-02T09:30", UTC) == 1714642200000
    assert parse_time_bound("2024-05-02 09:30:00", UTC) == 1714642200000
    assert parse_time_bound("2024-05-02T09:30:00+08:00") == 1714613400000
    assert parse_time_bound("1714642200") == 1714642200000
    assert parse_time_bound("1714642200123") == 1714642200123


def test_a_time_bound_that_is_not_a_time_says_what_to_type() -> None:
    with pytest.raises(ValueError, match="2024-05-02T09:30"):
        parse_time_bound("yesterday")


def test_a_connection_string_is_shown_without_its_password() -> None:
    assert (
        redact_dsn("postgresql://desk:s3cret@db:5432/ticks")
        == "postgresql://desk:***@db:5432/ticks"
    )
    assert redact_dsn("host=db password='a b' dbname=t") == "host=db password=*** dbname=t"
    assert redact_dsn("postgresql://desk@db/ticks") == "postgresql://desk@db/ticks"


@pytest.mark.parametrize(
    ("dsn", "stripped", "password"),
    [
        ("postgresql://desk:s3cret@db:5432/ticks", "postgresql://desk@db:5432/ticks", "s3cret"),
        ("host=db user=desk password=abc dbname=t", "host=db user=desk dbname=t", "abc"),
        ("host=db password='it\\'s a b' dbname=t", "host=db dbname=t", "it's a b"),
        ("postgresql://desk@db/ticks", "postgresql://desk@db/ticks", None),
    ],
)
def test_a_password_is_split_out_of_a_connection_string(
    dsn: str, stripped: str, password: str | None
) -> None:
    assert split_dsn_password(dsn) == (stripped, password)


def test_retention_is_limited_only_when_a_limit_is_set() -> None:
    assert not Retention().limited
    assert Retention(days=1).limited
    assert Retention(gigabytes=0.5).limited

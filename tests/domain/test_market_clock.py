"""Session chips and market clocks on scripted days, against the real XNYS/XHKG calendars."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.domain.market_clock import (
    MarketPhase,
    PhaseCache,
    clock_text,
    format_countdown,
    session_state,
)
from desktop.domain.sessions import MarketSessions, load_exchange_sessions
from desktop.domain.symbols import Market

HK, US = Market.HK, Market.US


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


@pytest.fixture(scope="module")
def november() -> MarketSessions:
    return load_exchange_sessions(ms(2026, 11, 20))


@pytest.fixture(scope="module")
def autumn() -> MarketSessions:
    return load_exchange_sessions(ms(2026, 11, 1))


@pytest.fixture(scope="module")
def march() -> MarketSessions:
    return load_exchange_sessions(ms(2026, 3, 4))


def chip(sessions: MarketSessions, market: Market, at: int) -> str:
    return session_state(sessions, market, at).chip


def test_a_normal_hong_kong_day_through_lunch(november: MarketSessions) -> None:
    # Wednesday 25 Nov 2026: 09:30–12:00 and 13:00–16:00 HKT (UTC+8).
    script = [
        (ms(2026, 11, 25, 0, 50), "CLOSED", "HK · closed · 40 min to open"),
        (ms(2026, 11, 25, 1, 30), "RTH", "HK · open · 2:30 to lunch"),
        (ms(2026, 11, 25, 3, 45), "RTH", "HK · open · 15 min to lunch"),
        (ms(2026, 11, 25, 4, 19), "LUNCH", "HK · lunch · 41 min to open"),
        (ms(2026, 11, 25, 5, 0), "RTH", "HK · open · 3:00 to close"),
        (ms(2026, 11, 25, 7, 59, 30), "RTH", "HK · open · 1 min to close"),
        (ms(2026, 11, 25, 8, 0), "CLOSED", "HK · closed · opens Thu 09:30 HKT"),
    ]
    for at, expected_chip, expected_clock in script:
        assert chip(november, HK, at) == expected_chip
        assert clock_text(november, HK, at) == expected_clock


def test_hong_kong_has_no_extended_hours(november: MarketSessions) -> None:
    assert session_state(november, HK, ms(2026, 11, 25, 0, 0)).phase is MarketPhase.CLOSED
    assert session_state(november, HK, ms(2026, 11, 25, 9, 0)).phase is MarketPhase.CLOSED


def test_a_us_day_runs_pre_market_regular_hours_and_post_market(
    november: MarketSessions,
) -> None:
    # Wednesday 25 Nov 2026, EST (UTC-5): pre 04:00, open 09:30, close 16:00, post to 20:00.
    script = [
        (ms(2026, 11, 25, 8, 59), "CLOSED", "US · closed · opens 09:30 ET"),
        (ms(2026, 11, 25, 9, 0), "PRE", "US · pre-market · 5:30 to the open"),
        (ms(2026, 11, 25, 11, 18), "PRE", "US · pre-market · 3:12 to the open"),
        (ms(2026, 11, 25, 14, 30), "RTH", "US · open · 6:30 to close"),
        (ms(2026, 11, 25, 21, 0), "POST", "US · post-market · 4:00 left"),
        (ms(2026, 11, 26, 0, 59), "POST", "US · post-market · 1 min left"),
        # Thanksgiving follows: closed, and the next open is Friday's.
        (ms(2026, 11, 26, 1, 0), "CLOSED", "US · closed · opens Fri 09:30 ET"),
    ]
    for at, expected_chip, expected_clock in script:
        assert chip(november, US, at) == expected_chip, at
        assert clock_text(november, US, at) == expected_clock


def test_a_us_holiday_says_holiday_and_when_trading_resumes(november: MarketSessions) -> None:
    thanksgiving_noon = ms(2026, 11, 26, 17, 0)
    state = session_state(november, US, thanksgiving_noon)
    assert state.phase is MarketPhase.CLOSED and state.holiday
    assert state.chip == "CLOSED"
    assert clock_text(november, US, thanksgiving_noon) == "US · holiday · opens Fri 09:30 ET"
    # No pre-market on a holiday either.
    assert chip(november, US, ms(2026, 11, 26, 10, 0)) == "CLOSED"


def test_a_us_half_day_closes_at_one_and_its_post_market_ends_at_five(
    november: MarketSessions,
) -> None:
    # Friday 27 Nov 2026: 09:30–13:00 ET.
    assert chip(november, US, ms(2026, 11, 27, 12, 0)) == "PRE"
    assert chip(november, US, ms(2026, 11, 27, 15, 0)) == "HALF-DAY"
    assert clock_text(november, US, ms(2026, 11, 27, 15, 0)) == "US · half day · 3:00 to close"
    assert clock_text(november, US, ms(2026, 11, 27, 17, 45)) == "US · half day · 15 min to close"
    assert chip(november, US, ms(2026, 11, 27, 18, 0)) == "POST"
    assert clock_text(november, US, ms(2026, 11, 27, 18, 0)) == "US · post-market · 4:00 left"
    assert chip(november, US, ms(2026, 11, 27, 22, 0)) == "CLOSED"


def test_a_weekend_is_closed_not_a_holiday_and_points_at_monday(
    november: MarketSessions,
) -> None:
    saturday = ms(2026, 11, 28, 15, 0)
    for market in (US, HK):
        state = session_state(november, market, saturday)
        assert state.phase is MarketPhase.CLOSED and not state.holiday
    assert clock_text(november, US, saturday) == "US · closed · opens Mon 09:30 ET"
    assert clock_text(november, HK, saturday) == "HK · closed · opens Mon 09:30 HKT"


def test_the_hour_around_the_spring_daylight_saving_change(march: MarketSessions) -> None:
    # Clocks go forward on Sunday 8 Mar 2026 at 02:00 EST → 03:00 EDT (07:00 UTC).
    for at in (ms(2026, 3, 8, 6, 30), ms(2026, 3, 8, 7, 0), ms(2026, 3, 8, 7, 30)):
        assert clock_text(march, US, at) == "US · closed · opens Mon 09:30 ET"
    # Friday before: pre-market at 04:00 EST = 09:00 UTC; Monday after: 04:00 EDT = 08:00 UTC.
    assert chip(march, US, ms(2026, 3, 6, 8, 59)) == "CLOSED"
    assert chip(march, US, ms(2026, 3, 6, 9, 0)) == "PRE"
    assert chip(march, US, ms(2026, 3, 9, 7, 59)) == "CLOSED"
    assert chip(march, US, ms(2026, 3, 9, 8, 0)) == "PRE"
    assert clock_text(march, US, ms(2026, 3, 9, 8, 0)) == "US · pre-market · 5:30 to the open"
    assert chip(march, US, ms(2026, 3, 9, 13, 30)) == "RTH"  # 09:30 EDT
    assert chip(march, US, ms(2026, 3, 9, 23, 59)) == "POST"  # 19:59 EDT
    assert chip(march, US, ms(2026, 3, 10, 0, 0)) == "CLOSED"  # 20:00 EDT


def test_the_hour_around_the_autumn_daylight_saving_change(autumn: MarketSessions) -> None:
    # Clocks go back on Sunday 1 Nov 2026: Friday 30 Oct is EDT, Monday 2 Nov EST.
    assert chip(autumn, US, ms(2026, 10, 30, 23, 59)) == "POST"  # 19:59 EDT
    assert chip(autumn, US, ms(2026, 10, 31, 0, 0)) == "CLOSED"
    assert chip(autumn, US, ms(2026, 11, 2, 8, 30)) == "CLOSED"  # 03:30 EST
    assert chip(autumn, US, ms(2026, 11, 2, 9, 0)) == "PRE"  # 04:00 EST
    assert chip(autumn, US, ms(2026, 11, 2, 14, 29)) == "PRE"
    assert chip(autumn, US, ms(2026, 11, 2, 14, 30)) == "RTH"


@pytest.mark.parametrize(
    ("time_et", "phase"),
    [
        ((3, 59), MarketPhase.CLOSED),
        ((4, 0), MarketPhase.PRE),
        ((9, 29), MarketPhase.PRE),
        ((9, 30), MarketPhase.RTH),
        ((15, 59), MarketPhase.RTH),
        ((16, 0), MarketPhase.POST),
        ((19, 59), MarketPhase.POST),
        ((20, 0), MarketPhase.CLOSED),
    ],
)
def test_the_extended_hours_classifier_on_a_us_trading_day(
    november: MarketSessions, time_et: tuple[int, int], phase: MarketPhase
) -> None:
    hour, minute = time_et
    at = ms(2026, 11, 24, 5) + (hour * 60 + minute) * 60_000  # EST = UTC-5
    assert session_state(november, US, at).phase is phase
    assert phase.extended == (phase in (MarketPhase.PRE, MarketPhase.POST))


def test_outside_the_loaded_calendar_the_clock_says_only_closed(
    november: MarketSessions,
) -> None:
    assert clock_text(november, US, ms(2031, 1, 1)) == "US · closed"


@pytest.mark.parametrize(
    ("left_ms", "text"),
    [
        (1, "1 min"),
        (60_000, "1 min"),
        (60_001, "2 min"),
        (59 * 60_000, "59 min"),
        (3_600_000, "1:00"),
        (192 * 60_000, "3:12"),
    ],
)
def test_countdowns_read_as_minutes_under_an_hour_and_hours_above(left_ms: int, text: str) -> None:
    assert format_countdown(left_ms) == text


def test_a_row_in_pre_market_says_closed_until_the_provider_sends_an_extended_trade(
    november: MarketSessions,
) -> None:
    pre = ms(2026, 11, 25, 11, 18)
    state = session_state(november, US, pre)
    assert state.row_chip(None) == "CLOSED"
    assert state.row_chip(ms(2026, 11, 24, 22, 0)) == "CLOSED"  # yesterday's post-market
    assert state.row_chip(ms(2026, 11, 25, 10, 0)) == "PRE"
    rth = session_state(november, US, ms(2026, 11, 25, 15, 0))
    assert rth.row_chip(None) == "RTH"
    post = session_state(november, US, ms(2026, 11, 25, 22, 0))
    assert post.row_chip(ms(2026, 11, 25, 20, 59)) == "CLOSED"  # a regular-hours print
    assert post.row_chip(ms(2026, 11, 25, 21, 5)) == "POST"


def test_the_phase_cache_answers_like_the_calendar_forwards_and_backwards(
    november: MarketSessions,
) -> None:
    cache = PhaseCache(november)
    start = ms(2026, 11, 24, 8, 0)
    stamps = [start + step * 7 * 60_000 for step in range(200)]  # 03:00 ET onwards, 7-min steps
    for at in stamps + stamps[::-1] + stamps[::3]:
        for market in (US, HK):
            assert cache(market, at) is session_state(november, market, at).phase

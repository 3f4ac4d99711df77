from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.domain.sessions import (
    AlwaysOpen,
    MarketSessions,
    SessionPhase,
    load_exchange_sessions,
)
from desktop.domain.symbols import Market


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


@pytest.fixture(scope="module")
def sessions() -> MarketSessions:
    return load_exchange_sessions(ms(2026, 11, 25))


def test_hong_kong_has_a_lunch_break_between_its_two_sessions(sessions: MarketSessions) -> None:
    assert sessions.phase(Market.HK, ms(2026, 11, 25, 2, 0)) is SessionPhase.OPEN  # 10:00 HKT
    assert sessions.phase(Market.HK, ms(2026, 11, 25, 4, 30)) is SessionPhase.LUNCH  # 12:30
    assert sessions.phase(Market.HK, ms(2026, 11, 25, 6, 0)) is SessionPhase.OPEN  # 14:00
    assert sessions.phase(Market.HK, ms(2026, 11, 25, 12, 0)) is SessionPhase.CLOSED  # 20:00
    assert sessions.phase_start(Market.HK, ms(2026, 11, 25, 6, 0)) == ms(2026, 11, 25, 5, 0)


def test_new_york_is_closed_at_night_and_after_a_half_day_and_says_holiday_on_thanksgiving(
    sessions: MarketSessions,
) -> None:
    assert sessions.phase(Market.US, ms(2026, 11, 25, 15, 0)) is SessionPhase.OPEN
    assert sessions.phase(Market.US, ms(2026, 11, 25, 3, 0)) is SessionPhase.CLOSED  # night
    thanksgiving = ms(2026, 11, 26, 15, 0)
    assert sessions.phase(Market.US, thanksgiving) is SessionPhase.HOLIDAY
    assert sessions.phase(Market.US, ms(2026, 11, 27, 17, 30)) is SessionPhase.OPEN
    assert sessions.phase(Market.US, ms(2026, 11, 27, 18, 30)) is SessionPhase.CLOSED  # 13:00 ET
    assert sessions.phase(Market.US, ms(2026, 11, 28, 15, 0)) is SessionPhase.CLOSED  # Saturday


def test_outside_the_loaded_range_everything_is_closed_and_says_so(
    sessions: MarketSessions,
) -> None:
    far = ms(2030, 1, 2, 15, 0)
    assert not sessions.covers(far)
    assert sessions.phase(Market.US, far) is SessionPhase.CLOSED


def test_the_demo_source_is_always_open() -> None:
    assert AlwaysOpen().phase(Market.HK, ms(2026, 11, 28, 4, 30)) is SessionPhase.OPEN

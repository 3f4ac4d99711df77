"""Chart bars at every timeframe: live minutes joined to klines, VWAP, averages, breaks, shading."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import numpy as np
import pytest

from desktop.domain.chart_series import (
    Timeframe,
    arrays_of,
    bucket_starts,
    extended_runs,
    ledger_breaks,
    merge_live,
    moving_average,
    outage_breaks,
    vwap,
)
from desktop.domain.market_clock import MarketPhase, phase_at, session_segment
from desktop.domain.minute_bars import MinuteBar
from desktop.domain.sessions import MarketSessions, load_exchange_sessions
from desktop.domain.symbols import Market

US, HK = Market.US, Market.HK


def s(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def minutes(start_s: int, closes: list[float], volume: int = 100) -> list[MinuteBar]:
    return [MinuteBar(start_s + 60 * i, c, c + 1, c - 1, c, volume) for i, c in enumerate(closes)]


@pytest.fixture(scope="module")
def sessions() -> MarketSessions:
    return load_exchange_sessions(s(2026, 11, 20) * 1000)


def test_every_timeframe_maps_to_its_documented_kline_type() -> None:
    assert [(tf.label, tf.kline_type) for tf in Timeframe] == [
        ("1m", 1),
        ("5m", 2),
        ("15m", 3),
        ("1h", 5),
        ("1d", 8),
        ("1w", 9),
    ]
    assert Timeframe.from_label("15m") is Timeframe.M15 and Timeframe.from_label("2h") is None


def test_days_and_weeks_start_at_the_markets_own_midnight_and_monday() -> None:
    at = np.array([float(s(2026, 11, 25, 20, 0))])  # Wed 15:00 ET, Thu 04:00 HKT
    assert bucket_starts(at, Timeframe.D1, US)[0] == s(2026, 11, 25, 5, 0)  # 00:00 EST
    assert bucket_starts(at, Timeframe.D1, HK)[0] == s(2026, 11, 25, 16, 0)  # 00:00 HKT Thu
    assert bucket_starts(at, Timeframe.W1, US)[0] == s(2026, 11, 23, 5, 0)  # Monday
    assert bucket_starts(at, Timeframe.M15, US)[0] == s(2026, 11, 25, 20, 0)


def test_live_minutes_extend_the_running_kline_and_add_new_bars() -> None:
    base = s(2026, 11, 25, 15, 0)
    history = arrays_of(
        [MinuteBar(base - 300, 10, 11, 9, 10.5, 1000), MinuteBar(base, 10.5, 10.8, 10.2, 10.6, 500)]
    )
    live = arrays_of(minutes(base + 120, [10.7, 12.0, 10.0]) + minutes(base + 300, [11.0, 11.5]))
    merged = merge_live(history, live, Timeframe.M5, US)
    assert list(merged.start_s) == [base - 300, base, base + 300]
    assert merged.high[1] == 13.0 and merged.low[1] == 9.0 and merged.close[1] == 10.0
    assert merged.volume[1] == 500  # the provider's count was larger than the app's 300
    assert merged.open[2] == 11.0 and merged.close[2] == 11.5 and merged.volume[2] == 200
    assert merge_live(history, arrays_of([]), Timeframe.M5, US) is history


def test_moving_averages_start_once_enough_bars_exist() -> None:
    close = np.arange(1.0, 6.0)
    ma = moving_average(close, 3)
    assert np.isnan(ma[:2]).all() and list(ma[2:]) == [2.0, 3.0, 4.0]
    assert np.isnan(moving_average(close, 10)).all()


def test_vwap_weights_the_typical_price_by_volume_and_restarts_each_day() -> None:
    day1 = s(2026, 11, 24, 15, 0)
    bars = [
        MinuteBar(day1, 10, 10, 10, 10, 100),
        MinuteBar(day1 + 60, 20, 20, 20, 20, 300),
        MinuteBar(day1 + 86_400, 50, 50, 50, 50, 10),
    ]
    assert list(vwap(arrays_of(bars), US)) == [10.0, 17.5, 50.0]


def test_a_gap_inside_a_session_is_a_break_but_lunch_and_the_night_are_not(
    sessions: MarketSessions,
) -> None:
    segment = partial(session_segment, sessions)
    morning = s(2026, 11, 25, 3, 55)  # 11:55 HKT
    starts = np.array(
        [morning, morning + 60, morning + 240, s(2026, 11, 25, 5, 0), s(2026, 11, 26, 1, 30)],
        dtype=np.float64,
    )
    assert outage_breaks(starts, Timeframe.M1, HK, lambda m, at: segment(m, at)) == [2]
    assert outage_breaks(starts, Timeframe.M1, HK) == [2, 3]  # no calendar: one local day
    assert outage_breaks(starts, Timeframe.D1, HK) == []


def test_pre_and_post_market_bars_are_found_for_shading(sessions: MarketSessions) -> None:
    open_ = s(2026, 11, 25, 14, 30)
    starts = np.array(
        [open_ - 120, open_ - 60, open_, open_ + 60, s(2026, 11, 25, 21, 0)], dtype=np.float64
    )
    phase = partial(phase_at, sessions)
    assert extended_runs(starts, US, lambda m, at: phase(m, at)) == [(0, 1), (4, 4)]
    assert phase(US, open_ * 1000) is MarketPhase.RTH


def test_a_recorded_outage_breaks_the_bars_after_it_even_with_no_bar_missing() -> None:
    open_ = s(2026, 11, 25, 14, 30)
    starts = np.array([open_ + 60 * i for i in range(6)], dtype=np.float64)
    outage = [((open_ + 130) * 1000, (open_ + 172) * 1000)]  # 42 s inside the third minute
    assert outage_breaks(starts, Timeframe.M1, US) == []  # every minute has a bar
    assert ledger_breaks(starts, Timeframe.M1, outage) == [3]
    assert ledger_breaks(starts, Timeframe.D1, outage) == []  # a day bar is the provider's
    # Klines fetched after the outage are the provider's whole record: no hole to draw.
    assert ledger_breaks(starts, Timeframe.M1, outage, whole_before_s=open_ + 240) == []

"""Relative volume and the 52-week range against a hand-computed daily series."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from desktop.domain.daily_stats import (
    DailyBar,
    daily_stats,
    relative_volume,
    session_fraction,
    usual_volume_by,
)
from desktop.domain.formatting import local_day
from desktop.domain.symbols import Market

NY = ZoneInfo("America/New_York")
HK = ZoneInfo("Asia/Hong_Kong")


def ms(zone: ZoneInfo, *parts: int) -> int:
    return int(datetime(*parts, tzinfo=zone).timestamp() * 1000)


def day_bar(zone: ZoneInfo, day: int, volume: int, high: str, low: str, month: int = 3) -> DailyBar:
    start = ms(zone, 2026, month, day, 0, 0) // 1000
    return DailyBar(start, Decimal(low), Decimal(high), Decimal(low), Decimal(high), volume)


# Five sessions before Friday 2026-03-06 (Mon 02 … Thu 05 plus Fri 27 Feb); by hand:
# average of the last 3 = (1,200,000 + 900,000 + 1,500,000) / 3 = 1,200,000.
US_BARS = [
    day_bar(NY, 27, 600_000, "101.00", "95.00", month=2),
    day_bar(NY, 2, 800_000, "99.00", "96.00"),
    day_bar(NY, 3, 1_200_000, "104.50", "97.00"),
    day_bar(NY, 4, 900_000, "100.00", "94.25"),
    day_bar(NY, 5, 1_500_000, "102.00", "98.00"),
    day_bar(NY, 6, 7_000_000, "130.00", "60.00"),  # today: never in the average or the range
]
TODAY = local_day(Market.US, ms(NY, 2026, 3, 6, 12, 0) / 1000)


def test_the_usual_volume_averages_the_last_complete_sessions_before_today() -> None:
    stats = daily_stats(US_BARS, Market.US, TODAY, sessions=3)
    assert stats.avg_volume == 1_200_000 and stats.sessions == 3
    assert stats.year_high == Decimal("104.50") and stats.year_low == Decimal("94.25")


def test_a_year_old_bar_falls_out_of_the_52_week_range() -> None:
    old = DailyBar(ms(NY, 2025, 3, 4, 0, 0) // 1000, *(Decimal("500"),) * 4, 100)
    stats = daily_stats([old, *US_BARS], Market.US, TODAY)
    assert stats.year_high == Decimal("104.50")


def test_new_york_session_share_counts_regular_minutes_only() -> None:
    assert session_fraction(Market.US, ms(NY, 2026, 3, 6, 9, 0)) == 0.0
    assert session_fraction(Market.US, ms(NY, 2026, 3, 6, 10, 45)) == pytest.approx(75 / 390)
    assert session_fraction(Market.US, ms(NY, 2026, 3, 6, 17, 0)) == 1.0


def test_hong_kong_lunch_break_does_not_count() -> None:
    assert session_fraction(Market.HK, ms(HK, 2026, 3, 6, 12, 30)) == pytest.approx(150 / 330)
    assert session_fraction(Market.HK, ms(HK, 2026, 3, 6, 13, 30)) == pytest.approx(180 / 330)


def test_relative_volume_at_10_45_by_hand() -> None:
    stats = daily_stats(US_BARS, Market.US, TODAY, sessions=3)
    usual = usual_volume_by(stats, Market.US, ms(NY, 2026, 3, 6, 10, 45))
    # 1,200,000 × 75 / 390 = 230,769.2…; 785,000 shares so far is 3.4× that.
    assert usual == pytest.approx(230_769.23, abs=0.01)
    assert relative_volume(785_000, usual) == pytest.approx(3.4017, abs=1e-4)


def test_an_around_the_clock_feed_counts_from_the_days_first_trade() -> None:
    stats = daily_stats(US_BARS, Market.US, TODAY, sessions=3)
    first = ms(NY, 2026, 3, 6, 1, 0)
    usual = usual_volume_by(stats, Market.US, first + 39 * 60_000, day_first_ms=first)
    assert usual == pytest.approx(120_000)  # 39 of 390 minutes: a tenth of 1.2 M


def test_no_average_or_the_first_minute_gives_no_relative_volume() -> None:
    assert usual_volume_by(None, Market.US, ms(NY, 2026, 3, 6, 11, 0)) is None
    stats = daily_stats(US_BARS, Market.US, TODAY)
    assert usual_volume_by(stats, Market.US, ms(NY, 2026, 3, 6, 9, 30, 30)) is None
    assert relative_volume(100, None) is None


def test_the_tracker_on_an_around_the_clock_feed_counts_from_the_first_minute_bar() -> None:
    from desktop.domain.market_data import Tick, TradeSide
    from desktop.domain.minute_bars import MinuteBarStore
    from desktop.domain.quote_book import QuoteBook
    from desktop.domain.relative_volume import RelativeVolume

    book, bars = QuoteBook(), MinuteBarStore()
    rvol = RelativeVolume(book, bars.first_minute_ms)
    book.add_trade_listener(bars.add_trade)
    book.add_trade_listener(rvol.on_trade)
    book.track("AAPL.US")
    rvol.reset(around_the_clock=True)
    rvol.set_stats("AAPL.US", daily_stats(US_BARS, Market.US, TODAY, sessions=3))
    first = ms(NY, 2026, 3, 6, 1, 0)  # the demo trades at 01:00 New York time too
    for minute in (0, 39):
        tick = Tick("AAPL.US", Decimal("100"), 60_000, None, TradeSide.BUY, first + minute * 60_000)
        book.apply_tick(tick, 0.0)
    state = book.get("AAPL.US")
    assert state is not None and state.usual_volume == pytest.approx(120_000)
    assert state.rel_volume == pytest.approx(1.0)  # 120,000 shares against 120,000 usual

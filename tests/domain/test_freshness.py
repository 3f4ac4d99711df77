from __future__ import annotations

from decimal import Decimal

from desktop.domain.freshness import FreshnessJudge, format_age
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, MarketSessions, SessionPhase, TradingDay
from desktop.domain.symbols import Market

HOUR = 3_600_000
DAY0 = 1_795_000_000_000  # an arbitrary epoch-ms origin
HK_DAY = TradingDay(DAY0, DAY0 + 7 * HOUR, DAY0 + 3 * HOUR, DAY0 + 4 * HOUR)
US_DAY = TradingDay(DAY0 + 13 * HOUR, DAY0 + 20 * HOUR)
SESSIONS = MarketSessions({Market.HK: [HK_DAY], Market.US: [US_DAY]}, DAY0 - HOUR, DAY0 + 30 * HOUR)


def book_with(*symbols: str) -> QuoteBook:
    book = QuoteBook()
    for symbol in symbols:
        book.track(symbol)
        book.apply_tick(Tick(symbol, Decimal("10"), 100, None, TradeSide.NEUTRAL, 1, 1), now=100.0)
    return book


def test_a_quiet_symbol_in_an_open_market_goes_stale_and_shows_its_age() -> None:
    judge = FreshnessJudge(AlwaysOpen(), stale_after_s=60)
    book = book_with("AAPL.US")
    assert judge.judge(book, ["AAPL.US"], 150.0, DAY0).stale == 0
    report = judge.judge(book, ["AAPL.US"], 100.0 + 134, DAY0)
    assert report.stale == 1
    row = report.rows["AAPL.US"]
    assert row.dim and row.text == "2 m 14 s ago"


def test_no_stale_alarm_during_the_lunch_break_or_at_night() -> None:
    judge = FreshnessJudge(SESSIONS, stale_after_s=60)
    book = book_with("00700.HK", "AAPL.US")
    lunch = DAY0 + 3 * HOUR + 30 * 60_000
    report = judge.judge(book, ["00700.HK", "AAPL.US"], 100.0 + 5000, lunch)
    assert report.stale == 0
    assert report.rows["00700.HK"].text == SessionPhase.LUNCH.value
    assert report.rows["AAPL.US"].text == SessionPhase.CLOSED.value  # New York at night
    assert not report.rows["00700.HK"].dim


def test_staleness_counts_from_the_session_open_not_from_last_nights_close() -> None:
    judge = FreshnessJudge(SESSIONS, stale_after_s=60)
    book = book_with("00700.HK")
    # 30 s after the afternoon session opened; the last tick is from the morning.
    now_ms = DAY0 + 4 * HOUR + 30_000
    assert judge.judge(book, ["00700.HK"], 100.0 + 9000, now_ms).stale == 0
    assert judge.judge(book, ["00700.HK"], 100.0 + 9040, now_ms + 40_000).stale == 1


def test_nothing_is_judged_before_the_calendars_are_loaded_or_for_unstreamed_rows() -> None:
    book = book_with("AAPL.US")
    assert FreshnessJudge(None).judge(book, ["AAPL.US"], 1e6, DAY0).stale == 0
    judge = FreshnessJudge(AlwaysOpen(), stale_after_s=1)
    assert judge.judge(book, ["AAPL.US"], 1e6, DAY0, skip={"AAPL.US"}).stale == 0


def test_ages_are_compact() -> None:
    assert format_age(5) == "5 s ago"
    assert format_age(3725) == "1 h 02 m ago"

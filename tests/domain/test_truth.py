"""TruthJudge: every quote's state from the connection, the session and the symbol's own rhythm."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.market_data import DepthLevel, DepthSnapshot, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, MarketSessions, SessionPhase, TradingDay
from desktop.domain.symbols import Market
from desktop.domain.truth import FeedConditions, FeedMode, Truth, TruthJudge
from desktop.domain.truth_terms import format_age, price_timeline

HOUR = 3_600_000
DAY0 = 1_795_000_000_000  # a Tuesday, 09:46 UTC
HK_DAY = TradingDay(DAY0, DAY0 + 7 * HOUR, DAY0 + 3 * HOUR, DAY0 + 4 * HOUR)
US_DAY = TradingDay(DAY0 + 13 * HOUR, DAY0 + 20 * HOUR)
SESSIONS = MarketSessions({Market.HK: [HK_DAY], Market.US: [US_DAY]}, DAY0 - HOUR, DAY0 + 30 * HOUR)
LIVE = FeedConditions(live_since={0: 0.0}, connection_of={"AAPL.US": 0, "00700.HK": 0})


def tick(symbol: str, seq: int, ts: int = DAY0, price: str = "10") -> Tick:
    return Tick(symbol, Decimal(price), 100, None, TradeSide.NEUTRAL, ts, seq)


def book_with(*symbols: str, at: float = 100.0) -> QuoteBook:
    book = QuoteBook()
    for symbol in symbols:
        book.track(symbol)
        book.apply_tick(tick(symbol, 1), at)
    return book


def verdict(
    judge: TruthJudge,
    book: QuoteBook,
    symbol: str,
    now: float,
    now_ms: int = DAY0,
    conditions: FeedConditions = LIVE,
) -> tuple[Truth, str]:
    v = judge.judge(book, [symbol], now, now_ms, conditions).verdicts[symbol]
    return v.state, v.chip


def test_a_symbol_that_ticks_is_live_and_its_age_is_always_in_the_chip() -> None:
    judge = TruthJudge(AlwaysOpen())
    book = book_with("AAPL.US")
    assert verdict(judge, book, "AAPL.US", 103.0) == (Truth.LIVE, "Live · 3 s")


def test_a_thin_name_is_quiet_by_its_own_rhythm_and_a_busy_one_goes_stale_sooner() -> None:
    judge = TruthJudge(AlwaysOpen(), quiet_floor_s=10, stale_floor_s=60)
    book = QuoteBook()
    for symbol in ("THIN.US", "BUSY.US"):
        book.track(symbol)
    for i in range(6):  # THIN trades every 100 s, BUSY every second
        book.apply_tick(tick("THIN.US", i + 1), 100.0 * i)
    for i in range(6):
        book.apply_tick(tick("BUSY.US", i + 1), 495.0 + i)
    conditions = FeedConditions(live_since={0: 0.0}, connection_of={"THIN.US": 0, "BUSY.US": 0})
    now = 500.0 + 200  # both silent ~200 s
    report = judge.judge(book, ["THIN.US", "BUSY.US"], now, DAY0, conditions)
    assert report.verdicts["THIN.US"].state is Truth.LIVE  # 200 s < 5 × its 100 s rhythm
    assert report.verdicts["BUSY.US"].state is Truth.STALE  # 200 s ≫ 30 × 1 s (floor 60 s)
    quiet = judge.judge(book, ["THIN.US"], 500.0 + 700, DAY0, conditions).verdicts["THIN.US"]
    assert quiet.state is Truth.QUIET and not quiet.dim
    assert report.stale == 1


def test_every_symbol_on_a_connection_that_went_down_is_stale_at_once() -> None:
    judge = TruthJudge(AlwaysOpen())
    book = book_with("AAPL.US", "00700.HK")
    conditions = FeedConditions(
        live_since={0: None, 1: 0.0},
        connection_of={"AAPL.US": 0, "00700.HK": 1},
        down_reason="connection lost",
    )
    report = judge.judge(book, ["AAPL.US", "00700.HK"], 100.5, DAY0, conditions)
    stale = report.verdicts["AAPL.US"]
    assert (stale.state, stale.detail, stale.dim) == (Truth.STALE, "connection lost", True)
    assert report.verdicts["00700.HK"].state is Truth.LIVE
    down = FeedConditions(feed_down=True)
    assert verdict(judge, book, "00700.HK", 100.5, conditions=down)[0] is Truth.STALE


def test_sessions_say_lunch_closed_and_holiday_instead_of_stale() -> None:
    judge = TruthJudge(SESSIONS)
    book = book_with("00700.HK", "AAPL.US")
    lunch = DAY0 + 3 * HOUR + 30 * 60_000
    report = judge.judge(book, ["00700.HK", "AAPL.US"], 5000.0, lunch, LIVE)
    assert report.verdicts["00700.HK"].state is Truth.LUNCH
    assert report.verdicts["AAPL.US"].state is Truth.CLOSED  # New York before the open
    assert report.stale == 0
    next_weekday = DAY0 + 24 * HOUR + 2 * HOUR  # Wednesday: nothing loaded opens that day
    assert SESSIONS.phase(Market.HK, next_weekday) is SessionPhase.HOLIDAY
    assert verdict(judge, book, "00700.HK", 9e4, next_weekday)[0] is Truth.HOLIDAY


def test_silence_counts_from_the_session_open_not_from_last_nights_close() -> None:
    judge = TruthJudge(SESSIONS, stale_floor_s=60)
    book = book_with("00700.HK")
    now_ms = DAY0 + 4 * HOUR + 30_000  # 30 s after the afternoon session opened
    assert verdict(judge, book, "00700.HK", 9000.0, now_ms)[0] is not Truth.STALE
    assert verdict(judge, book, "00700.HK", 9040.0, now_ms + 40_000)[0] is Truth.STALE


def test_one_sided_and_empty_books_read_limit_up_limit_down_and_halted() -> None:
    judge = TruthJudge(AlwaysOpen())
    book = book_with("00700.HK")
    level = (DepthLevel(Decimal("10"), 100),)
    cases = [
        ((level, ()), Truth.LIMIT_UP),
        (((), level), Truth.LIMIT_DOWN),
        (((), ()), Truth.HALTED),
    ]
    for seq, ((bids, asks), expected) in enumerate(cases, start=2):
        book.apply_depth(DepthSnapshot("00700.HK", bids, asks, DAY0 + seq, seq), 101.0)
        assert verdict(judge, book, "00700.HK", 101.5)[0] is expected


def test_exchange_time_steadily_behind_the_clock_reads_delayed() -> None:
    judge = TruthJudge(AlwaysOpen(), delayed_after_s=5)
    book = book_with("AAPL.US")
    for i in range(2, 6):  # each push arrives 8 s after its exchange time
        book.apply_tick(tick("AAPL.US", i, ts=DAY0 + i * 1000), 100.0 + i)
        state, chip = verdict(judge, book, "AAPL.US", 100.0 + i, DAY0 + i * 1000 + 8000)
    assert state is Truth.DELAYED
    on_time = book_with("MSFT.US")
    conditions = FeedConditions(live_since={0: 0.0}, connection_of={"MSFT.US": 0})
    for i in range(2, 6):
        on_time.apply_tick(tick("MSFT.US", i, ts=DAY0 + i * 1000), 100.0 + i)
        state, _ = verdict(judge, on_time, "MSFT.US", 100.0 + i, DAY0 + i * 1000 + 300, conditions)
    assert state is Truth.LIVE


def test_a_symbol_that_never_ticks_while_its_neighbours_do_is_beyond_the_plan() -> None:
    judge = TruthJudge(AlwaysOpen(), silent_peer_s=60)
    book = QuoteBook()
    book.track("AAPL.US")
    book.track("ZZZ.US")
    conditions = FeedConditions(
        live_since={0: 10.0}, connection_of={"AAPL.US": 0, "ZZZ.US": 0}, codes_per_connection=100
    )
    judge.judge(book, ["ZZZ.US"], 10.0, DAY0, conditions)
    v = judge.judge(book, ["ZZZ.US"], 50.0, DAY0, conditions).verdicts["ZZZ.US"]
    assert v.state is Truth.QUIET and v.detail == "waiting for the first trade"
    book.apply_tick(tick("AAPL.US", 1), 55.0)
    v = judge.judge(book, ["ZZZ.US"], 120.0, DAY0, conditions).verdicts["ZZZ.US"]
    assert v.state is Truth.NOT_STREAMING
    assert v.detail == "never ticked — probably beyond your plan's 1 code"


def test_known_not_streaming_reasons_win_and_demo_or_replay_never_read_live() -> None:
    judge = TruthJudge(AlwaysOpen())
    book = book_with("AAPL.US")
    refused = FeedConditions(not_streaming={"AAPL.US": "refused by the server (604)"})
    assert verdict(judge, book, "AAPL.US", 101.0, conditions=refused)[0] is Truth.NOT_STREAMING
    for mode, expected in ((FeedMode.DEMO, Truth.DEMO), (FeedMode.REPLAY, Truth.REPLAY)):
        conditions = FeedConditions(mode=mode, live_since={0: 0.0}, connection_of={"AAPL.US": 0})
        assert verdict(judge, book, "AAPL.US", 101.0, conditions=conditions)[0] is expected
        down = FeedConditions(mode=mode, feed_down=True)
        assert verdict(judge, book, "AAPL.US", 101.0, conditions=down)[0] is Truth.STALE


def test_ages_are_compact_and_the_timeline_names_each_step() -> None:
    assert format_age(5) == "5 s" and format_age(3725) == "1 h 02 m"
    book = book_with("AAPL.US", at=100.0)
    state = book.get("AAPL.US")
    assert state is not None
    text = price_timeline(state, 100.2, DAY0 + 210, DAY0 + 250)
    assert text.startswith("exchange ") and "→ received " in text and "→ painted " in text
    # Received 0.2 s before `now`: DAY0 + 10 ms; painted at DAY0 + 250 ms; both wall clock.
    assert ".010 → painted" in text and text.endswith(".250 (push)")

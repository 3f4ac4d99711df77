"""Alerts on bid, ask and spread, and armed per session, on a compressed clock over real calendars."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from desktop.domain.alerts import (
    AlertEngine,
    AlertKind,
    AlertRule,
    AlertRuleError,
    ArmSessions,
    PriceField,
    describe,
    validate,
)
from desktop.domain.market_clock import MarketPhase, phase_at
from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, MarketSessions, load_exchange_sessions
from desktop.domain.symbols import Market

D = Decimal


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


@pytest.fixture(scope="module")
def sessions() -> MarketSessions:
    return load_exchange_sessions(ms(2026, 11, 20))


def book_with(symbol: str = "AAPL.US") -> QuoteBook:
    book = QuoteBook()
    book.track(symbol)
    book.apply_reference(ReferenceData(symbol, prev_close=D(100)), 0.0)
    return book


def quote(book: QuoteBook, symbol: str, bid: str, ask: str, at_ms: int) -> None:
    levels = ([DepthLevel(D(bid), 100)], [DepthLevel(D(ask), 100)])
    book.apply_depth(DepthSnapshot(symbol, *levels, at_ms), 0.0)


def test_an_alert_armed_for_regular_hours_stays_quiet_in_pre_and_post_market(
    sessions: MarketSessions,
) -> None:
    """A US day from 03:30 to 20:30 ET in 15-minute steps; the price crosses 101 every step."""
    book, bars = book_with(), MinuteBarStore()
    engine = AlertEngine(sessions)
    for rule_id, armed in enumerate(ArmSessions, start=1):
        engine.put(
            AlertRule(
                "AAPL.US", AlertKind.PRICE_ABOVE, D(101), id=rule_id, cooldown_s=0, sessions=armed
            )
        )
    fired_in: dict[ArmSessions, set[MarketPhase]] = {armed: set() for armed in ArmSessions}
    start = ms(2026, 11, 24, 8, 30)  # Tuesday 03:30 EST
    for step in range(69):
        now = start + step * 15 * 60_000
        price = "102" if step % 2 else "100"
        book.apply_tick(Tick("AAPL.US", D(price), 100, None, TradeSide.BUY, now, step + 1), 0.0)
        for firing in engine.evaluate(["AAPL.US"], book, bars, now / 1000):
            assert firing.rule_id is not None
            armed = list(ArmSessions)[firing.rule_id - 1]
            fired_in[armed].add(phase_at(sessions, Market.US, now))
    assert fired_in == {
        ArmSessions.REGULAR: {MarketPhase.RTH},
        ArmSessions.WITH_PRE: {MarketPhase.PRE, MarketPhase.RTH},
        ArmSessions.WITH_POST: {MarketPhase.RTH, MarketPhase.POST},
        ArmSessions.EXTENDED: {MarketPhase.PRE, MarketPhase.RTH, MarketPhase.POST},
    }


def test_nothing_fires_overnight_on_a_holiday_or_in_the_hong_kong_lunch(
    sessions: MarketSessions,
) -> None:
    book, bars = book_with("00700.HK"), MinuteBarStore()
    engine = AlertEngine(sessions)
    engine.put(
        AlertRule(
            "00700.HK",
            AlertKind.PRICE_ABOVE,
            D(101),
            id=1,
            cooldown_s=0,
            sessions=ArmSessions.EXTENDED,
        )
    )
    book.apply_tick(Tick("00700.HK", D(102), 100, None, TradeSide.BUY, ms(2026, 11, 25, 4), 1), 0.0)
    assert engine.evaluate(["00700.HK"], book, bars, ms(2026, 11, 25, 4, 30) / 1000) == []  # lunch
    assert engine.evaluate(["00700.HK"], book, bars, ms(2026, 11, 25, 10) / 1000) == []  # night
    assert len(engine.evaluate(["00700.HK"], book, bars, ms(2026, 11, 25, 6) / 1000)) == 1


def test_without_calendars_the_demo_clock_counts_as_regular_hours() -> None:
    book, bars = book_with(), MinuteBarStore()
    engine = AlertEngine(AlwaysOpen())
    engine.put(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D(101), id=1))
    book.apply_tick(Tick("AAPL.US", D(102), 100, None, TradeSide.BUY, 1_000, 1), 0.0)
    assert len(engine.evaluate(["AAPL.US"], book, bars, 5.0)) == 1


@pytest.mark.parametrize(
    ("field", "kind", "threshold", "message"),
    [
        (
            PriceField.BID,
            AlertKind.PRICE_ABOVE,
            "100.50",
            "AAPL.US is bid 100.50, at or above 100.50",
        ),
        (
            PriceField.ASK,
            AlertKind.PRICE_BELOW,
            "100.60",
            "AAPL.US is offered at 100.55, at or below 100.60",
        ),
        (
            PriceField.SPREAD,
            AlertKind.PRICE_BELOW,
            "0.05",
            "AAPL.US spread is 0.05, at or below 0.05",
        ),
    ],
)
def test_price_alerts_watch_the_bid_the_ask_or_the_spread(
    field: PriceField, kind: AlertKind, threshold: str, message: str
) -> None:
    book, bars = book_with(), MinuteBarStore()
    engine = AlertEngine(AlwaysOpen())
    engine.put(AlertRule("AAPL.US", kind, D(threshold), id=1, field=field, sound=False))
    assert engine.evaluate(["AAPL.US"], book, bars, 1.0) == []  # no book yet: cannot tell
    quote(book, "AAPL.US", "100.40", "100.70", 1_000)
    assert engine.evaluate(["AAPL.US"], book, bars, 2.0) == []
    quote(book, "AAPL.US", "100.50", "100.55", 3_000)
    (firing,) = engine.evaluate(["AAPL.US"], book, bars, 3.0)
    assert firing.message == message and firing.sound is False


def test_a_one_sided_book_has_no_spread_and_never_fires_a_spread_alert() -> None:
    book, bars = book_with(), MinuteBarStore()
    engine = AlertEngine(AlwaysOpen())
    engine.put(
        AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, D("0.01"), id=1, field=PriceField.SPREAD)
    )
    book.apply_depth(DepthSnapshot("AAPL.US", [DepthLevel(D(100), 5)], [], 1_000), 0.0)
    assert engine.evaluate(["AAPL.US"], book, bars, 1.0) == []


def test_rules_describe_their_field_and_sessions_and_only_price_rules_watch_the_book() -> None:
    rule = AlertRule(
        "AAPL.US",
        AlertKind.PRICE_ABOVE,
        D("0.10"),
        field=PriceField.SPREAD,
        sessions=ArmSessions.WITH_PRE,
    )
    assert describe(rule) == "Spread ≥ 0.10 · pre-market + regular"
    assert describe(AlertRule("00700.HK", AlertKind.PRICE_BELOW, D(380), field=PriceField.BID)) == (
        "Bid ≤ 380.0"
    )
    with pytest.raises(AlertRuleError, match="Only price alerts"):
        validate(AlertRule("AAPL.US", AlertKind.CHANGE_PCT, D(3), field=PriceField.BID))

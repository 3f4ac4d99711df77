"""AlertEngine: each rule kind, cooldown and re-arm, session gating on an injected clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from desktop.domain.alerts import (
    AlertEngine,
    AlertKind,
    AlertRule,
    AlertRuleError,
    ChangeDirection,
    SessionsUnknown,
    describe,
    validate,
)
from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, SessionPhase
from desktop.domain.symbols import Market

D = Decimal
US_OPEN_S = 1_732_285_800  # Friday 2024-11-22 09:30 in New York
US = "AAPL.US"
HK = "00700.HK"


@dataclass
class FakeSessions:
    """Market hours the test opens and closes by hand (a `SessionSource`)."""

    closed: dict[Market, SessionPhase] = field(default_factory=dict)
    asked: list[tuple[Market, int]] = field(default_factory=list)

    def phase(self, market: Market, epoch_ms: int) -> SessionPhase:
        self.asked.append((market, epoch_ms))
        return self.closed.get(market, SessionPhase.OPEN)

    def phase_start(self, market: Market, epoch_ms: int) -> int | None:
        return None


class Market_:
    """A book and bars for a few symbols, with the engine under test."""

    def __init__(self, clock: FakeSessions | None = None) -> None:
        self.book = QuoteBook()
        self.bars = MinuteBarStore()
        self.book.add_trade_listener(self.bars.add_trade)
        self.clock = clock or FakeSessions()
        self.engine = AlertEngine(self.clock)
        self.seq = 0
        for symbol, close in ((US, "100"), (HK, "400")):
            self.book.track(symbol)
            self.book.apply_reference(ReferenceData(symbol, prev_close=D(close)), 0.0)

    def trade(self, symbol: str, price: str, at_s: float, volume: int = 100) -> None:
        self.seq += 1
        tick = Tick(symbol, D(price), volume, None, TradeSide.BUY, int(at_s * 1000), self.seq)
        self.book.apply_tick(tick, at_s)

    def rule(self, kind: AlertKind, threshold: str, **kw: object) -> AlertRule:
        rule_id = len(self.engine.rules()) + 1
        symbol = str(kw.pop("symbol", US))
        rule = AlertRule(symbol, kind, D(threshold), id=rule_id, **kw)  # type: ignore[arg-type]
        self.engine.put(rule)
        return rule

    def check(self, at_s: float, *symbols: str) -> list[str]:
        fired = self.engine.evaluate(symbols or (US, HK), self.book, self.bars, at_s)
        return [f.message for f in fired]


def test_price_above_fires_once_then_waits_until_the_price_falls_back() -> None:
    m = Market_()
    m.rule(AlertKind.PRICE_ABOVE, "101", cooldown_s=0)
    m.trade(US, "100.50", US_OPEN_S)
    assert m.check(US_OPEN_S) == []
    m.trade(US, "101.00", US_OPEN_S + 1)
    assert m.check(US_OPEN_S + 1) == ["AAPL.US traded 101.00, at or above 101.00"]
    m.trade(US, "101.20", US_OPEN_S + 2)
    assert m.check(US_OPEN_S + 2) == []  # still above: disarmed
    assert m.engine.rules()[0].armed is False
    m.trade(US, "100.90", US_OPEN_S + 3)
    assert m.check(US_OPEN_S + 3) == []  # cleared: re-armed
    assert m.engine.rules()[0].armed is True
    m.trade(US, "101.10", US_OPEN_S + 4)
    assert len(m.check(US_OPEN_S + 4)) == 1


def test_the_cooldown_holds_back_a_second_firing_until_it_has_passed() -> None:
    m = Market_()
    m.rule(AlertKind.PRICE_BELOW, "99", cooldown_s=60)
    m.trade(US, "98.90", US_OPEN_S)
    assert len(m.check(US_OPEN_S)) == 1
    m.trade(US, "99.50", US_OPEN_S + 5)
    m.check(US_OPEN_S + 5)  # re-arms
    m.trade(US, "98.80", US_OPEN_S + 10)
    assert m.check(US_OPEN_S + 10) == []  # armed, but cooling down
    m.trade(US, "98.70", US_OPEN_S + 59)
    assert m.check(US_OPEN_S + 59) == []
    m.trade(US, "98.60", US_OPEN_S + 60)
    assert m.check(US_OPEN_S + 60) == ["AAPL.US traded 98.60, at or below 99.00"]
    assert m.engine.rules()[0].last_fired_at == US_OPEN_S + 60


@pytest.mark.parametrize(
    ("direction", "price", "fires"),
    [
        (ChangeDirection.UP, "103", True),
        (ChangeDirection.UP, "97", False),
        (ChangeDirection.DOWN, "97", True),
        (ChangeDirection.DOWN, "103", False),
        (ChangeDirection.EITHER, "97", True),
        (ChangeDirection.EITHER, "103", True),
        (ChangeDirection.EITHER, "102.99", False),
    ],
)
def test_change_beyond_watches_the_chosen_side_of_the_previous_close(
    direction: ChangeDirection, price: str, fires: bool
) -> None:
    m = Market_()
    m.rule(AlertKind.CHANGE_PCT, "3", direction=direction)
    m.trade(US, price, US_OPEN_S)
    assert bool(m.check(US_OPEN_S)) is fires


def test_a_change_alert_says_the_signed_move() -> None:
    m = Market_()
    m.rule(AlertKind.CHANGE_PCT, "2.5")
    m.trade(US, "96.50", US_OPEN_S)
    assert m.check(US_OPEN_S) == ["AAPL.US is −3.50% on the day (alert at ±2.50%)"]


def build_session(m: Market_, minutes: int, per_minute: int) -> None:
    for minute in range(minutes):
        m.trade(US, "100", US_OPEN_S + 60 * minute, per_minute)


def test_a_volume_burst_against_the_session_rate_fires() -> None:
    m = Market_()
    m.rule(AlertKind.VOLUME_ANOMALY, "3", window_min=5)
    build_session(m, 30, 1_000)
    now = US_OPEN_S + 60 * 30
    for minute in range(30, 35):
        m.trade(US, "100", US_OPEN_S + 60 * minute, 2_500)
    assert m.check(now + 60 * 4) == []  # 2.5× the rate: not yet
    m.trade(US, "100", now + 60 * 4 + 30, 3_000)
    assert m.check(now + 60 * 4 + 30) == [
        "AAPL.US traded 15.5K shares in 5 min, 3.1× its session average of 1,000/min"
    ]


def test_a_volume_rule_waits_for_enough_session_to_compare_with() -> None:
    m = Market_()
    m.rule(AlertKind.VOLUME_ANOMALY, "2", window_min=5)
    build_session(m, 8, 1_000)
    m.trade(US, "100", US_OPEN_S + 60 * 8, 50_000)
    assert m.check(US_OPEN_S + 60 * 8) == []
    assert m.engine.take_changed() == []  # no verdict: neither fired nor re-armed


def test_nothing_fires_or_re_arms_while_the_market_is_closed_or_at_lunch() -> None:
    clock = FakeSessions(closed={Market.US: SessionPhase.CLOSED})
    m = Market_(clock)
    m.rule(AlertKind.PRICE_ABOVE, "101", cooldown_s=0)
    m.trade(US, "102", US_OPEN_S)
    assert m.check(US_OPEN_S, US) == []
    assert clock.asked == [(Market.US, US_OPEN_S * 1000)]
    clock.closed[Market.US] = SessionPhase.LUNCH
    assert m.check(US_OPEN_S + 1, US) == []
    clock.closed.clear()
    assert len(m.check(US_OPEN_S + 2, US)) == 1
    clock.closed[Market.US] = SessionPhase.CLOSED
    m.trade(US, "100", US_OPEN_S + 3)
    m.check(US_OPEN_S + 3, US)
    assert m.engine.rules()[0].armed is False  # a closed market does not re-arm either


def test_each_market_is_gated_by_its_own_session() -> None:
    m = Market_(FakeSessions(closed={Market.HK: SessionPhase.LUNCH}))
    m.rule(AlertKind.PRICE_ABOVE, "101")
    m.rule(AlertKind.PRICE_ABOVE, "401", symbol=HK)
    m.trade(US, "102", US_OPEN_S)
    m.trade(HK, "402", US_OPEN_S)
    assert [msg.split()[0] for msg in m.check(US_OPEN_S)] == [US]


def test_disabled_rules_and_symbols_not_passed_in_are_not_evaluated() -> None:
    m = Market_()
    m.rule(AlertKind.PRICE_ABOVE, "101", enabled=False)
    m.rule(AlertKind.PRICE_ABOVE, "401", symbol=HK)
    m.trade(US, "102", US_OPEN_S)
    m.trade(HK, "402", US_OPEN_S)
    assert m.check(US_OPEN_S, US) == []
    assert len(m.check(US_OPEN_S, HK)) == 1


def test_state_changes_are_reported_once_for_saving() -> None:
    m = Market_()
    rule = m.rule(AlertKind.PRICE_ABOVE, "101", cooldown_s=0)
    m.trade(US, "102", US_OPEN_S)
    m.check(US_OPEN_S)
    changed = m.engine.take_changed()
    assert [(r.id, r.armed, r.last_fired_at) for r in changed] == [(rule.id, False, US_OPEN_S)]
    assert m.engine.take_changed() == []
    m.engine.remove(rule.id or 0)
    assert m.engine.rules() == [] and m.engine.symbols() == set()


def test_rules_without_an_id_are_refused() -> None:
    engine = AlertEngine(AlwaysOpen())
    with pytest.raises(ValueError, match="id"):
        engine.put(AlertRule(US, AlertKind.PRICE_ABOVE, D(1)))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (AlertRule(US, AlertKind.PRICE_ABOVE, D(0)), "positive"),
        (AlertRule(US, AlertKind.PRICE_BELOW, D("NaN")), "positive"),
        (AlertRule(US, AlertKind.VOLUME_ANOMALY, D("1")), "above 1"),
        (AlertRule(US, AlertKind.VOLUME_ANOMALY, D("3"), window_min=0), "between 1 and 120"),
        (AlertRule(US, AlertKind.CHANGE_PCT, D("5000")), "1000 %"),
        (AlertRule(US, AlertKind.PRICE_ABOVE, D(5), cooldown_s=-1), "negative"),
    ],
)
def test_invalid_rules_are_refused_with_a_reason(rule: AlertRule, message: str) -> None:
    with pytest.raises(AlertRuleError, match=message):
        validate(rule)


def test_valid_rules_pass_validation_unchanged() -> None:
    rule = AlertRule(US, AlertKind.VOLUME_ANOMALY, D("2.5"), window_min=15)
    assert validate(rule) is rule


def test_conditions_read_like_the_panel_shows_them() -> None:
    assert describe(AlertRule(US, AlertKind.PRICE_ABOVE, D("190"))) == "Last ≥ 190.00"
    assert describe(AlertRule(HK, AlertKind.PRICE_BELOW, D("480.2"))) == "Last ≤ 480.2"
    assert describe(AlertRule(US, AlertKind.CHANGE_PCT, D("3"))) == "Chg % beyond ±3.00%"
    down = AlertRule(US, AlertKind.CHANGE_PCT, D("2"), direction=ChangeDirection.DOWN)
    assert describe(down) == "Chg % beyond −2.00%"
    volume = AlertRule(US, AlertKind.VOLUME_ANOMALY, D("3"), window_min=5)
    assert describe(volume) == "Volume 5 min ≥ 3× session rate"


def test_while_market_hours_are_unknown_nothing_is_judged() -> None:
    m = Market_()
    m.engine.set_sessions(SessionsUnknown())  # the calendars are still loading
    m.rule(AlertKind.PRICE_ABOVE, "101")
    m.trade(US, "102", US_OPEN_S)
    assert m.check(US_OPEN_S) == []
    m.engine.set_sessions(AlwaysOpen())
    assert len(m.check(US_OPEN_S + 1)) == 1

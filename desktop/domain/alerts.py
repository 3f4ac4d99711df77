"""Alert rules and their evaluation: last, bid, ask or spread above/below, % change beyond,
volume anomaly.

Pure: the caller passes the time and the symbols that changed since the last frame (never called
per tick). A rule fires when its condition holds, it is armed and its cooldown has passed; firing
disarms it, and it re-arms once the condition no longer holds. A rule is only evaluated in the
sessions it is armed for: regular hours always, US pre- and post-market when the rule says so
(the exchange calendars decide; `AlwaysOpen` for the simulator counts as regular hours), so a
stale print never fires overnight or in the lunch break.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

from desktop.domain.formatting import (
    format_change_pct,
    format_price,
    format_volume,
    market_of,
    price_decimals,
)
from desktop.domain.market_clock import MarketPhase, phase_at
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook, QuoteState
from desktop.domain.sessions import AlwaysOpen, MarketSessions, SessionPhase, SessionSource
from desktop.domain.symbols import Market

__all__ = [
    "MIN_BASELINE_MINUTES",
    "AlertEngine",
    "AlertFiring",
    "AlertKind",
    "AlertLogEntry",
    "AlertRule",
    "AlertRuleError",
    "ArmSessions",
    "ChangeDirection",
    "PriceField",
    "SessionsUnknown",
    "describe",
    "validate",
]

MIN_BASELINE_MINUTES = 10
"""Traded minutes the session needs outside the window before a volume anomaly can be judged."""


class SessionsUnknown:
    """Market hours not known yet (the calendars still loading): every market counts as closed,
    so no alert fires on a stale price before the board knows whether anything trades."""

    def phase(self, market: Market, epoch_ms: int) -> SessionPhase:
        """Always CLOSED."""
        return SessionPhase.CLOSED

    def phase_start(self, market: Market, epoch_ms: int) -> int | None:
        """Unknown."""
        return None


class AlertKind(StrEnum):
    """What a rule watches; the value is what the database stores."""

    PRICE_ABOVE = "price_above"
    PRICE_BELOW = "price_below"
    CHANGE_PCT = "change_pct"
    VOLUME_ANOMALY = "volume_anomaly"


class ChangeDirection(StrEnum):
    """Which side of the previous close a % change rule watches."""

    UP = "up"
    DOWN = "down"
    EITHER = "either"


class PriceField(StrEnum):
    """Which number a price rule watches; the value is what the database stores."""

    LAST = "last"
    BID = "bid"
    ASK = "ask"
    SPREAD = "spread"

    @property
    def label(self) -> str:
        """How the rule list names it."""
        return self.value.capitalize()


class ArmSessions(StrEnum):
    """When a rule may fire: regular hours only, or also the US pre- and/or post-market."""

    REGULAR = "regular"
    WITH_PRE = "pre"
    WITH_POST = "post"
    EXTENDED = "extended"

    def allows(self, phase: MarketPhase) -> bool:
        """Whether a rule armed like this is evaluated in `phase`."""
        if phase is MarketPhase.RTH:
            return True
        if phase is MarketPhase.PRE:
            return self in (ArmSessions.WITH_PRE, ArmSessions.EXTENDED)
        if phase is MarketPhase.POST:
            return self in (ArmSessions.WITH_POST, ArmSessions.EXTENDED)
        return False

    @property
    def label(self) -> str:
        """How the rule list and the editor name it."""
        return {
            ArmSessions.REGULAR: "Regular hours",
            ArmSessions.WITH_PRE: "Pre-market + regular",
            ArmSessions.WITH_POST: "Regular + post-market",
            ArmSessions.EXTENDED: "Pre + regular + post",
        }[self]


class AlertRuleError(ValueError):
    """A rule a user tried to make is not valid; the message says why, in a sentence."""


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One alert: its condition and settings, plus the state the engine keeps (armed, last fired).

    `threshold` is a price for PRICE_* (of the last trade, the bid, the ask, or the spread
    ask − bid, by `field`), a percentage (> 0) for CHANGE_PCT, and a multiple of the session's
    average volume rate (> 1) for VOLUME_ANOMALY, whose window is `window_min` minutes.
    `sessions` says when it may fire; `sound` plays a sound when it does.
    """

    symbol: str
    kind: AlertKind
    threshold: Decimal
    id: int | None = None
    window_min: int = 5
    direction: ChangeDirection = ChangeDirection.EITHER
    cooldown_s: float = 300.0
    enabled: bool = True
    armed: bool = True
    last_fired_at: float | None = None
    created_at: float = 0.0
    field: PriceField = PriceField.LAST
    sessions: ArmSessions = ArmSessions.REGULAR
    sound: bool = True


@dataclass(frozen=True, slots=True)
class AlertFiring:
    """A rule that fired: what to show in the toast, the tray, the log and on the row."""

    rule_id: int | None
    symbol: str
    kind: AlertKind
    fired_at: float
    message: str
    sound: bool = True
    """The rule asks for a sound."""


@dataclass(frozen=True, slots=True)
class AlertLogEntry:
    """One line of the alert log; `rule_id` is None once its rule was deleted."""

    id: int
    rule_id: int | None
    symbol: str
    fired_at: float
    message: str


def validate(rule: AlertRule) -> AlertRule:
    """Return `rule` if it can be evaluated, else raise `AlertRuleError` with the reason."""
    try:
        threshold = Decimal(rule.threshold)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise AlertRuleError(f"“{rule.threshold}” is not a number.") from exc
    if not threshold.is_finite() or threshold <= 0:
        raise AlertRuleError("The threshold must be a positive number.")
    if rule.kind is AlertKind.VOLUME_ANOMALY:
        if threshold <= 1:
            raise AlertRuleError("A volume anomaly needs a multiple above 1 (for example 3).")
        if not 1 <= rule.window_min <= 120:
            raise AlertRuleError("The volume window must be between 1 and 120 minutes.")
    if rule.kind is AlertKind.CHANGE_PCT and threshold >= 1000:
        raise AlertRuleError("A change beyond 1000 % cannot happen in one session.")
    if rule.cooldown_s < 0:
        raise AlertRuleError("The cooldown cannot be negative.")
    if rule.field is not PriceField.LAST and rule.kind not in (
        AlertKind.PRICE_ABOVE,
        AlertKind.PRICE_BELOW,
    ):
        raise AlertRuleError("Only price alerts can watch the bid, the ask or the spread.")
    return rule


def describe(rule: AlertRule) -> str:
    """The condition in words, as the alerts panel lists it (`Last ≥ 190.00`)."""
    text = _condition(rule)
    if rule.sessions is not ArmSessions.REGULAR:
        text += f" · {rule.sessions.label.lower()}"
    return text


def _condition(rule: AlertRule) -> str:
    market = market_of(rule.symbol)
    if rule.kind is AlertKind.PRICE_ABOVE or rule.kind is AlertKind.PRICE_BELOW:
        sign = "≥" if rule.kind is AlertKind.PRICE_ABOVE else "≤"
        if rule.field is PriceField.SPREAD:
            places = max(2, _places(rule.threshold))
            return f"Spread {sign} {rule.threshold:.{places}f}"
        return f"{rule.field.label} {sign} {format_price(market, rule.threshold)}"
    if rule.kind is AlertKind.CHANGE_PCT:
        pct = f"{rule.threshold:.2f}%"
        side = {"up": "+", "down": "−", "either": "±"}[rule.direction.value]
        return f"Chg % beyond {side}{pct}"
    return f"Volume {rule.window_min} min ≥ {rule.threshold:g}× session rate"


class AlertEngine:
    """Holds the rules and decides, frame by frame, which of them fire."""

    def __init__(self, sessions: SessionSource | None = None) -> None:
        self._sessions: SessionSource = sessions or AlwaysOpen()
        self._rules: dict[int, AlertRule] = {}
        self._by_symbol: dict[str, list[int]] = {}
        self._changed: set[int] = set()

    # -- rules --------------------------------------------------------------------------------
    def set_sessions(self, sessions: SessionSource) -> None:
        """Judge market hours by these sessions (the exchange calendars once they are loaded)."""
        self._sessions = sessions

    def load(self, rules: Iterable[AlertRule]) -> None:
        """Replace every rule (at start-up, from the database); each must have an id."""
        self._rules = {}
        for rule in rules:
            if rule.id is None:
                raise ValueError("rules given to the engine need an id")
            self._rules[rule.id] = rule
        self._reindex()

    def put(self, rule: AlertRule) -> None:
        """Add or replace one rule (by id)."""
        if rule.id is None:
            raise ValueError("rules given to the engine need an id")
        self._rules[rule.id] = rule
        self._reindex()

    def remove(self, rule_id: int) -> None:
        """Forget a rule."""
        self._rules.pop(rule_id, None)
        self._changed.discard(rule_id)
        self._reindex()

    def rule(self, rule_id: int) -> AlertRule | None:
        """The rule with this id, or None."""
        return self._rules.get(rule_id)

    def rules(self) -> list[AlertRule]:
        """Every rule, oldest first."""
        return [self._rules[i] for i in sorted(self._rules)]

    def symbols(self) -> set[str]:
        """Symbols with at least one rule."""
        return set(self._by_symbol)

    def _reindex(self) -> None:
        by_symbol: dict[str, list[int]] = {}
        for rule_id in sorted(self._rules):
            by_symbol.setdefault(self._rules[rule_id].symbol, []).append(rule_id)
        self._by_symbol = by_symbol

    def take_changed(self) -> list[AlertRule]:
        """Rules whose armed state or last firing changed since the last call (to persist)."""
        changed = [self._rules[i] for i in sorted(self._changed) if i in self._rules]
        self._changed.clear()
        return changed

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate(
        self, symbols: Iterable[str], book: QuoteBook, bars: MinuteBarStore, now_s: float
    ) -> list[AlertFiring]:
        """Check the rules of these (changed) symbols at `now_s`; return what fired."""
        fired: list[AlertFiring] = []
        for symbol in symbols:
            ids = self._by_symbol.get(symbol)
            if not ids:
                continue
            state = book.get(symbol)
            if state is None:
                continue
            phase = self._phase(market_of(symbol), int(now_s * 1000))
            if phase is MarketPhase.CLOSED or phase is MarketPhase.LUNCH:
                continue
            for rule_id in ids:
                rule = self._rules[rule_id]
                if not rule.enabled or not rule.sessions.allows(phase):
                    continue
                verdict = _check(rule, state, bars, now_s)
                if verdict is None:
                    continue  # not enough data to judge: neither fire nor re-arm
                if verdict is False:
                    if not rule.armed:
                        self._store(dataclasses.replace(rule, armed=True))
                    continue
                cooling = rule.last_fired_at is not None and now_s - rule.last_fired_at < (
                    rule.cooldown_s
                )
                if rule.armed and not cooling:
                    self._store(dataclasses.replace(rule, armed=False, last_fired_at=now_s))
                    fired.append(
                        AlertFiring(rule_id, symbol, rule.kind, now_s, verdict, rule.sound)
                    )
        return fired

    def _phase(self, market: Market, epoch_ms: int) -> MarketPhase:
        """Regular hours, pre/post-market, lunch or closed: from the calendars when loaded."""
        sessions = self._sessions
        if isinstance(sessions, MarketSessions):
            return phase_at(sessions, market, epoch_ms)
        phase = sessions.phase(market, epoch_ms)
        if phase is SessionPhase.OPEN:
            return MarketPhase.RTH
        return MarketPhase.LUNCH if phase is SessionPhase.LUNCH else MarketPhase.CLOSED

    def _store(self, rule: AlertRule) -> None:
        assert rule.id is not None
        self._rules[rule.id] = rule
        self._changed.add(rule.id)


def _check(
    rule: AlertRule, state: QuoteState, bars: MinuteBarStore, now_s: float
) -> str | Literal[False] | None:
    """None: cannot tell yet; False: the condition does not hold; a message: it holds."""
    market = market_of(rule.symbol)
    kind = rule.kind
    if kind is AlertKind.PRICE_ABOVE or kind is AlertKind.PRICE_BELOW:
        value = _field_value(rule.field, state)
        if value is None:
            return None
        above = kind is AlertKind.PRICE_ABOVE
        if (value >= rule.threshold) if above else (value <= rule.threshold):
            word = "at or above" if above else "at or below"
            doing = {
                PriceField.LAST: "traded",
                PriceField.BID: "is bid",
                PriceField.ASK: "is offered at",
                PriceField.SPREAD: "spread is",
            }[rule.field]
            if rule.field is PriceField.SPREAD:  # a difference of prices at the book's precision
                places = max(price_decimals(market, state.bid, state.ask), _places(rule.threshold))
                shown, limit = f"{value:.{places}f}", f"{rule.threshold:.{places}f}"
            else:
                shown, limit = format_price(market, value), format_price(market, rule.threshold)
            return f"{rule.symbol} {doing} {shown}, {word} {limit}"
        return False
    if kind is AlertKind.CHANGE_PCT:
        pct = state.change_pct
        if pct is None:
            return None
        up = pct >= rule.threshold
        down = pct <= -rule.threshold
        direction = rule.direction
        hit = (
            up
            if direction is ChangeDirection.UP
            else down
            if direction is ChangeDirection.DOWN
            else up or down
        )
        if hit:
            return f"{rule.symbol} is {format_change_pct(pct)} on the day (alert at ±{rule.threshold:.2f}%)"
        return False
    return _volume_check(rule, bars, now_s)


def _places(number: Decimal) -> int:
    """Decimals a threshold was typed with (0.001 → 3)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _field_value(field: PriceField, state: QuoteState) -> Decimal | None:
    """The number a price rule compares: last, best bid, best ask, or ask − bid."""
    if field is PriceField.LAST:
        return state.last
    if field is PriceField.BID:
        return state.bid
    if field is PriceField.ASK:
        return state.ask
    if state.bid is None or state.ask is None:
        return None  # a one-sided book has no spread
    return state.ask - state.bid


def _volume_check(
    rule: AlertRule, bars: MinuteBarStore, now_s: float
) -> str | Literal[False] | None:
    """Volume of the last `window_min` minutes against the session's average per traded minute."""
    window_start = (int(now_s) // 60 - rule.window_min + 1) * 60
    recent, recent_minutes = bars.volume_since(rule.symbol, window_start)
    total, minutes = bars.session_volume(rule.symbol)
    base_minutes = minutes - recent_minutes
    if base_minutes < MIN_BASELINE_MINUTES or total - recent <= 0:
        return None
    rate = (total - recent) / base_minutes
    ratio = recent / (rule.window_min * rate)
    if ratio >= float(rule.threshold):
        return (
            f"{rule.symbol} traded {format_volume(recent)} shares in {rule.window_min} min, "
            f"{ratio:.1f}× its session average of {format_volume(round(rate))}/min"
        )
    return False

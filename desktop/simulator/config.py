"""The simulator's switches: token plans, limits, rates, session rule and fault-free defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from desktop.domain.market_clock import session_state
from desktop.domain.sessions import MarketSessions, SessionPhase, load_exchange_sessions
from desktop.domain.symbols import Market
from desktop.protocol.plans import PLAN_NAMES, PLANS, Plan, PlanProfile

__all__ = ["DEMO_TOKEN", "ExchangeHours", "SimulatorConfig", "always_open", "plan_named"]

DEMO_TOKEN = "demo"
_HISTORY_DAYS = 400


def plan_named(name: str) -> PlanProfile:
    """A token's entitlements by plan name: the app's own plan table (reference §1.7, §1.10)."""
    return PLANS[Plan(name)]


def always_open(market: Market, now_ms: int) -> bool:
    """The default session rule: every market trades at every hour, so the demo always moves."""
    return True


class ExchangeHours:
    """A session rule following real XNYS / XHKG hours (lunch break, half days, holidays).

    `quoteboard-sim --sessions exchange`: closed markets push nothing, so the board's freshness
    logic ("Closed", "Lunch break", no false stale alarm) can be tested end to end; US pre- and
    post-market trade thinly (`extended`).
    """

    def __init__(self) -> None:
        self._sessions: MarketSessions | None = None

    def _loaded(self, now_ms: int) -> MarketSessions:
        """Calendars from 400 days back (history bars ask about the past) to 3 weeks ahead."""
        if self._sessions is None or now_ms >= self._sessions.last_ms:
            self._sessions = load_exchange_sessions(now_ms, days_back=_HISTORY_DAYS)
        return self._sessions

    def __call__(self, market: Market, now_ms: int) -> bool:
        """Whether `market` trades at epoch ms `now_ms` (loads the calendars on first use)."""
        return self._loaded(now_ms).phase(market, now_ms) is SessionPhase.OPEN

    def extended(self, market: Market, now_ms: int) -> bool:
        """Whether `market` is in its pre- or post-market at `now_ms` (US only)."""
        return session_state(self._loaded(now_ms), market, now_ms).phase.extended


@dataclass(frozen=True)
class SimulatorConfig:
    """Every switch of the simulator; tests shrink the timeouts and rates here."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 0
    tokens: Mapping[str, str] = field(default_factory=dict)
    """token → plan name; checked before `any_token_plan`."""
    any_token_plan: str | None = "professional"
    """Plan for any other non-empty token (demo mode); None refuses unknown tokens with 401."""
    heartbeat_timeout: float = 30.0
    min_request_interval: float = 1.0
    heartbeat_is_request: bool = False
    """Whether 22000 counts toward the one-request-per-second rule (undocumented; off)."""
    rate_limit_code: int = 605
    """605 rejects the early request; 606 rejects it and closes the connection."""
    unknown_codes: Literal["drop", "reject"] = "drop"
    synthesise_unknown: bool = False
    """Serve any well-formed code, inventing an instrument for codes outside the universe."""
    enforce_reconnect_floor: bool = False
    """Refuse (HTTP 429) a token's handshake sooner than its plan's reconnect floor."""
    enforce_rest_limits: bool = True
    """Refuse REST requests faster than the token's plan allows (§1.10), with `rest_rate_code`."""
    rest_rate_code: int = 429
    """`ret` of a REST request over the plan's rate: 429 (rate limit) or 605 (too many requests)."""
    hk_depth_levels: int = 10
    us_depth_levels: int = 1
    trades_per_second: float = 150.0
    """Trades per second in total, spread over the subscribed symbols by activity weight."""
    depth_per_second: float = 3.0
    """Book pushes per second for each depth-subscribed symbol."""
    max_depth_per_second: float = 1500.0
    push_interval: float = 0.05
    history_minutes: int = 120
    vol_scale: float = 1.0
    session: Callable[[Market, int], bool] = always_open
    """Hook: is `market` trading at epoch ms `now`? Closed markets get no pushes."""
    extended_session: Callable[[Market, int], bool] | None = None
    """Hook: is `market` in extended hours at `now`? Its symbols then trade thinly."""
    extended_trades_per_second: float = 0.2
    """Trades per second of each trade-subscribed symbol in extended hours."""
    prices_path: Path | None = None
    """Where the demo market keeps its last prices: a restart on the same day resumes them."""

    @classmethod
    def strict(cls, **overrides: Any) -> SimulatorConfig:
        """The strictest reading of the documented limits: an early WebSocket request gets 606
        and a close, heartbeats count as requests, reconnects under the plan's floor and REST over
        its rate are refused. Tests run the client against it to catch any overrun."""
        settings: dict[str, Any] = {
            "rate_limit_code": 606,
            "heartbeat_is_request": True,
            "enforce_reconnect_floor": True,
            "enforce_rest_limits": True,
            "rest_rate_code": 605,
        }
        settings.update(overrides)
        return cls(**settings)

    def __post_init__(self) -> None:
        names = [*self.tokens.values()] + ([self.any_token_plan] if self.any_token_plan else [])
        unknown = [name for name in names if name not in PLAN_NAMES]
        if unknown:
            raise ValueError(f"unknown plan {unknown[0]!r}; plans are {', '.join(PLAN_NAMES)}")
        if self.unknown_codes not in ("drop", "reject"):
            raise ValueError("unknown_codes must be 'drop' or 'reject'")

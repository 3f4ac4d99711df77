"""AllTick plan profiles: how many connections, symbols and depth levels a token may use (§1.7)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

import msgspec

from desktop.domain.subscription_report import SubscriptionReport
from desktop.domain.truth_terms import NEVER_TICKED, Truth, TruthVerdict

__all__ = ["PLANS", "PLAN_NAMES", "Plan", "PlanProfile", "advise", "plan_advice", "plan_for"]


class Plan(Enum):
    """The provider's subscription tiers."""

    FREE = "free"
    BASIC = "basic"
    PREMIUM = "premium"
    PROFESSIONAL = "professional"


class PlanProfile(msgspec.Struct, frozen=True):
    """Limits of one plan; the server silently truncates above them, so the client enforces them."""

    plan: Plan
    connections: int
    symbols_per_connection: int
    hk_depth_levels: int
    us_depth_levels: int
    reconnect_floor_s: float
    rest_interval_s: float
    """Minimum spacing of two requests to one REST endpoint (§1.10: 10 s, 1 s, 0.1 s, 0.05 s)."""
    rest_codes_per_request: int
    """Codes the client puts in one REST request (the free plan's limit; URL length otherwise)."""
    rest_max_codes: int | None = None
    """Codes per REST request the server serves at most (free: 5); None when only the URL
    length bounds it (reference §1.10)."""
    batch_kline_interval_s: float = 1.0
    """Minimum spacing of two `/batch-kline` requests (§1.10: 10 s, 3 s, 2 s, 1 s by plan)."""
    rest_per_minute: int = 0
    """REST requests per minute over all endpoints (§1.10: 10 on Free); 0: no such limit."""

    @property
    def name(self) -> str:
        """The plan's key on the command line and in token tables (`professional`)."""
        return self.plan.value

    @property
    def label(self) -> str:
        """Human name of the plan."""
        return self.plan.value.capitalize()

    @property
    def capacity(self) -> int:
        """Symbols the plan streams at most (all its connections full)."""
        return self.connections * self.symbols_per_connection

    def describe(self) -> str:
        """ "Premium (3 connections of 200 codes)": the plan's name and what it holds."""
        noun = "connection" if self.connections == 1 else "connections"
        return f"{self.label} ({self.connections} {noun} of {self.symbols_per_connection:,} codes)"


PLANS: dict[Plan, PlanProfile] = {
    Plan.FREE: PlanProfile(
        Plan.FREE,
        1,
        5,
        10,
        1,
        10.0,
        10.0,
        5,
        rest_max_codes=5,
        batch_kline_interval_s=10.0,
        rest_per_minute=10,
    ),  # fmt: skip
    Plan.BASIC: PlanProfile(Plan.BASIC, 1, 100, 10, 1, 3.0, 1.0, 50, batch_kline_interval_s=3.0),
    Plan.PREMIUM: PlanProfile(
        Plan.PREMIUM, 3, 200, 10, 1, 3.0, 0.1, 50, batch_kline_interval_s=2.0
    ),
    Plan.PROFESSIONAL: PlanProfile(
        Plan.PROFESSIONAL, 10, 3000, 10, 1, 3.0, 0.05, 50, batch_kline_interval_s=1.0
    ),
}

PLAN_NAMES: tuple[str, ...] = tuple(plan.value for plan in Plan)
"""The plans by name, cheapest first (command-line choices, token tables)."""


def plan_for(symbols: int) -> PlanProfile | None:
    """The cheapest plan that streams `symbols` symbols (None: more than any plan holds)."""
    return next((p for p in PLANS.values() if p.capacity >= symbols), None)


def plan_advice(configured: Plan, wanted: int, never_ticked: int, ticking: int) -> str:
    """What Settings says when `never_ticked` of `wanted` symbols never ticked while `ticking`
    codes do on their connection: the server stops at its real plan's limit (reference §1.5),
    so the plan that would fit all of them, and the one the token seems to be on."""
    head = (
        f"{never_ticked:,} of {wanted:,} symbols never ticked while {ticking:,} did on the same "
        "connection"
    )
    seems = next((p for p in PLANS.values() if p.symbols_per_connection >= ticking), None)
    if seems is not None and seems.capacity >= wanted:
        return (
            f"{head}. Even {seems.describe()} would stream them all, so the plan does not explain "
            "it: the codes may not trade, or not on this feed."
        )
    head += (
        ": the server seems to stop there, so your token's plan is smaller than "
        f"{PLANS[configured].label}, chosen here."
    )
    fits = plan_for(wanted)
    if fits is None:
        biggest = list(PLANS.values())[-1]
        return f"{head} No plan streams {wanted:,} symbols: {biggest.describe()} is the largest."
    if fits.plan is configured:
        advice = f"{fits.describe()} fits all {wanted:,}: check that your token is on it"
    else:
        advice = f"{fits.describe()} would fit all {wanted:,}"
    if seems is not None and seems.plan is not configured:
        advice += (
            f"; or choose {seems.label} here, so the board streams the {seems.capacity:,} it "
            "can and says which are left out"
        )
    return f"{head} {advice}."


def advise(
    configured: Plan,
    verdicts: Mapping[str, TruthVerdict],
    report_of: Callable[[], SubscriptionReport | None],
) -> str | None:
    """`plan_advice` for the board as judged (None while every symbol ticks or may yet); the
    subscription report is built only when some symbol never ticked."""
    silent = {
        symbol
        for symbol, verdict in verdicts.items()
        if verdict.state is Truth.NOT_STREAMING and verdict.detail.startswith(NEVER_TICKED)
    }
    report = report_of() if silent else None
    if report is None:
        return None
    holding = [c for c in report.connections if silent.intersection(c.accepted)]
    ticking = max((len(c.ticking) for c in holding), default=0)
    return plan_advice(configured, len(verdicts), len(silent), ticking)

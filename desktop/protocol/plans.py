"""AllTick plan profiles: how many connections, symbols and depth levels a token may use (§1.7)."""

from __future__ import annotations

from enum import Enum

import msgspec

__all__ = ["PLANS", "PLAN_NAMES", "Plan", "PlanProfile"]


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

from __future__ import annotations

from desktop.domain.symbols import Symbol
from desktop.protocol.plans import PLANS, Plan
from desktop.protocol.subscriptions import plan_subscriptions


def syms(*texts: str) -> list[Symbol]:
    return [Symbol.parse(t) for t in texts]


def test_free_plan_streams_five_symbols_and_names_the_rest() -> None:
    wanted = syms("AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "META", "700")
    plan = plan_subscriptions(wanted, [], PLANS[Plan.FREE])
    assert len(plan.connections) == 1
    assert plan.connections[0].trades == tuple(wanted[:5])
    assert plan.over_limit_trades == tuple(wanted[5:])


def test_premium_splits_across_three_connections_within_the_symbol_limit() -> None:
    wanted = [Symbol.parse(f"{n}.HK") for n in range(1, 451)]
    plan = plan_subscriptions(wanted, [], PLANS[Plan.PREMIUM])
    sizes = [len(c.trades) for c in plan.connections]
    assert len(sizes) == 3 and max(sizes) <= 200 and sum(sizes) == 450
    assert not plan.over_limit_trades
    assert len({s for c in plan.connections for s in c.trades}) == 450


def test_assignments_are_sticky_so_edits_do_not_move_symbols_between_connections() -> None:
    wanted = [Symbol.parse(f"{n}.HK") for n in range(1, 301)]
    first = plan_subscriptions(wanted, [], PLANS[Plan.PREMIUM])
    second = plan_subscriptions([*wanted, Symbol.parse("AAPL")], [], PLANS[Plan.PREMIUM], first)
    for before, after in zip(first.connections, second.connections, strict=True):
        assert set(before.trades) <= set(after.trades)


def test_depth_levels_follow_the_market() -> None:
    plan = plan_subscriptions([], syms("AAPL", "700"), PLANS[Plan.BASIC])
    assert dict((str(s), n) for s, n in plan.connections[0].depth) == {"AAPL.US": 1, "00700.HK": 10}

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


def test_ladder_symbols_get_full_depth_and_the_rest_one_level_in_one_request() -> None:
    wanted = syms("AAPL", "700", "9988")
    plan = plan_subscriptions([], wanted, PLANS[Plan.BASIC], full_depth=syms("700"))
    levels = dict((str(s), n) for s, n in plan.connections[0].depth)
    assert levels == {"AAPL.US": 1, "00700.HK": 10, "09988.HK": 1}


def test_ladder_symbols_are_listed_first_so_a_truncating_server_keeps_them() -> None:
    wanted = syms("AAPL", "MSFT", "700")
    plan = plan_subscriptions([], wanted, PLANS[Plan.BASIC], full_depth=syms("700"))
    assert [str(s) for s, _ in plan.connections[0].depth][0] == "00700.HK"


def test_at_the_symbol_limit_a_watchlist_symbol_loses_depth_before_a_ladder_does() -> None:
    watchlist = syms("AAPL", "MSFT", "NVDA", "TSLA", "AMZN")
    first = plan_subscriptions(watchlist, watchlist, PLANS[Plan.FREE])
    ladder = syms("700")
    second = plan_subscriptions(
        watchlist, [*watchlist, *ladder], PLANS[Plan.FREE], first, full_depth=ladder
    )
    depth = [str(s) for s, _ in second.connections[0].depth]
    assert "00700.HK" in depth and len(depth) == 5
    assert [str(s) for s in second.over_limit_depth] == ["AMZN.US"]


def test_ladders_beyond_the_limit_are_reported_over_limit() -> None:
    ladders = syms("1", "2", "3", "5", "700", "9988")
    plan = plan_subscriptions([], ladders, PLANS[Plan.FREE], full_depth=ladders)
    assert [str(s) for s in plan.over_limit_depth] == ["09988.HK"]

"""Turn the desired symbol sets into a per-connection plan within the plan's limits (§1.5, §1.7)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import msgspec

from desktop.domain.symbols import Market, Symbol
from desktop.protocol.plans import PlanProfile

__all__ = ["ConnectionPlan", "SubscriptionPlan", "plan_subscriptions"]


class ConnectionPlan(msgspec.Struct, frozen=True):
    """What one connection subscribes: its full trade set and its full depth set with levels."""

    index: int
    trades: tuple[Symbol, ...] = ()
    depth: tuple[tuple[Symbol, int], ...] = ()

    @property
    def empty(self) -> bool:
        """True when this connection has nothing to stream."""
        return not self.trades and not self.depth


class SubscriptionPlan(msgspec.Struct, frozen=True):
    """The whole token's plan, plus what did not fit (shown as "not streaming — plan limit")."""

    connections: tuple[ConnectionPlan, ...]
    over_limit_trades: tuple[Symbol, ...] = ()
    over_limit_depth: tuple[Symbol, ...] = ()

    def trades_of(self, index: int) -> tuple[Symbol, ...]:
        """Trade set of connection `index` (empty when the plan has no such connection)."""
        return self.connections[index].trades if index < len(self.connections) else ()


def _assign(
    wanted: Sequence[Symbol],
    slots: int,
    capacity: int,
    previous: list[tuple[Symbol, ...]],
    bins: list[list[Symbol]] | None = None,
) -> tuple[list[list[Symbol]], list[Symbol]]:
    """Sticky packing: a symbol stays on its connection; new ones go to the first with room.

    `bins` may come pre-filled (a higher-priority set packed first); `wanted` only takes what is left.
    """
    if bins is None:
        bins = [[] for _ in range(slots)]
    wanted_set = set(wanted)
    placed: set[Symbol] = set()
    for index, earlier in enumerate(previous[:slots]):
        for symbol in earlier:
            if symbol in wanted_set and symbol not in placed and len(bins[index]) < capacity:
                bins[index].append(symbol)
                placed.add(symbol)
    over: list[Symbol] = []
    for symbol in wanted:
        if symbol in placed:
            continue
        # Fill connections in order: open as few sockets as the plan needs (they count per token).
        target = next((i for i in range(slots) if len(bins[i]) < capacity), None)
        if target is None:
            over.append(symbol)
            continue
        bins[target].append(symbol)
        placed.add(symbol)
    return bins, over


def _in_order(bins: list[list[Symbol]], wanted: Sequence[Symbol]) -> list[list[Symbol]]:
    """Requests list symbols in the given order (the server keeps the first N when truncating)."""
    order = {symbol: position for position, symbol in enumerate(wanted)}
    for members in bins:
        members.sort(key=order.__getitem__)
    return bins


def plan_subscriptions(
    trades: Sequence[Symbol],
    depth: Sequence[Symbol],
    profile: PlanProfile,
    previous: SubscriptionPlan | None = None,
    full_depth: Collection[Symbol] | None = None,
) -> SubscriptionPlan:
    """Split the desired trade and depth sets across the plan's connections, keeping assignments.

    Depth levels: with `full_depth` None every depth symbol gets its market's maximum (HK 10,
    US 1). Given a set (the symbols with a ladder open), those get the maximum and every other
    depth symbol 1 level, enough for the watchlist's bid/ask; full-depth symbols are packed
    first, so when the plan's symbol limit is hit it is a watchlist-only symbol that loses depth.
    """
    slots = max(1, profile.connections)
    capacity = profile.symbols_per_connection
    prev_trades = [c.trades for c in previous.connections] if previous else []
    prev_depth = [tuple(s for s, _ in c.depth) for c in previous.connections] if previous else []
    trade_wanted = list(dict.fromkeys(trades))
    trade_bins, trade_over = _assign(trade_wanted, slots, capacity, prev_trades)
    depth_wanted = list(dict.fromkeys(depth))
    if full_depth is None:
        full = set(depth_wanted)
        depth_bins, depth_over = _assign(depth_wanted, slots, capacity, prev_depth)
    else:
        full = set(full_depth)
        first = [s for s in depth_wanted if s in full]
        depth_bins, full_over = _assign(first, slots, capacity, prev_depth)
        rest = [s for s in depth_wanted if s not in full]
        depth_bins, rest_over = _assign(rest, slots, capacity, prev_depth, depth_bins)
        depth_over = full_over + rest_over
        depth_wanted = first + rest

    def levels(symbol: Symbol) -> int:
        if symbol not in full:
            return 1
        return profile.hk_depth_levels if symbol.market is Market.HK else profile.us_depth_levels

    trade_bins = _in_order(trade_bins, trade_wanted)
    depth_bins = _in_order(depth_bins, depth_wanted)
    connections = tuple(
        ConnectionPlan(
            index=i,
            trades=tuple(trade_bins[i]),
            depth=tuple((s, levels(s)) for s in depth_bins[i]),
        )
        for i in range(slots)
    )
    return SubscriptionPlan(connections, tuple(trade_over), tuple(depth_over))

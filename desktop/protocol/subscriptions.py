"""Turn the desired symbol sets into a per-connection plan within the plan's limits (§1.5, §1.7)."""

from __future__ import annotations

from collections.abc import Sequence

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
    wanted: Sequence[Symbol], slots: int, capacity: int, previous: list[tuple[Symbol, ...]]
) -> tuple[list[list[Symbol]], list[Symbol]]:
    """Sticky packing: a symbol stays on its connection; new ones go to the first with room."""
    bins: list[list[Symbol]] = [[] for _ in range(slots)]
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
    order = {symbol: position for position, symbol in enumerate(wanted)}
    for members in bins:
        members.sort(key=order.__getitem__)  # requests list symbols in the user's order
    return bins, over


def plan_subscriptions(
    trades: Sequence[Symbol],
    depth: Sequence[Symbol],
    profile: PlanProfile,
    previous: SubscriptionPlan | None = None,
) -> SubscriptionPlan:
    """Split the desired trade and depth sets across the plan's connections, keeping assignments."""
    slots = max(1, profile.connections)
    capacity = profile.symbols_per_connection
    prev_trades = [c.trades for c in previous.connections] if previous else []
    prev_depth = [tuple(s for s, _ in c.depth) for c in previous.connections] if previous else []
    trade_bins, trade_over = _assign(list(dict.fromkeys(trades)), slots, capacity, prev_trades)
    depth_bins, depth_over = _assign(list(dict.fromkeys(depth)), slots, capacity, prev_depth)

    def levels(symbol: Symbol) -> int:
        return profile.hk_depth_levels if symbol.market is Market.HK else profile.us_depth_levels

    connections = tuple(
        ConnectionPlan(
            index=i,
            trades=tuple(trade_bins[i]),
            depth=tuple((s, levels(s)) for s in depth_bins[i]),
        )
        for i in range(slots)
    )
    return SubscriptionPlan(connections, tuple(trade_over), tuple(depth_over))

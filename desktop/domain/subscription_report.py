"""Subscription truth: per connection, the codes sent, accepted and actually ticking.

The server silently drops codes beyond a plan's limit (reference §1.5), so "subscribed" proves
nothing: only ticks do. This is what `quoteboard status` prints and the View → Subscriptions
panel shows, with the plan's limits and the depth levels actually received per market.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market

__all__ = ["ConnectionReport", "SubscriptionReport", "build_report"]


class ConnectionReport(msgspec.Struct, frozen=True):
    """One connection: its state and the three counts that tell the truth about it."""

    index: int
    state: str
    sent: tuple[str, ...]
    accepted: tuple[str, ...]
    ticking: tuple[str, ...]

    @property
    def silent(self) -> tuple[str, ...]:
        """Accepted codes that never ticked (beyond the plan, or thin: the rows say which)."""
        ticking = set(self.ticking)
        return tuple(code for code in self.accepted if code not in ticking)


class SubscriptionReport(msgspec.Struct, frozen=True):
    """The whole feed: the plan's limits, every connection, the depth levels seen per market."""

    plan: str
    max_connections: int
    codes_per_connection: int
    connections: tuple[ConnectionReport, ...]
    depth_levels: dict[str, int]
    """Market → the most levels seen on one side of a book (HK up to 10, US 1, §1.7)."""

    def lines(self) -> list[str]:
        """The report as text, one line per fact (the command prints these)."""
        out = [
            f"Plan: {self.plan} — up to {self.max_connections} connection(s) of "
            f"{self.codes_per_connection} codes each"
        ]
        for conn in self.connections:
            out.append(
                f"Connection {conn.index + 1} ({conn.state}): sent {len(conn.sent)}, "
                f"accepted {len(conn.accepted)}, ticking {len(conn.ticking)}"
            )
            if conn.silent:
                shown = ", ".join(conn.silent[:12]) + (" …" if len(conn.silent) > 12 else "")
                out.append(f"  not ticking: {shown}")
        levels = ", ".join(f"{m} {n}" for m, n in sorted(self.depth_levels.items())) or "none yet"
        out.append(f"Depth levels received: {levels}")
        return out


def build_report(
    book: QuoteBook,
    plan: str,
    max_connections: int,
    codes_per_connection: int,
    connections: Iterable[tuple[int, str, Iterable[str], Iterable[str]]],
) -> SubscriptionReport:
    """Combine what each connection sent and had accepted with what the book saw tick."""
    reports = []
    for index, state, sent, accepted in connections:
        accepted_codes = tuple(accepted)
        ticking = tuple(
            code
            for code in accepted_codes
            if (s := book.get(code)) is not None and s.push_trade is not None
        )
        reports.append(ConnectionReport(index, state, tuple(sent), accepted_codes, ticking))
    levels: dict[str, int] = {}
    for code in book.symbols():
        quote = book.get(code)
        if quote is None or quote.depth is None or quote.book_src is None:
            continue
        market = Market.HK.value if code.endswith(".HK") else Market.US.value
        depth = max(len(quote.depth.bids), len(quote.depth.asks))
        levels[market] = max(levels.get(market, 0), depth)
    return SubscriptionReport(plan, max_connections, codes_per_connection, tuple(reports), levels)

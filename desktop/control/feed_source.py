"""What the board streams from, as the settings flow decides it, and what it needs from the app.

`FeedSource` is the settings' answer — the built-in simulator (demo data) or a provider URL with a
token and a plan. `FeedControl` is the app's side: app.py turns a source into a running feed
(`AppFeed.switch_feed`), so the settings flow never builds feeds itself.
"""

from __future__ import annotations

from typing import Protocol

import msgspec

from desktop.feed.redact import redact
from desktop.protocol.plans import Plan

__all__ = ["FeedControl", "FeedSource"]


class FeedSource(msgspec.Struct, frozen=True, kw_only=True):
    """What to stream from: the simulator (`demo`) or a provider URL with a token and a plan."""

    demo: bool
    plan: Plan
    ws_url: str = ""
    token: str = ""
    token_source: str = ""
    """Where the token came from: environment, keyring or session (shown in Settings)."""

    def __repr__(self) -> str:  # never show the secret
        shown = "***" if self.token else ""
        return (
            f"FeedSource(demo={self.demo}, plan={self.plan.value}, ws_url={redact(self.ws_url)!r}, "
            f"token={shown!r}, token_source={self.token_source!r})"
        )

    __str__ = __repr__

    @classmethod
    def simulator(cls, plan: Plan = Plan.PROFESSIONAL) -> FeedSource:
        """Demo data from the built-in market."""
        return cls(demo=True, plan=plan)

    @classmethod
    def provider(cls, ws_url: str, token: str, plan: Plan, token_source: str) -> FeedSource:
        """Live data from the provider at `ws_url`."""
        return cls(demo=False, plan=plan, ws_url=ws_url, token=token, token_source=token_source)


class FeedControl(Protocol):
    """The app's feed as the settings flow sees it (app.py implements it)."""

    def current_source(self) -> FeedSource | None:
        """What streams now; None while nothing does (paused, or a replay)."""

    async def use_source(self, source: FeedSource) -> None:
        """Stop the current feed, blank the quotes, and stream from `source`."""

    async def pause_feed(self) -> None:
        """Stop the current feed (a connection test on a one-connection plan needs its slot)."""

"""What the board streams from: the settings' choice (`FeedSource`), the running target
(`FeedTarget`, which may be a replay), and the narrow view of the feed switch the settings get.

`FeedSource` is the settings' answer — the built-in simulator (demo data) or a provider URL with a
token and a plan. `FeedControl` is what the settings flow may ask of the feed switch; the switch
turns a source into a running feed, so the settings flow never builds feeds itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import msgspec

from desktop.domain.symbols import Symbol
from desktop.feed.redact import redact
from desktop.feed.redis_link import redact_redis_url
from desktop.protocol.plans import Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.replay import RecordingError, ReplaySource

__all__ = ["FeedControl", "FeedSource", "FeedTarget", "replay_target"]


class FeedSource(msgspec.Struct, frozen=True, kw_only=True):
    """What to stream from: the simulator (`demo`) or a provider URL with a token and a plan."""

    demo: bool
    plan: Plan
    ws_url: str = ""
    token: str = ""
    token_source: str = ""
    """Where the token came from: environment, keyring or session (shown in Settings)."""
    gateway_url: str = ""
    """The desk gateway's Redis (then no provider, no token: the gateway holds those)."""
    redis_password: str = ""

    def __repr__(self) -> str:  # never show the secret
        shown = "***" if self.token else ""
        return (
            f"FeedSource(demo={self.demo}, plan={self.plan.value}, ws_url={redact(self.ws_url)!r}, "
            f"token={shown!r}, token_source={self.token_source!r}, "
            f"gateway_url={redact_redis_url(self.gateway_url)!r}, "
            f"redis_password={'***' if self.redis_password else ''!r})"
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

    @classmethod
    def gateway(cls, url: str, redis_password: str = "") -> FeedSource:
        """Quotes from the desk gateway's Redis at `url` (its plan is the gateway's)."""
        return cls(
            demo=False, plan=Plan.PROFESSIONAL, gateway_url=url, redis_password=redis_password
        )


class FeedControl(Protocol):
    """The feed switch as the settings flow sees it (`FeedSwitch` implements it)."""

    def on_resume_requested(self, slot: Callable[[], None]) -> None:
        """Call `slot` when the board should go back to what the settings ask for (a replay
        stopped): the settings answer with `use_source(desired_source())`."""

    def current_source(self) -> FeedSource | None:
        """What streams now; None while nothing does (paused, or a replay)."""

    async def use_source(self, source: FeedSource) -> None:
        """Stop the current feed, blank the quotes, and stream from `source`."""

    async def pause_feed(self) -> None:
        """Stop the current feed (a connection test on a one-connection plan needs its slot)."""


@dataclass(slots=True)
class FeedTarget:
    """Where the board streams from: a URL and token, and the simulator behind it if embedded."""

    url: str
    token: str
    demo: bool
    plan: Plan
    symbols: list[Symbol]
    simulator: EmbeddedSimulator | None = None
    replay_label: str | None = None
    replay_details: str = ""
    replay: ReplaySource | None = None
    gateway_url: str = ""
    """Set: a `GatewayFeed` reads the desk gateway's Redis instead of a provider socket."""
    redis_password: str = ""


def replay_target(path: Path, start_ms: int | None, end_ms: int | None, speed: float) -> FeedTarget:
    """Start an embedded simulator replaying `path`; blocks until it listens (run in a thread).

    Raises RecordingError or RuntimeError with a sentence when the file cannot be replayed.
    """

    def source() -> ReplaySource:
        return ReplaySource(path, start_ms=start_ms, end_ms=end_ms, speed=speed)

    simulator = EmbeddedSimulator(SimulatorConfig(us_depth_levels=10), market_factory=source)
    try:
        endpoints = simulator.start()
    except RuntimeError as exc:
        cause = exc.__cause__
        raise RecordingError(str(cause) if cause else str(exc)) from exc
    assert simulator.server is not None
    market = simulator.server.market
    assert isinstance(market, ReplaySource)
    return FeedTarget(
        endpoints.ws_url,
        endpoints.token,
        demo=False,
        plan=Plan.PROFESSIONAL,
        symbols=market.symbols(),
        simulator=simulator,
        replay_label=f"REPLAY {speed:g}×",
        replay_details=f"{path} at {speed:g}× speed",
        replay=market,
    )

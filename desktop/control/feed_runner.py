"""Runs exactly one feed — the built-in simulator or AllTick — and switches between them live.

A switch stops the old feed, blanks every quote in the book (simulated prices must never be
mistaken for real ones, nor the other way round), then starts the new feed on the same symbols.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Sequence

import msgspec

from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.feed.redact import redact, remember_secret
from desktop.feed.service import FeedService, FeedStats
from desktop.protocol.plans import PLANS, Plan, PlanProfile
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator

__all__ = ["FeedRunner", "FeedSource", "ServiceFactory"]

log = logging.getLogger(__name__)


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


ServiceFactory = Callable[[str, str, PlanProfile, bool], FeedService]
"""(ws url, token, plan profile, demo) → a FeedService wired the way the app wants it."""


class FeedRunner:
    """Owns the current `FeedService` (and the embedded simulator in demo mode) and the symbol sets."""

    def __init__(
        self,
        book: QuoteBook,
        on_status: Callable[[FeedStatus], None],
        *,
        seed: int | None = None,
        simulator_config: SimulatorConfig | None = None,
        connection_settings: ConnectionSettings | None = None,
        service_factory: ServiceFactory | None = None,
        on_switched: Callable[[FeedSource], None] | None = None,
    ) -> None:
        self.book = book
        self._on_status = on_status
        self._seed = seed
        self._simulator_config = simulator_config
        self._connection_settings = connection_settings
        self._factory = service_factory or self._plain_service
        self._on_switched = on_switched or (lambda source: None)
        self.service: FeedService | None = None
        self.simulator: EmbeddedSimulator | None = None
        self.source: FeedSource | None = None
        self.switches = 0
        self._trades: list[Symbol] = []
        self._depth: list[Symbol] = []
        self._full_depth: list[Symbol] | None = None
        self._frames_before = 0

    def _plain_service(self, url: str, token: str, profile: PlanProfile, demo: bool) -> FeedService:
        return FeedService(
            self.book,
            url,
            token,
            profile,
            demo=demo,
            settings=self._connection_settings,
            on_status=self._on_status,
        )

    # -- desired symbols ----------------------------------------------------------------------
    def set_symbols(
        self,
        trades: Sequence[Symbol],
        depth: Sequence[Symbol] = (),
        full_depth: Collection[Symbol] | None = None,
    ) -> None:
        """The full desired sets (`FeedService.set_symbols`); kept across switches."""
        self._trades = list(trades)
        self._depth = list(depth)
        self._full_depth = list(full_depth) if full_depth is not None else None
        if self.service is not None:
            self.service.set_symbols(self._trades, self._depth, self._full_depth)

    # -- switching ----------------------------------------------------------------------------
    async def switch(self, source: FeedSource, *, blank: bool = True) -> None:
        """Stop the current feed, blank the book, and stream from `source`.

        `blank=False` keeps the quotes: for resuming the same source after a pause.
        """
        await self.stop()
        if self.switches and blank:
            self._blank_book()
        self.switches += 1
        if source.demo:
            config = self._simulator_config or SimulatorConfig(
                seed=self._seed if self._seed is not None else int(time.time())
            )
            self.simulator = EmbeddedSimulator(config)
            # start() and stop() wait on the simulator's thread: wait off the event loop.
            endpoints = await asyncio.to_thread(self.simulator.start)
            url, token = endpoints.ws_url, endpoints.token
        else:
            remember_secret(source.token)
            url, token = source.ws_url, source.token
        log.info("feed source: %s", "built-in simulator" if source.demo else redact(url))
        self.service = self._factory(url, token, PLANS[source.plan], source.demo)
        self.source = source
        self._on_status(self.service.status)
        self.service.set_symbols(self._trades, self._depth, self._full_depth)
        await self.service.start()
        self._on_switched(source)

    async def stop(self) -> None:
        """Stop the feed and the simulator (idempotent)."""
        service, self.service = self.service, None
        if service is not None:
            self._frames_before += service.stats().frames
            await service.stop()
        simulator, self.simulator = self.simulator, None
        if simulator is not None:
            # Joining here would freeze the loop our own client sockets need to finish closing.
            await asyncio.to_thread(simulator.stop)

    def _blank_book(self) -> None:
        """Forget every quote but keep the symbols (and their order): rows show blanks until fed."""
        for symbol in self.book.symbols():
            self.book.untrack(symbol)
            self.book.track(symbol)

    # -- numbers ------------------------------------------------------------------------------
    def frames(self) -> int:
        """Frames received since start, across every feed this runner ran."""
        return self._frames_before + (self.service.stats().frames if self.service else 0)

    def stats(self) -> FeedStats:
        """The current feed's totals (zeros before the first switch)."""
        return self.service.stats() if self.service else FeedStats()

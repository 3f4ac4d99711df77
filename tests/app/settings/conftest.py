"""The settings-flow harness: a controller and its feed on one Qt-run asyncio loop, like the app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import qasync
import shiboken6
from PySide6.QtCore import QObject, Signal

from desktop.app.feed_source import FeedSource
from desktop.app.settings_controller import (
    SETTINGS_KEY,
    SettingsController,
    StateStore,
)
from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.persistence.credentials import KEYRING_SERVICE, KEYRING_USER
from desktop.protocol.plans import PLANS
from desktop.protocol.provider_settings import ProviderSettings
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.server import SimulatorConfig
from desktop.widgets.settings_dialog import SettingsDialog
from tests.conftest import TIMEOUT_S
from tests.leaks import fail_on_pending_tasks
from tests.polling import wait_until

GOOD = "good-token-1234"
ONE_CONNECTION = "basic-token-4321"
BAD = "bad-token-5678"
KEY = (KEYRING_SERVICE, KEYRING_USER)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "700")]
FAST = ConnectionSettings(
    heartbeat_s=0.2, dead_after_s=1.0, request_spacing_s=0.05, reconnect_floor_s=0.05
)
DEMO = SimulatorConfig(seed=5, trades_per_second=300.0, min_request_interval=0.04)


class MemoryStateStore:
    """A `StateStore` in memory (the app uses its SQLite `app_state` table)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get_state(self, key: str, default: str | None = None) -> str | None:
        """The stored value, or `default`."""
        return self.values.get(key, default)

    def set_state(self, key: str, value: str) -> None:
        """Keep `value` until exit."""
        self.values[key] = value


class StandInFeed(QObject):
    """The app's `FeedControl` in miniature: a FeedService on the simulator or a provider URL.

    The app does the same through `FeedSwitch` (plus recording, ladders, charts).
    """

    resumeRequested = Signal()

    def __init__(self, book: QuoteBook, on_status: Callable[[FeedStatus], None]) -> None:
        super().__init__()
        self.book = book
        self._on_status = on_status
        self.source: FeedSource | None = None
        self.service: FeedService | None = None
        self.simulator: EmbeddedSimulator | None = None

    def current_source(self) -> FeedSource | None:
        return self.source

    def on_resume_requested(self, slot: Callable[[], None]) -> None:
        self.resumeRequested.connect(slot)

    async def use_source(self, source: FeedSource) -> None:
        await self.pause_feed()
        for symbol in self.book.symbols():  # blank, as the FeedSwitch does
            self.book.untrack(symbol)
        if source.gateway_url:  # the desk gateway's feed is the FeedSwitch's (tests/gateway)
            self.source = source
            return
        url, token = source.ws_url, source.token
        if source.demo:
            self.simulator = EmbeddedSimulator(DEMO)
            endpoints = await asyncio.to_thread(self.simulator.start)
            url, token = endpoints.ws_url, endpoints.token
        self.service = FeedService(
            self.book,
            url,
            token,
            PLANS[source.plan],
            demo=source.demo,
            settings=FAST,
            on_status=self._on_status,
        )
        self.source = source
        self._on_status(self.service.status)  # as switch_feed shows the new feed's state at once
        self.service.set_symbols(SYMBOLS, SYMBOLS)
        await self.service.start()

    async def pause_feed(self) -> None:
        self.source = None
        service, self.service = self.service, None
        if service is not None:
            await service.stop()
        simulator, self.simulator = self.simulator, None
        if simulator is not None:
            await asyncio.to_thread(simulator.stop)

    def frames(self) -> int:
        return self.service.stats().frames if self.service else 0


@dataclass
class Harness:
    """A controller, its feed and store, driven on one Qt-run asyncio loop like the app's."""

    loop: qasync.QEventLoop
    book: QuoteBook
    statuses: list[FeedStatus]
    store: StateStore
    live_url: str
    environ: dict[str, str] = field(default_factory=dict)
    controller: SettingsController | None = None
    runner: StandInFeed = field(init=False)

    def __post_init__(self) -> None:
        self.runner = StandInFeed(self.book, self._on_status)

    def _on_status(self, status: FeedStatus) -> None:
        self.statuses.append(status)  # what the status bar would show
        if self.controller is not None:
            self.controller.on_status(status)

    def run_test(self, body: Callable[[], Awaitable[None]]) -> None:
        """Run the test body and the shutdown in ONE run of the loop, as the app lives in one.

        (Stopping Qt's loop between steps leaves socket callbacks pending; `run_until_complete`
        even runs them after asyncio stopped, where they find no running loop.)
        """

        async def whole() -> None:
            try:
                await asyncio.wait_for(body(), TIMEOUT_S * 3)
            finally:
                if self.controller is not None:
                    await self.controller.close()
                await self.runner.pause_feed()

        task = self.loop.create_task(whole())
        task.add_done_callback(lambda _: self.loop.stop())
        self.loop.run_forever()
        task.result()

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        await wait_until(condition, what)

    def live_settings(self, **changes: Any) -> ProviderSettings:
        return ProviderSettings(host=self.live_url.rsplit("/", 1)[0], **changes)

    def save_settings(self, settings: ProviderSettings) -> None:
        self.store.set_state(SETTINGS_KEY, settings.to_json())

    async def start(self, **kwargs: Any) -> SettingsController:
        self.controller = SettingsController(
            None, self.runner, self.store, environ=self.environ, **kwargs
        )
        await self.controller.start()
        return self.controller

    def dialog(self) -> SettingsDialog:
        assert self.controller is not None and self.controller.dialog is not None
        return self.controller.dialog


@pytest.fixture
def live_market() -> Iterator[str]:
    """A stand-in for AllTick: knows GOOD only and answers any other token with HTTP 401."""
    config = SimulatorConfig(
        seed=9,
        tokens={GOOD: "professional", ONE_CONNECTION: "basic"},
        any_token_plan=None,
        min_request_interval=0.04,
    )
    with EmbeddedSimulator(config) as market:
        yield market.endpoints.ws_url


@pytest.fixture
def h(qloop: qasync.QEventLoop, live_market: str) -> Iterator[Harness]:
    harness = Harness(qloop, QuoteBook(), [], MemoryStateStore(), live_market)
    yield harness
    if harness.controller is not None and harness.controller.dialog is not None:
        # Delete it now, not whenever the garbage collector breaks the controller <-> dialog
        # cycle: a parentless widget freed in the middle of Qt's animation timer crashes.
        shiboken6.delete(harness.controller.dialog)
    fail_on_pending_tasks(qloop)

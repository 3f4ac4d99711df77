"""The settings-flow harness: a controller and its feed on one Qt-run asyncio loop, like the app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import qasync
import shiboken6
from PySide6.QtWidgets import QApplication

from desktop.control.feed_runner import FeedRunner
from desktop.control.settings_controller import (
    SETTINGS_KEY,
    MemoryStateStore,
    SettingsController,
    StateStore,
)
from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.persistence.credentials import KEYRING_SERVICE, KEYRING_USER
from desktop.protocol.provider_settings import ProviderSettings
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.server import SimulatorConfig
from desktop.widgets.settings_dialog import SettingsDialog
from tests.conftest import TIMEOUT_S

GOOD = "good-token-1234"
ONE_CONNECTION = "basic-token-4321"
BAD = "bad-token-5678"
KEY = (KEYRING_SERVICE, KEYRING_USER)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "700")]
FAST = ConnectionSettings(
    heartbeat_s=0.2, dead_after_s=1.0, request_spacing_s=0.05, reconnect_floor_s=0.05
)
DEMO = SimulatorConfig(seed=5, trades_per_second=300.0, min_request_interval=0.04)


@dataclass
class Harness:
    """A controller, its runner and store, driven on one Qt-run asyncio loop like the app's."""

    loop: qasync.QEventLoop
    book: QuoteBook
    statuses: list[FeedStatus]
    store: StateStore
    live_url: str
    environ: dict[str, str] = field(default_factory=dict)
    controller: SettingsController | None = None
    runner: FeedRunner = field(init=False)

    def __post_init__(self) -> None:
        self.runner = FeedRunner(
            self.book, self._on_status, simulator_config=DEMO, connection_settings=FAST
        )
        self.runner.set_symbols(SYMBOLS)

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
                await self.runner.stop()

        task = self.loop.create_task(whole())
        task.add_done_callback(lambda _: self.loop.stop())
        self.loop.run_forever()
        task.result()

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

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


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One Qt-driven asyncio loop for the whole run, as the app has one for its lifetime (a
    closed qasync loop can leave Qt a timer on a freed object: re-creating them crashes)."""
    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing a dialog must not end the loop
    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.close()
    qapp.setQuitOnLastWindowClosed(True)


@pytest.fixture
def h(qloop: qasync.QEventLoop, live_market: str) -> Iterator[Harness]:
    harness = Harness(qloop, QuoteBook(), [], MemoryStateStore(), live_market)
    yield harness
    if harness.controller is not None and harness.controller.dialog is not None:
        # Delete it now, not whenever the garbage collector breaks the controller <-> dialog
        # cycle: a parentless widget freed in the middle of Qt's animation timer crashes.
        shiboken6.delete(harness.controller.dialog)

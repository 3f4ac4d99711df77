"""The simulator in a background thread with its own event loop, for the app's demo mode."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop.simulator.config import DEMO_TOKEN, SimulatorConfig
from desktop.simulator.server import SimulatorServer
from desktop.simulator.source import MarketSource

__all__ = ["EmbeddedSimulator", "SimulatorEndpoints"]


@dataclass(frozen=True, slots=True)
class SimulatorEndpoints:
    """Where a running simulator listens, and the token demo mode connects with."""

    ws_url: str
    rest_url: str
    port: int
    token: str = DEMO_TOKEN


class EmbeddedSimulator:
    """Runs a `SimulatorServer` on a daemon thread so its pushes never load the GUI thread's loop.

    `start()` blocks until the server listens; `stop()` closes it and joins the thread. Both are
    idempotent and safe to call from any thread but the simulator's own.
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        market_factory: Callable[[], MarketSource] | None = None,
    ) -> None:
        self.config = config or SimulatorConfig()
        self.market_factory = market_factory
        """Builds the market on the simulator's thread (a replay opens its file there)."""
        self.server: SimulatorServer | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._endpoints: SimulatorEndpoints | None = None

    @property
    def running(self) -> bool:
        """True between a successful `start()` and `stop()`."""
        return self._thread is not None and self._thread.is_alive() and self._endpoints is not None

    @property
    def endpoints(self) -> SimulatorEndpoints:
        """The URLs of the running simulator (RuntimeError before `start()`)."""
        if self._endpoints is None:
            raise RuntimeError("the simulator is not running")
        return self._endpoints

    def start(self, timeout: float = 10.0) -> SimulatorEndpoints:
        """Start the thread and wait until the server listens; raises what made it fail."""
        if self._endpoints is not None:
            return self._endpoints
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="quoteboard-simulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise TimeoutError(f"the simulator did not start within {timeout:g} s")
        if self._error is not None:
            self._thread.join(timeout)
            self._thread = None
            raise RuntimeError(f"the simulator failed to start: {self._error}") from self._error
        assert self._endpoints is not None
        return self._endpoints

    def stop(self, timeout: float = 5.0) -> None:
        """Close every connection, stop listening and join the thread."""
        loop, stopping, thread = self._loop, self._stopping, self._thread
        if loop is not None and stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:  # the loop closed in between
                pass
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None
        self._endpoints = None

    def __enter__(self) -> EmbeddedSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            # An explicit loop class: under qasync the global policy would hand this thread a
            # Qt event loop, which cannot run outside the GUI thread.
            with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
                runner.run(self._main())
        except BaseException as exc:  # reported to start(); the thread must not print a trace
            self._error = exc
        finally:
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        market = self.market_factory() if self.market_factory is not None else None
        server = SimulatorServer(self.config, market=market)
        self.server = server
        await server.start()
        try:
            self._endpoints = SimulatorEndpoints(server.ws_url, server.rest_url, server.port)
            self._ready.set()
            await self._stopping.wait()
        finally:
            await server.stop()

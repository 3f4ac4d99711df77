"""Where a service's connections run (`--ingest`, `--ingest-workers`), and what they share there.

On the GUI's loop (`IngestMode.LOOP`) a service's connections are `FeedConnection`s sharing one
in-process subscribe stagger. With `IngestMode.PROCESS` they are `RemoteConnection`s hosted by
an `IngestPool` of one or more worker processes, whose stagger is shared across them. The service
asks for connection i and gets one with the same interface either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market
from desktop.feed.connection import ConnectionEvents, FeedConnection, FeedTap
from desktop.feed.ingest_pool import IngestPool
from desktop.feed.ingest_process import IngestProcess
from desktop.feed.remote_connection import RemoteConnection
from desktop.feed.timing import ConnectionSettings, IngestMode
from desktop.protocol.pacing import SubscribeStagger

__all__ = ["ConnectionHost"]


class ConnectionHost:
    """Makes a service's connections on its loop or in worker processes, and closes the workers."""

    def __init__(
        self,
        book: QuoteBook,
        url: str,
        settings: ConnectionSettings,
        *,
        tap: FeedTap | None,
        market_open: Callable[[Market], bool],
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int],
        ingest: IngestMode = IngestMode.LOOP,
        ingest_workers: int = 1,
    ) -> None:
        self.book = book
        self.url = url
        """The provider's WebSocket URL, token included."""
        self.settings = settings
        self.tap = tap
        self.market_open = market_open
        self.clock = clock
        self.wall_ms = wall_ms
        self.ingest = ingest
        self.ingest_workers = ingest_workers
        self.stagger = SubscribeStagger(settings.stagger_s)
        """Shared by the connections on the loop (§1.7: subscribes of a token are spaced)."""
        self.pool: IngestPool | None = None
        """The worker processes (`IngestMode.PROCESS`), made with the first connection."""

    def new(self, index: int, events: ConnectionEvents) -> FeedConnection | RemoteConnection:
        """Connection `index`, on the loop or in its worker (worker index % N)."""
        if self.ingest is IngestMode.PROCESS:
            if self.pool is None:
                self.pool = IngestPool(
                    self.ingest_workers,
                    self.book,
                    self.tap,
                    self.market_open,
                    self.settings,
                    clock=self.clock,
                )
            return self.pool.connection(index, self.url, events, self.settings)
        return FeedConnection(
            index,
            self.url,
            self.book,
            events,
            self.settings,
            clock=self.clock,
            stagger=self.stagger,
            market_open=self.market_open,
            tap=self.tap,
            wall_ms=self.wall_ms,
        )

    @property
    def workers(self) -> list[IngestProcess]:
        """The ingest worker processes (none on the loop, or before the first connection)."""
        return self.pool.workers if self.pool is not None else []

    async def close(self) -> None:
        """Stop the worker processes, if any (the connections are stopped first, by the service)."""
        if self.pool is not None:
            await self.pool.close()

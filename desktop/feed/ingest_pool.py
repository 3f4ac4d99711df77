"""Several ingest worker processes for one service: `--ingest-workers N`.

AllTick plans allow up to ten connections per token, so the work of receiving and decoding can
spread over cores: connection i is hosted by worker i % N, each an `IngestProcess` (its own
spawned process, socket pair and reader on the GUI's loop). Their event streams merge in the
GUI process's one `QuoteBook`: each worker's batches are applied in order, and the order between
connections never mattered (on the GUI's loop they interleave the same way).

Each worker is supervised on its own: one that exits is reported ("internal error (the ingest
worker 2 exited …)") and started again with its connections, while the others stream on. With
more than one worker the subscribe stagger, which the provider counts per token (reference
§1.7), lives in shared memory (`feed.shared_stagger`); when a worker exits, the claims it held
there are released before it starts again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market
from desktop.feed.connection import ConnectionEvents, FeedTap
from desktop.feed.ingest_process import IngestProcess
from desktop.feed.remote_connection import RemoteConnection
from desktop.feed.shared_stagger import SharedStagger
from desktop.feed.timing import MAX_INGEST_WORKERS, ConnectionSettings

__all__ = ["IngestPool"]


class IngestPool:
    """Hosts a service's connections in `count` worker processes, connection i in worker i % N."""

    def __init__(
        self,
        count: int,
        book: QuoteBook,
        tap: FeedTap | None,
        market_open: Callable[[Market], bool],
        settings: ConnectionSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= count <= MAX_INGEST_WORKERS:
            raise ValueError(f"ingest workers must be 1 to {MAX_INGEST_WORKERS}, not {count}")
        self.stagger_s = settings.stagger_s
        self._stagger: SharedStagger | None = None
        single = count == 1
        self.workers = [
            IngestProcess(
                book,
                tap,
                market_open,
                settings.reconnect_floor_s,
                clock=clock,
                name="quoteboard-ingest" if single else f"quoteboard-ingest-{number}",
                stagger=(lambda: None) if single else self._shared_stagger,
                on_exit=self._exited,
            )
            for number in range(1, count + 1)
        ]
        """One per worker process; `workers[i % N]` hosts connection i."""

    def worker_for(self, index: int) -> IngestProcess:
        """The worker that hosts connection `index`."""
        return self.workers[index % len(self.workers)]

    def connection(
        self, index: int, url: str, events: ConnectionEvents, settings: ConnectionSettings
    ) -> RemoteConnection:
        """The stand-in for connection `index`, hosted by its worker."""
        return self.worker_for(index).connection(index, url, events, settings)

    @property
    def restarts(self) -> int:
        """Times any worker died and was started again."""
        return sum(worker.restarts for worker in self.workers)

    @property
    def stagger(self) -> SharedStagger | None:
        """The stagger the workers share (None with one worker, or before one started)."""
        return self._stagger

    def _shared_stagger(self) -> SharedStagger:
        """Made when the first worker starts (and again after `close`)."""
        if self._stagger is None:
            self._stagger = SharedStagger.create(self.stagger_s)
        return self._stagger

    def _exited(self, pid: int) -> None:
        """A worker died: what it claimed in the shared stagger must not hold the others."""
        if self._stagger is not None:
            self._stagger.release_dead(pid)

    async def close(self) -> None:
        """Stop every worker, then remove the shared stagger."""
        await asyncio.gather(*(worker.close() for worker in self.workers))
        stagger, self._stagger = self._stagger, None
        if stagger is not None:
            stagger.close()

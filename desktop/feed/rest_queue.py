"""One background worker that takes queued REST requests one at a time, within the plan's pace."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any, Generic, TypeVar

from desktop.feed.rest import AllTickRestClient

__all__ = ["RestQueueWorker"]

K = TypeVar("K")


class RestQueueWorker(Generic[K]):
    """The queue, the wake-up and the task shared by the history fetchers: subclasses say how
    keys are queued (`_enqueue`) and what one key costs (`_work`); one request is in flight at a
    time, so the REST client's pacing is never raced. A worker built `after` another waits while
    that one has requests queued: both share the endpoint's pace, and the other's matter sooner."""

    def __init__(
        self, rest: AllTickRestClient | None, *, after: RestQueueWorker[Any] | None = None
    ) -> None:
        self._rest = rest
        self._after = after
        self._queue: deque[K] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def _use_rest(self, rest: AllTickRestClient | None) -> None:
        """Fetch through another feed's client from now on and drop what was queued."""
        self._rest = rest
        self._queue.clear()
        self._idle.set()

    def _enqueue(self, key: K, *, first: bool) -> None:
        """Queue `key` (moved to the front when `first`) and wake the worker."""
        if key in self._queue:
            if not first:
                return
            self._queue.remove(key)
        if first:
            self._queue.appendleft(key)
        else:
            self._queue.append(key)
        self._idle.clear()
        self._wake.set()

    def pending(self) -> list[K]:
        """Requests still waiting, next first."""
        return list(self._queue)

    def busy(self) -> bool:
        """Running with requests queued and a client to send them through."""
        running = self._task is not None and not self._task.done()
        return running and bool(self._queue) and self._rest is not None

    def start(self) -> None:
        """Start the worker on the running loop (idempotent)."""
        if self._task is None or self._task.done():
            if self._queue and self._rest is not None:
                self._idle.clear()  # a worker waiting behind this one waits again
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the worker; a request in flight is cancelled."""
        task, self._task = self._task, None
        self._idle.set()  # a worker waiting behind this one goes on
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            if not self._queue or self._rest is None:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            ahead = self._after
            if ahead is not None and ahead.busy():
                await ahead._idle.wait()  # its requests share our endpoint's pace and go first
                continue
            await self._work(self._queue.popleft())

    async def _work(self, key: K) -> object:
        """Fetch and deliver one queued key (the subclass's request)."""
        raise NotImplementedError

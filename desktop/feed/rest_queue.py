"""One background worker that takes queued history requests one at a time, within the plan's pace.

Requests go to a `BarSource`: the provider's REST client, or the desk gateway's bar cache. A
request whose source says "not ready yet" (`HistoryNotReady`) is queued again after `retry_s`,
then half as long again after each further "not yet", up to `retry_cap_s`: quick while the desk
gateway fetches a watchlist's bars, cheap if that takes long on a slow plan.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any, Generic, TypeVar

from desktop.feed.bar_source import BarSource

__all__ = ["RestQueueWorker"]

K = TypeVar("K")


class RestQueueWorker(Generic[K]):
    """The queue, the wake-up and the task shared by the history fetchers: subclasses say how
    keys are queued (`_enqueue`) and what one key costs (`_work`); one request is in flight at a
    time, so the REST client's pacing is never raced. A worker built `after` another waits while
    that one has requests queued: both share the endpoint's pace, and the other's matter sooner."""

    retry_s = 0.5
    """How long a request whose bars are not ready yet first waits before it is queued again."""
    retry_cap_s = 30.0

    def __init__(
        self, rest: BarSource | None, *, after: RestQueueWorker[Any] | None = None
    ) -> None:
        self._rest = rest
        self._after = after
        self._later: dict[K, asyncio.TimerHandle] = {}
        self._attempts: dict[K, int] = {}
        self.retries = 0
        """Requests queued again because their bars were not ready yet."""
        self._queue: deque[K] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def _use_rest(self, rest: BarSource | None) -> None:
        """Fetch through another feed's source from now on and drop what was queued."""
        self._rest = rest
        self._queue.clear()
        self._cancel_retries()
        self._idle.set()

    def _retry_later(self, key: K) -> None:
        """Queue `key` again after `retry_s`: its source has no answer yet."""
        if key in self._later:
            return
        self.retries += 1
        attempt = self._attempts.get(key, 0)
        self._attempts[key] = attempt + 1
        delay = min(self.retry_s * 1.5**attempt, self.retry_cap_s)
        self._later[key] = asyncio.get_running_loop().call_later(delay, self._retry_now, key)

    def _retry_now(self, key: K) -> None:
        self._later.pop(key, None)
        self._enqueue(key, first=False)

    def _cancel_retries(self) -> None:
        for handle in self._later.values():
            handle.cancel()
        self._later.clear()
        self._attempts.clear()

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

    def has_pending(self) -> bool:
        """Whether a request still waits (without copying the queue, as `pending` does)."""
        return bool(self._queue)

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
        self._cancel_retries()
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

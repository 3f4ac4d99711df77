"""Background tasks that are kept alive, logged when they fail, and cancelled together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["TaskSet"]

log = logging.getLogger("desktop")


class TaskSet:
    """Owns fire-and-forget tasks: holds a reference (asyncio keeps only weak ones), logs a
    failure instead of letting it vanish, and cancels and awaits them all on `close()`."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        """Run `coro` in the background on the running loop; `close()` cancels it."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        """Forget a finished task; an exception it raised is logged, never swallowed."""
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error(
                "%s: background task %s failed: %r",
                self._name,
                task.get_name(),
                exc,
                exc_info=exc,
            )

    async def close(self) -> None:
        """Cancel every task still running and wait until each has finished."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

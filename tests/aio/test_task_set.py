"""TaskSet keeps background tasks, logs their failures and cancels them together."""

from __future__ import annotations

import asyncio
import logging

import pytest

from desktop.aio.task_set import TaskSet


async def test_close_cancels_every_running_task_and_waits_for_it() -> None:
    tasks = TaskSet("test")
    cancelled: list[str] = []

    async def forever(name: str) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(name)
            raise

    tasks.spawn(forever("a"))
    tasks.spawn(forever("b"))
    await asyncio.sleep(0)
    assert len(tasks) == 2
    await tasks.close()
    assert sorted(cancelled) == ["a", "b"]
    assert len(tasks) == 0


async def test_a_failing_task_is_logged_not_swallowed(caplog: pytest.LogCaptureFixture) -> None:
    tasks = TaskSet("feed")

    async def boom() -> None:
        raise RuntimeError("kaput")

    task = tasks.spawn(boom(), name="boom")
    with caplog.at_level(logging.ERROR, logger="desktop"):
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
    assert len(tasks) == 0
    assert any("feed: background task boom failed" in r.getMessage() for r in caplog.records)

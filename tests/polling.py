"""The suite's one way to wait for something: poll a predicate until it holds or a deadline passes.

Both helpers scale from the suite's one timeout constant (`TIMEOUT_S`) and fail naming `what`.
`wait_until` polls on the running event loop (so the code under test keeps running);
`wait_until_blocking` polls from a plain test for what another thread or process makes true.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.conftest import TIMEOUT_S

__all__ = ["wait_until", "wait_until_blocking"]

_STEP_S = 0.005


async def wait_until(
    predicate: Callable[[], bool], what: str = "the condition", within: float = TIMEOUT_S
) -> None:
    """Poll `predicate` on the event loop; fail naming `what` after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {within:g} s waiting for {what}")
        await asyncio.sleep(_STEP_S)


def wait_until_blocking(
    predicate: Callable[[], bool], what: str = "the condition", within: float = TIMEOUT_S
) -> None:
    """Poll `predicate` from a test with no event loop; fail naming `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:g} s waiting for {what}")
        time.sleep(_STEP_S)

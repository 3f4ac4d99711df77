"""Shared test set-up: headless Qt, one timeout constant, and the system-service switch."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import pytest  # noqa: E402

#: Every wait in the suite scales from this (QB_TEST_TIMEOUT_SCALE=3 on a slow machine).
TIMEOUT_SCALE = float(os.environ.get("QB_TEST_TIMEOUT_SCALE", "1"))
TIMEOUT_S = 5.0 * TIMEOUT_SCALE
REQUIRE_SYSTEM = os.environ.get("QB_REQUIRE_SYSTEM") == "1"


def need_system(available: bool, what: str) -> None:
    """Skip when a system service is missing, or fail instead when CI sets QB_REQUIRE_SYSTEM=1."""
    if available:
        return
    if REQUIRE_SYSTEM:
        pytest.fail(f"{what} is required here (QB_REQUIRE_SYSTEM=1) but is not available")
    pytest.skip(f"{what} is not available on this machine")


async def wait_until(
    condition: Callable[[], bool], what: str = "the condition", within: float = TIMEOUT_S
) -> None:
    """Poll `condition` on the event loop; fail naming `what` after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {within:g} s waiting for {what}")
        await asyncio.sleep(0.005)

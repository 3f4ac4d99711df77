"""Shared test set-up: headless Qt, one timeout constant, the system-service switch, a fake keyring,
garbage collection on the main thread only, and the leak check every test passes (no windows left
shown, no asyncio tasks left pending)."""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
import threading
from collections.abc import AsyncIterator, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.backends import fail  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402

from desktop.qt.gui_thread_gc import collect_if_due  # noqa: E402
from tests.leaks import close_windows, describe_window, pending_tasks, shown_windows  # noqa: E402

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


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring backend for tests: records calls, can fail or block on demand."""

    priority = 1.0  # type: ignore[assignment]  # (keyring declares it as a class property)

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []
        self.fail_with: BaseException | None = None
        self.gate: threading.Event | None = None
        """When set, every call waits for it (a keyring stuck on an unlock prompt)."""

    def _enter(self, operation: str) -> None:
        self.calls.append(operation)
        if self.gate is not None:
            self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with

    def get_password(self, service: str, username: str) -> str | None:
        self._enter("get")
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._enter("set")
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._enter("delete")
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def _never_the_real_keyring() -> Iterator[None]:
    """No test reads or writes the developer's real keyring: the default is "no keyring"."""
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    """An empty in-memory keyring, active for this test."""
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    return ring


@pytest.fixture(autouse=True, scope="session")
def _collect_on_the_main_thread() -> Iterator[None]:
    """As in the board (`GuiThreadCollector`): no automatic collection, so a test's worker thread
    never frees a Qt object left by an earlier test; `_no_leaks` collects what is due between
    tests, on the main thread."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


@pytest.fixture(autouse=True)
def _no_leaks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves Qt windows shown or (async tests) asyncio tasks pending.

    Checked after every fixture the test used is torn down; `@pytest.mark.allow_leaks(reason)`
    opts a test out when what it leaves is the point (say why in the reason).
    """
    allowed = request.node.get_closest_marker("allow_leaks") is not None
    test = getattr(request.node, "obj", None)
    if not allowed and inspect.iscoroutinefunction(test):
        request.getfixturevalue("_no_leaked_tasks")
    before = shown_windows()
    yield
    collect_if_due()
    leaked = shown_windows() - before
    if leaked:
        names = ", ".join(sorted(describe_window(w) for w in leaked))
        close_windows(leaked)
        if not allowed:
            pytest.fail(f"the test left top-level windows shown: {names}", pytrace=False)


@pytest.fixture
async def _no_leaked_tasks() -> AsyncIterator[None]:
    """The asyncio half of `_no_leaks`: set up before, torn down after the test's own fixtures."""
    yield
    leaked = await pending_tasks()
    if leaked:
        for task in leaked:
            task.cancel()
        await asyncio.gather(*leaked, return_exceptions=True)
        names = ", ".join(sorted(repr(t.get_coro()) for t in leaked))
        pytest.fail(f"the test left asyncio tasks pending: {names}", pytrace=False)

"""What a test leaves behind: asyncio tasks still pending and Qt windows still shown.

`tests/conftest.py` runs these around every test and fails the test that leaks, naming what it
left; a test that must leave something (rare, and said why) carries `@pytest.mark.allow_leaks`.
"""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["close_windows", "fail_on_pending_tasks", "pending_tasks", "shown_windows"]


async def pending_tasks() -> list[asyncio.Task[object]]:
    """Tasks of the running loop not done once pending cancellations had a few turns to land."""
    current = asyncio.current_task()
    for _ in range(3):
        pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        if not pending:
            return []
        await asyncio.sleep(0)
    return pending


def fail_on_pending_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """For a loop the test drives itself (not running now): fail if it still has tasks pending."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if pending:
        for task in pending:
            task.cancel()
        names = ", ".join(sorted(repr(t.get_coro()) for t in pending))
        pytest.fail(f"the test left asyncio tasks pending: {names}", pytrace=False)


def shown_windows() -> set[QWidget]:
    """Top-level widgets alive and visible now (after pending `deleteLater`s are done)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return set()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {w for w in QApplication.topLevelWidgets() if w.isVisible()}


def close_windows(windows: set[QWidget]) -> None:
    """Close and delete leaked windows so the next test starts clean."""
    for window in windows:
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def describe_window(window: QWidget) -> str:
    """A leaked window as a reader finds it: its class, object name and title."""
    name = window.objectName() or "-"
    return f"{type(window).__name__}(objectName={name!r}, title={window.windowTitle()!r})"

"""The app package's tests share one Qt-driven asyncio loop, as the app has one for its lifetime."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One Qt-driven asyncio loop for the whole run, as the app has one for its lifetime (a
    closed qasync loop can leave Qt a timer on a freed object: re-creating them crashes)."""
    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing a dialog must not end the loop
    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.close()
    qapp.setQuitOnLastWindowClosed(True)

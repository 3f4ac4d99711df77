"""The leak check every test passes: a window left shown or a task left pending fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest_plugins = ["pytester"]

LEAKY = """
import asyncio

import pytest
from PySide6.QtWidgets import QWidget

kept = []


def test_leaves_a_window_shown(qtbot):
    window = QWidget()
    window.setWindowTitle("left open")
    window.show()
    kept.append(window)


def test_closes_its_window(qtbot):
    window = QWidget()
    window.show()
    window.close()
    kept.append(window)


async def test_leaves_a_task_pending():
    kept.append(asyncio.get_running_loop().create_task(asyncio.sleep(60), name="forgotten"))


async def test_awaits_its_task():
    await asyncio.get_running_loop().create_task(asyncio.sleep(0))


@pytest.mark.allow_leaks("the point of this test")
async def test_says_why_it_leaves_a_task():
    kept.append(asyncio.get_running_loop().create_task(asyncio.sleep(60)))
"""


def test_windows_left_shown_and_tasks_left_pending_fail_the_test_that_left_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest("from tests.conftest import _no_leaked_tasks, _no_leaks  # noqa: F401\n")
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "qt_api = pyside6\nmarkers =\n    allow_leaks(reason): opt out\n"
    )
    pytester.makepyfile(test_leaky=LEAKY)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_window_shown*",
            "*left top-level windows shown: QWidget(objectName='-', title='left open')*",
            "*ERROR at teardown of test_leaves_a_task_pending*",
            "*left asyncio tasks pending: <coroutine object sleep*",
        ]
    )

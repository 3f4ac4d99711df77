"""Libraries imported before Qt are never read as source by PySide6's import hook, and the board
does not load httpx before its window."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import TIMEOUT_S

_CHILD = """
import linecache, sys
from desktop.app.preload import drop_source_cache, import_before_qt
{preload}
import PySide6.QtWidgets, numpy, websockets.asyncio.client
import desktop.app.board
read = [f for f in linecache.cache if "/numpy/" in f or "/websockets/" in f]
mine = [f for f in linecache.cache if "/desktop/" in f]
drop_source_cache()
print(len(read), len(mine), len(linecache.cache))
"""


def _source_files_read(preload: bool) -> tuple[int, int, int]:
    code = _CHILD.format(preload="import_before_qt()" if preload else "")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S * 6
    )
    assert out.returncode == 0, out.stderr[-2000:]
    libraries, own, left = (int(n) for n in out.stdout.split())
    return libraries, own, left


def test_preloaded_libraries_are_not_read_and_the_rest_is_dropped_after_start_up() -> None:
    libraries, own, left = _source_files_read(preload=True)
    without = _source_files_read(preload=False)[0]
    assert without > 50  # without it: dozens of library files are read and kept
    assert libraries < without / 3  # with it, only the packages' top files, met again later
    assert own > 0  # the board's own modules import PySide6: the hook reads them…
    assert left == 0  # …until start-up drops what was read


def test_the_board_loads_without_httpx_until_a_feed_starts() -> None:
    code = "import sys, desktop.app.board; print('httpx' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S * 6
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"

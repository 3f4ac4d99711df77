"""Libraries imported before Qt are never read as source by PySide6's import hook, the board
does not load httpx before its window, and a board on the demo feed loads neither redis-py nor
pyqtgraph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TIMEOUT_S

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import linecache, sys
from desktop.app.preload import drop_source_cache, import_before_qt
{preload}
import PySide6.QtWidgets, numpy, websockets.asyncio.client
import desktop.app.board
read = [f for f in linecache.cache if "/numpy/" in f or "/websockets/" in f]
mine = [f for f in linecache.cache if "/desktop/" in f]
kept = len(linecache.cache)
drop_source_cache()
marks = sys.modules["PySide6.support.feature"].pyside_feature_dict
print(len(read), len(mine), kept, len(linecache.cache))
print(marks["desktop.qt.palette"], marks["desktop.domain.symbols"])
"""


def _source_files_read(preload: bool) -> tuple[list[int], list[int]]:
    code = _CHILD.format(preload="import_before_qt()" if preload else "")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S * 6
    )
    assert out.returncode == 0, out.stderr[-2000:]
    counts, marks = out.stdout.splitlines()
    return [int(n) for n in counts.split()], [int(n) for n in marks.split()]


def test_with_the_preload_nothing_imported_after_qt_keeps_its_source() -> None:
    (libraries, own, kept, left), marks = _source_files_read(preload=True)
    (without, own_without, _, left_without), marks_without = _source_files_read(preload=False)
    assert without > 50 and own_without > 50  # PySide6's own check reads and keeps every file…
    assert libraries == 0 and own == 0 and kept < 10  # …ours reads the bytes and keeps none
    assert left == left_without == 0  # what start-up read anyway is dropped once it is up
    assert marks == marks_without == [0, -1]  # the same answer: a Qt module uses PySide6


def test_the_board_loads_without_httpx_until_a_feed_starts() -> None:
    code = "import sys, desktop.app.board; print('httpx' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S * 6
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


_DEMO_BOARD = """
import sys
from pathlib import Path
import qasync
from PySide6.QtWidgets import QApplication
from desktop.app.board import QuoteBoardApp
from desktop.app.config import AppConfig
from tests.polling import wait_until

async def main():
    board = QuoteBoardApp(AppConfig(data_dir=Path(sys.argv[1])))
    board.build()
    await board.start()
    try:
        await wait_until(lambda: board.book.counters.ticks > 0, "a demo trade")
        await wait_until(lambda: board.insights.history.seeded > 0, "the demo's history")
        print("redis" in sys.modules, "pyqtgraph" in sys.modules, flush=True)
    finally:
        code = await board.shutdown()
    from desktop.feed.gateway_feed import GatewayFeed  # noqa: F401  (the check can see redis)
    print("redis" in sys.modules, flush=True)
    return code

app = QApplication(sys.argv[:1])
sys.exit(qasync.run(main()))
"""


def test_a_board_on_the_demo_feed_loads_neither_redis_nor_pyqtgraph(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",  # no token: the demo feed
    )
    env.pop("QUOTEBOARD_TOKEN", None)
    out = subprocess.run(
        [sys.executable, "-c", _DEMO_BOARD, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 20,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    # Not while streaming (pyqtgraph waits for the first chart); the gateway's feed would load redis.
    assert out.stdout.split() == ["False", "False", "True"]

"""Libraries imported before Qt are never read as source by PySide6's import hook, the board
does not load httpx before its window, and a board on the demo feed never loads redis-py."""

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
        print("redis" in sys.modules, flush=True)
    finally:
        code = await board.shutdown()
    from desktop.feed.gateway_feed import GatewayFeed  # noqa: F401  (the check can see redis)
    print("redis" in sys.modules, flush=True)
    return code

app = QApplication(sys.argv[:1])
sys.exit(qasync.run(main()))
"""


def test_a_board_on_the_demo_feed_never_loads_redis(tmp_path: Path) -> None:
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
    assert out.stdout.split() == ["False", "True"]  # not while streaming; the gateway's feed would

"""One real drag in a real window: Xvfb + xdotool, from the search results onto the table.

The app runs as a subprocess on its own X display with `--data-dir`; it writes where its widgets
are (QB_TEST_GEOMETRY_FILE), so the pointer goes to real coordinates. The database is checked
after the drop, the app is SIGKILLed and restarted, and the dropped row is still there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TIMEOUT_S, need_system
from tests.polling import wait_until_blocking

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = TIMEOUT_S * 4
Report = dict[str, Any]


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb on a display number it picks itself (-displayfd), stopped afterwards."""
    need_system(bool(shutil.which("Xvfb") and shutil.which("xdotool")), "Xvfb and xdotool")
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(WAIT_S)


class RealApp:
    """`quoteboard --data-dir D` on `display`, with its geometry report and xdotool at hand."""

    def __init__(self, display: str, data: Path, geometry: Path) -> None:
        self.display, self.data, self.geometry = display, data, geometry
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.geometry.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DISPLAY": self.display,
            "QT_QPA_PLATFORM": "xcb",
            "QB_TEST_GEOMETRY_FILE": str(self.geometry),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--seed", "7"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(WAIT_S)

    def report(self) -> Report:
        try:
            data: Report = json.loads(self.geometry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data

    def wait_for(self, what: str, condition: Callable[[Report], bool]) -> Report:
        found: list[Report] = []

        def ready() -> bool:
            assert self.process is not None and self.process.poll() is None, "the app exited"
            report = self.report()
            if report and condition(report):
                found.append(report)
            return bool(found)

        wait_until_blocking(ready, what, WAIT_S)
        return found[0]

    def xdotool(self, *args: str) -> None:
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(["xdotool", *args], env=env, check=True, timeout=WAIT_S, capture_output=True)


def center(rect: list[int], dy: int | None = None) -> tuple[str, str]:
    x, y, w, h = rect
    return str(x + w // 2), str(y + (h // 2 if dy is None else dy))


def stored(data: Path, name: str) -> list[str]:
    conn = sqlite3.connect(f"file:{data / 'quoteboard.db'}?mode=ro", uri=True, timeout=WAIT_S)
    try:
        rows = conn.execute(
            "SELECT i.symbol FROM watchlist_items i JOIN watchlists w ON w.id = i.watchlist_id "
            "WHERE w.name = ? ORDER BY i.position",
            (name,),
        ).fetchall()
    finally:
        conn.close()
    return [str(r[0]) for r in rows]


@pytest.mark.system
@pytest.mark.slow
def test_a_real_drag_from_search_results_onto_the_table_is_saved_and_survives_a_kill(
    display: str, tmp_path: Path
) -> None:
    app = RealApp(display, tmp_path / "data", tmp_path / "geometry.json")
    app.start()
    try:
        first = app.wait_for("the seeded US list", lambda r: len(r.get("rows", [])) == 12)
        app.xdotool("windowfocus", "--sync", str(first["window_id"]))
        app.wait_for("keyboard focus", lambda r: r["window_active"])
        app.xdotool("key", "ctrl+k")
        app.wait_for("the search pane", lambda r: r["search_visible"])
        app.xdotool("type", "--delay", "20", "tencent")
        report = app.wait_for("search results", lambda r: len(r["results"]) >= 1)
        target_row = report["rows"][2]  # NVDA.US; the upper half drops above it
        source = center(report["results"][0])
        target = center(target_row, dy=4)

        app.xdotool("mousemove", "--sync", *source)
        app.xdotool("mousedown", "1")
        sx, sy = int(source[0]), int(source[1])
        tx, ty = int(target[0]), int(target[1])
        for step in range(1, 9):  # past the drag distance, then across to the table
            x = sx + (tx - sx) * step // 8
            y = sy + (ty - sy) * step // 8
            app.xdotool("mousemove", "--sync", str(x), str(y))
        deadline = time.monotonic() + WAIT_S
        wiggle = 0
        while not app.report().get("table_dragging"):  # the drag manager must see us over it
            assert time.monotonic() < deadline, "the drag never reached the table"
            wiggle = 1 - wiggle
            app.xdotool("mousemove", "--sync", str(tx + wiggle), str(ty))
            time.sleep(0.05)
        app.xdotool("mouseup", "1")

        wait_until_blocking(lambda: "00700.HK" in stored(app.data, "US"), "the drop saved", WAIT_S)
        expected = ["AAPL.US", "MSFT.US", "00700.HK", "NVDA.US"]
        assert stored(app.data, "US")[:4] == expected
        assert stored(app.data, "Hong Kong")[0] == "00700.HK"  # a search result is copied

        app.kill()
        with sqlite3.connect(app.data / "quoteboard.db") as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        app.start()
        again = app.wait_for("the restarted app", lambda r: len(r.get("symbols", [])) == 12)
        assert again["symbols"][:4] == expected
    finally:
        app.kill()

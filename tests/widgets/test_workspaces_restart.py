"""Workspaces across restarts: each piece of the window state comes back in a fresh process.

`workspace_child.py` runs one start of the board's windows on offscreen screens chosen per
process; `open` ends with os._exit right after the debounced save, as a crash would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import TIMEOUT_S

CHILD = Path(__file__).with_name("workspace_child.py")
BIG = {"name": "big", "x": 0, "y": 0, "width": 1920, "height": 1080}
SIDE = {"name": "side", "x": 1920, "y": 0, "width": 1920, "height": 1080}
LAPTOP = {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 720}


def board(tmp_path: Path, screens: list[dict[str, Any]], *args: str) -> dict[str, Any]:
    config = tmp_path / f"screens-{'-'.join(s['name'] for s in screens)}.json"
    config.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, str(CHILD), *args, "--db", str(tmp_path / "quoteboard.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 12,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


def test_after_a_crash_every_piece_of_the_window_state_comes_back(tmp_path: Path) -> None:
    before = board(
        tmp_path, [BIG], "open", "--at", "60,50,1200,700", "--alerts-height", "240",
        "--float-heatmap", "--pop-out", "00700.HK", "--select", "09988.HK",
    )  # fmt: skip
    after = board(tmp_path, [BIG], "restore")
    assert after["geometry"] == before["geometry"] == [60, 50, 1200, 700]
    assert (after["list_name"], after["symbol"]) == ("Hong Kong · 3", "09988.HK")
    assert after["docks"] == before["docks"]
    assert after["docks"]["heatmapDock"]["floating"]
    assert after["docks"]["heatmapDock"]["geometry"] == [200, 150, 520, 360]
    assert after["docks"]["alertsDock"]["geometry"][3] == 240
    assert after["docks"]["alertsDock"]["visible"]
    assert after["ladders"] == before["ladders"]


def test_docks_tabbed_together_stay_tabbed_in_their_order(tmp_path: Path) -> None:
    before = board(tmp_path, [BIG], "open")  # the heatmap joins the depth dock as a tab
    assert before["docks"]["heatmapDock"]["tabbed_with"] == ["depthDock"]
    after = board(tmp_path, [BIG], "restore")
    assert after["docks"]["heatmapDock"]["tabbed_with"] == ["depthDock"]
    assert after["docks"] == before["docks"]


def test_a_maximised_window_comes_back_maximised_with_its_normal_size_kept(
    tmp_path: Path,
) -> None:
    board(tmp_path, [BIG], "open", "--at", "100,80,1000,600", "--maximize")
    after = board(tmp_path, [BIG], "restore")
    assert after["maximized"]
    assert after["geometry"] == [100, 80, 1000, 600]


def test_a_window_saved_on_a_big_screen_fits_a_small_one(tmp_path: Path) -> None:
    board(tmp_path, [BIG], "open", "--at", "300,200,1500,800")
    after = board(tmp_path, [LAPTOP], "restore")
    assert inside(after["frame"], after["available"])
    assert after["symbol"] == "09988.HK"


def test_each_monitor_arrangement_gets_back_its_own_layout(tmp_path: Path) -> None:
    board(tmp_path, [BIG, SIDE], "open", "--at", "2100,100,1400,800")  # on the side monitor
    board(tmp_path, [LAPTOP], "open", "--at", "10,10,1200,650")  # later, the laptop alone
    docked = board(tmp_path, [BIG, SIDE], "restore")  # back at the desk: the desk layout
    assert docked["geometry"] == [2100, 100, 1400, 800]
    alone = board(tmp_path, [LAPTOP], "restore")
    assert alone["geometry"] == [10, 10, 1200, 650]


def test_named_workspaces_switch_in_a_fresh_process(tmp_path: Path) -> None:
    board(
        tmp_path, [BIG], "save", "--name", "Morning", "--at", "50,50,1100,650",
        "--select", "00005.HK",
    )  # fmt: skip
    board(
        tmp_path, [BIG], "save", "--name", "Close", "--at", "400,200,1300,760",
        "--select", "00700.HK", "--pop-out", "09988.HK", "--float-heatmap",
    )  # fmt: skip
    morning = board(tmp_path, [BIG], "switch", "--name", "Morning")
    assert morning["named"] == ["Morning", "Close"]
    assert morning["geometry"] == [50, 50, 1100, 650]
    assert morning["symbol"] == "00005.HK"
    assert morning["ladders"] == []
    assert not morning["docks"]["heatmapDock"]["floating"]
    close = board(tmp_path, [BIG], "switch", "--name", "Close")
    assert close["geometry"] == [400, 200, 1300, 760]
    assert close["symbol"] == "00700.HK"
    assert [w["symbol"] for w in close["ladders"]] == ["09988.HK"]
    assert close["docks"]["heatmapDock"]["floating"]


def test_a_workspace_made_for_two_monitors_fits_one(tmp_path: Path) -> None:
    board(
        tmp_path, [BIG, SIDE], "save", "--name", "Desk", "--at", "2200,120,1500,860",
        "--pop-out", "00700.HK",
    )  # fmt: skip
    laptop = board(tmp_path, [LAPTOP], "switch", "--name", "Desk")
    assert inside(laptop["frame"], laptop["available"])
    [ladder] = laptop["ladders"]
    assert inside(ladder["geometry"], laptop["available"])

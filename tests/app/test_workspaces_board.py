"""The real board keeps its window state: after a crash, across named workspaces, on a small
screen. Each start is a fresh process of `QuoteBoardApp` on offscreen screens of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import TIMEOUT_S

ROOT = Path(__file__).resolve().parents[2]
BIG = {"name": "big", "x": 0, "y": 0, "width": 1920, "height": 1080}
LAPTOP = {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 720}


def board(tmp_path: Path, screen: dict[str, Any], *args: str) -> dict[str, Any]:
    config = tmp_path / f"screens-{screen['name']}.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",  # no token: the demo feed
    )
    env.pop("QUOTEBOARD_TOKEN", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.app.workspace_board_child",
            *args,
            "--data-dir",
            str(tmp_path / "data"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 20,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


def test_after_a_crash_the_board_comes_back_as_it_was(tmp_path: Path) -> None:
    before = board(tmp_path, BIG, "arrange", "--at", "40,30,1300,760", "--heatmap")
    after = board(tmp_path, BIG, "restore")
    assert after["geometry"] == [40, 30, 1300, 760]
    assert (after["list"], after["symbol"], after["docked"]) == (
        before["list"],
        "09988.HK",
        "09988.HK",
    )
    assert after["docks"] == before["docks"]
    assert after["docks"]["heatmapDock"]["visible"]


def test_two_named_workspaces_survive_a_restart_and_switch_by_shortcut(tmp_path: Path) -> None:
    board(tmp_path, BIG, "save", "--name", "Morning", "--at", "20,20,1100,640")
    board(
        tmp_path, BIG, "save", "--name", "Close", "--at", "300,150,1400,800",
        "--select", "00005.HK", "--heatmap",
    )  # fmt: skip
    morning = board(tmp_path, BIG, "switch", "--slot", "1")  # Ctrl+Alt+1
    assert morning["named"] == ["Morning", "Close"]
    assert morning["geometry"] == [20, 20, 1100, 640]
    assert morning["symbol"] == "09988.HK"
    assert not morning["docks"]["heatmapDock"]["visible"]
    close = board(tmp_path, BIG, "switch", "--slot", "2")  # Ctrl+Alt+2
    assert close["geometry"] == [300, 150, 1400, 800]
    assert close["symbol"] == "00005.HK"
    assert close["docks"]["heatmapDock"]["visible"]


def test_on_a_1280_by_720_screen_the_board_and_its_status_bar_fit(tmp_path: Path) -> None:
    first = board(tmp_path, LAPTOP, "restore")  # a first start
    assert inside(first["frame"], first["available"])
    assert first["status_bar_bottom"] < first["geometry"][3]
    board(tmp_path, BIG, "arrange", "--at", "100,100,1700,950")  # then used on a big screen
    back = board(tmp_path, LAPTOP, "restore")  # and back on the laptop
    assert inside(back["frame"], back["available"])

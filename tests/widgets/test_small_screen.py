"""A 1280×720 screen: the main window, its status bar and the Symbol…Ask columns all fit on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TIMEOUT_S

CHILD = Path(__file__).with_name("small_screen_child.py")


def run_window(tmp_path: Path, width: int, height: int, dpr: float = 1.0) -> dict[str, Any]:
    screens = tmp_path / "screens.json"
    screen = {"name": "only", "x": 0, "y": 0, "width": width, "height": height, "dpr": dpr}
    screens.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}")
    done = subprocess.run(
        [sys.executable, str(CHILD), "--db", str(tmp_path / "quoteboard.db")],
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


def right_edge(rect: list[int]) -> int:
    return rect[0] + rect[2]


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768), (1920, 1080)])
def test_the_window_and_its_status_bar_are_on_screen(
    tmp_path: Path, width: int, height: int
) -> None:
    report = run_window(tmp_path, width, height)
    assert inside(report["frame"], report["available"])
    assert report["status_visible"]
    assert inside(report["status_bar"], report["available"])
    assert inside(report["status_bar"], report["frame"])


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_symbol_to_ask_show_without_scrolling_beside_the_depth_dock(
    tmp_path: Path, width: int, height: int
) -> None:
    report = run_window(tmp_path, width, height)
    columns, viewport = report["columns"], report["viewport"]
    assert report["hscroll"] == 0
    assert report["dock_visible"]
    for name in ("SYMBOL", "NAME", "LAST", "CHANGE", "CHANGE_PCT", "TREND", "BID", "ASK"):
        assert columns[name][0] >= viewport[0], name
        assert right_edge(columns[name]) <= right_edge(viewport), name
    assert right_edge(viewport) <= report["dock"][0]  # the dock does not cover the table
    assert columns["NAME"][2] >= 150  # names stay readable, however many columns follow
    assert inside(report["dock"], report["available"])


def test_on_a_hidpi_screen_the_window_fits_its_logical_size(tmp_path: Path) -> None:
    # A 2560×1440 panel at 200 %: 1280×720 logical pixels, the same layout as a small screen.
    report = run_window(tmp_path, 1280, 720, dpr=2.0)
    assert report["dpr"] == 2.0
    assert inside(report["frame"], report["available"])
    assert inside(report["status_bar"], report["available"])
    assert right_edge(report["columns"]["ASK"]) <= right_edge(report["viewport"])

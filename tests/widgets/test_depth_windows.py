"""DepthWindowManager: dock follows the watchlist, pop-outs, link groups, budget notes, layouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import DepthLevel, DepthSnapshot
from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import Rect, WindowLayout
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)
CHILD = Path(__file__).with_name("depth_screens_child.py")


class Desk:
    """A main window with the ladder manager wired the way app.py wires it (minus the feed)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(["00700.HK", "09988.HK", "AAPL.US"])
        self.bridge = StreamBridge(self.book, self.model, frames=lambda: 0)
        self.main = QMainWindow()
        self.main.resize(900, 600)
        self.manager = DepthWindowManager(self.book, self.bridge, main_window=self.main)
        self.main.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.manager.dock())
        self.main.show()
        qtbot.addWidget(self.main)
        qtbot.waitExposed(self.main)
        self.symbols: list[list[str]] = []
        self.manager.ladderSymbolsChanged.connect(self.symbols.append)

    def push_book(self, symbol: str, bid: str) -> None:
        price = Decimal(bid)
        snapshot = DepthSnapshot(
            symbol, (DepthLevel(price, 100),), (DepthLevel(price + Decimal("0.2"), 300),), 1
        )
        self.book.apply_depth(snapshot, 0.0)

    def close(self) -> None:
        self.manager.shutdown()
        for window in self.manager.windows():
            window.deleteLater()


@pytest.fixture
def desk(qtbot: QtBot) -> Desk:
    desk = Desk(qtbot)
    yield desk
    desk.close()


def test_the_dock_follows_the_watchlist_and_counts_as_an_open_ladder(desk: Desk) -> None:
    desk.manager.follow_selection("00700.HK")
    assert desk.manager.dock().symbol() == "00700.HK"
    desk.manager.follow_selection("09988.HK")
    assert desk.symbols == [["00700.HK"], ["09988.HK"]]


def test_a_hidden_dock_releases_its_symbol(desk: Desk, qtbot: QtBot) -> None:
    desk.manager.follow_selection("00700.HK")
    desk.manager.dock().close()
    qtbot.waitUntil(lambda: desk.symbols[-1] == [], timeout=WAIT_MS)
    assert desk.manager.ladder_symbols() == []


def test_pop_outs_add_their_symbols_and_closing_one_removes_it(desk: Desk, qtbot: QtBot) -> None:
    desk.manager.follow_selection("00700.HK")
    first = desk.manager.pop_out("00700.HK")
    second = desk.manager.pop_out("AAPL.US")
    assert first.isVisible() and second.isVisible() and first is not second
    assert desk.manager.ladder_symbols() == ["00700.HK", "AAPL.US"]
    second.close()
    assert desk.manager.ladder_symbols() == ["00700.HK"]
    assert desk.manager.windows() == [first]


def test_pop_outs_are_refreshed_by_the_flush_timer(desk: Desk) -> None:
    window = desk.manager.pop_out("00700.HK")
    desk.book.track("00700.HK")
    desk.push_book("00700.HK", "480.0")
    desk.bridge.flush()
    assert window.ladder().header_texts()["spread"] == "0.2 · 1 tick"


def test_linked_windows_follow_their_group_and_pinned_ones_stay(desk: Desk) -> None:
    linked = desk.manager.pop_out("00700.HK", link_group_key="blue")
    pinned = desk.manager.pop_out("00700.HK")
    other_group = desk.manager.pop_out("00700.HK", link_group_key="yellow")
    desk.manager.follow_selection("09988.HK")  # the watchlist publishes to blue
    assert linked.symbol() == "09988.HK"
    assert pinned.symbol() == "00700.HK"
    assert other_group.symbol() == "00700.HK"
    desk.manager.set_watchlist_group("yellow")
    assert other_group.symbol() == "09988.HK"


def test_a_symbol_typed_in_a_linked_window_moves_its_whole_group(desk: Desk) -> None:
    a = desk.manager.pop_out("00700.HK", link_group_key="purple")
    b = desk.manager.pop_out("00700.HK", link_group_key="purple")
    a.set_symbol("AAPL.US")
    a.symbolTyped.emit("AAPL.US")
    assert b.symbol() == "AAPL.US"


def test_joining_a_group_takes_the_groups_symbol(desk: Desk) -> None:
    desk.manager.follow_selection("09988.HK")
    window = desk.manager.pop_out("00700.HK")
    window.set_link_group("blue")
    assert window.symbol() == "09988.HK"


def test_a_ladder_over_the_plans_limit_says_so(desk: Desk) -> None:
    window = desk.manager.pop_out("00700.HK")
    desk.manager.follow_selection("00700.HK")
    desk.manager.set_depth_notes({"00700.HK": "Depth not streaming: plan limit"})
    assert window.ladder().header_texts()["note"] == "Depth not streaming: plan limit"
    assert desk.manager.dock().ladder().header_texts()["note"].startswith("Depth not streaming")
    window.set_symbol("AAPL.US")  # a symbol within the limit: no note
    assert window.ladder().header_texts()["note"] == "Waiting for the order book…"
    desk.manager.set_depth_notes({})
    assert desk.manager.dock().ladder().header_texts()["note"] == "Waiting for the order book…"


def test_changes_are_announced_for_saving_once_things_settle(desk: Desk, qtbot: QtBot) -> None:
    with qtbot.waitSignal(desk.manager.layoutChanged, timeout=WAIT_MS):
        window = desk.manager.pop_out("00700.HK")
        window.move(window.x() + 10, window.y() + 10)
        window.move(window.x() + 10, window.y() + 10)


def test_layouts_round_trip_symbol_geometry_group_and_on_top(desk: Desk, qtbot: QtBot) -> None:
    window = desk.manager.pop_out("00700.HK", link_group_key="yellow")
    window.setGeometry(QRect(120, 90, 500, 560))
    window.set_always_on_top(True)
    saved = desk.manager.layouts()
    assert [(s.symbol, s.link_group, s.on_top) for s in saved] == [("00700.HK", "yellow", True)]
    assert saved[0].geometry == Rect(120, 90, 500, 560)
    assert saved[0].screen == window.screen().name()
    window.close()
    restored = desk.manager.restore(saved)
    assert len(restored) == 1
    again = restored[0]
    assert again.symbol() == "00700.HK" and again.link_group() == "yellow"
    assert again.is_always_on_top() and again.isVisible()
    assert again.geometry() == QRect(120, 90, 500, 560)


def test_other_kinds_of_saved_windows_are_left_alone(desk: Desk) -> None:
    chart = WindowLayout("chart", "AAPL.US", Rect(0, 0, 800, 500))
    assert desk.manager.restore([chart]) == []
    assert DEPTH_KIND == "depth"


# -- several monitors, headless: each start of the window stack is a fresh process ------------

TWO_SCREENS = {
    "screens": [
        {"name": "left", "x": 0, "y": 0, "width": 1920, "height": 1080},
        # Mixed DPI: dpr alone (never with logicalDpi 144, which would scale twice).
        {"name": "right", "x": 1920, "y": 0, "width": 2560, "height": 1440, "dpr": 1.5},
    ]
}
ONE_SCREEN = {"screens": [TWO_SCREENS["screens"][0]]}


def run_stack(tmp_path: Path, config: dict[str, object], *args: str) -> dict[str, Any]:
    screens = tmp_path / f"screens-{len(config['screens'])}.json"  # type: ignore[arg-type]
    screens.write_text(json.dumps(config), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}")
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


def inside(frame: list[int], area: list[int]) -> bool:
    x, y, w, h = frame
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


def test_a_pop_out_on_the_second_screen_comes_back_there_after_a_restart(
    tmp_path: Path,
) -> None:
    opened = run_stack(
        tmp_path, TWO_SCREENS, "open", "--screen", "right", "--at", "300,200,540,620"
    )
    assert [w["screen"] for w in opened["windows"]] == ["right"]
    assert opened["windows"][0]["geometry"] == [1920 + 300, 200, 540, 620]

    restored = run_stack(tmp_path, TWO_SCREENS, "restore")
    [window] = restored["windows"]
    assert window["screen"] == "right"
    assert window["geometry"] == [1920 + 300, 200, 540, 620]
    assert (window["symbol"], window["on_top"], window["link_group"]) == (
        "00700.HK",
        True,
        "yellow",
    )


def test_with_the_second_screen_unplugged_it_comes_back_fully_inside_the_first(
    tmp_path: Path,
) -> None:
    # Near the far corner of the big right screen: nowhere near fitting the left one as it is.
    run_stack(tmp_path, TWO_SCREENS, "open", "--screen", "right", "--at", "2000,800,540,620")
    restored = run_stack(tmp_path, ONE_SCREEN, "restore")
    [window] = restored["windows"]
    assert window["screen"] == "left"
    assert inside(window["frame"], restored["screens"]["left"]["available"])
    assert window["geometry"][2:] == [540, 620]  # same logical size on the 1.0-dpr screen

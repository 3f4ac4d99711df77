"""Workspace states: JSON round trip, damaged input dropped, the nearest monitor arrangement."""

from __future__ import annotations

from desktop.domain.window_placement import Rect, ScreenArea, WindowLayout
from desktop.domain.workspace import WorkspaceCodec, WorkspaceState, monitors_key, nearest_fit

BIG = ScreenArea("big", Rect(0, 0, 1920, 1080), Rect(0, 0, 1920, 1040))
SIDE = ScreenArea("side", Rect(1920, 0, 2560, 1440), Rect(1920, 0, 2560, 1440), 1.5)
LAPTOP = ScreenArea("eDP-1", Rect(0, 0, 1280, 720), Rect(0, 0, 1280, 690))


def state(x: int = 10, monitors: tuple[ScreenArea, ...] = (BIG,)) -> WorkspaceState:
    return WorkspaceState(
        main=WindowLayout("main", "", Rect(x, 20, 1200, 700), "big", BIG.geometry),
        maximized=True,
        docks="AAAA/w==",
        splitters={"watchlistSplitter": "AAAA"},
        list_id=3,
        symbol="00700.HK",
        windows=(
            WindowLayout(
                "depth",
                "AAPL.US",
                Rect(1950, 40, 540, 600),
                "side",
                SIDE.geometry,
                1.5,
                True,
                "yellow",
            ),
            WindowLayout("chart", "MSFT.US", Rect(100, 100, 800, 500), extra={"mode": "line"}),
        ),  # fmt: skip
        monitors=monitors,
    )


def test_a_state_survives_the_json_round_trip_whole() -> None:
    original = state(monitors=(BIG, SIDE))
    assert WorkspaceCodec.decode(WorkspaceCodec.encode(original)) == original


def test_text_that_is_not_a_workspace_decodes_to_none() -> None:
    for text in ("", "{", "[]", '{"main": 3}', '{"main": {"kind": "main", "symbol": ""}}'):
        assert WorkspaceCodec.decode(text) is None


def test_damaged_parts_are_dropped_and_the_rest_kept() -> None:
    data = WorkspaceCodec.to_dict(state())
    data["windows"].append({"kind": "depth", "symbol": "X", "geometry": [0, 0, -5, 10]})
    data["monitors"].append({"name": "", "geometry": [0, 0, 1, 1]})
    data["splitters"]["bad"] = 7
    data["list_id"] = True
    decoded = WorkspaceCodec.from_dict(data)
    assert decoded is not None
    assert len(decoded.windows) == 2 and decoded.monitors == (BIG,)
    assert decoded.splitters == {"watchlistSplitter": "AAAA"}
    assert decoded.list_id is None


def test_the_layout_saved_for_todays_monitors_is_chosen() -> None:
    desk, laptop = state(1, (BIG, SIDE)), state(2, (LAPTOP,))
    assert nearest_fit([laptop, desk], [BIG, SIDE]) is desk
    assert nearest_fit([desk, laptop], [LAPTOP]) is laptop


def test_for_new_monitors_the_most_similar_arrangement_wins_then_the_newest() -> None:
    desk, big_alone = state(1, (BIG, SIDE)), state(2, (BIG,))
    renamed_big = ScreenArea("HDMI-2", BIG.geometry, BIG.available)
    assert nearest_fit([desk, big_alone], [renamed_big]) is big_alone  # same size, one screen
    assert nearest_fit([state(3, (LAPTOP,)), state(4, (LAPTOP,))], [BIG]).main.geometry.x == 3
    assert nearest_fit([], [BIG]) is None


def test_the_monitor_key_tells_arrangements_apart() -> None:
    assert monitors_key([BIG, SIDE]) != monitors_key([SIDE, BIG])
    assert monitors_key([BIG]) == "big@0,0,1920x1080*1"

"""place_window: saved pop-outs land where they were, or fully visible on a screen that exists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.window_placement import (
    FrameMargins,
    Rect,
    ScreenArea,
    WindowLayout,
    fit_default,
    place_window,
)

LEFT = ScreenArea("left", Rect(0, 0, 1920, 1080), Rect(0, 0, 1920, 1040))
RIGHT = ScreenArea("right", Rect(1920, 0, 2560, 1440), Rect(1920, 0, 2560, 1440), dpr=1.5)
MARGINS = FrameMargins(left=4, top=30, right=4, bottom=4)


def layout(
    x: int,
    y: int,
    width: int = 540,
    height: int = 620,
    screen: str | None = "right",
    screen_geometry: Rect | None = None,
) -> WindowLayout:
    return WindowLayout(
        "depth", "00700.HK", Rect(x, y, width, height), screen, screen_geometry, dpr=1.5
    )


def frame(rect: Rect, margins: FrameMargins = MARGINS) -> Rect:
    return Rect(
        rect.x - margins.left,
        rect.y - margins.top,
        rect.width + margins.left + margins.right,
        rect.height + margins.top + margins.bottom,
    )


def test_a_window_on_a_screen_that_still_exists_comes_back_exactly_where_it_was() -> None:
    saved = layout(2400, 300, screen_geometry=RIGHT.geometry)
    placed = place_window(saved, [LEFT, RIGHT], MARGINS)
    assert placed.screen == "right"
    assert placed.geometry == saved.geometry
    assert not placed.moved


def test_with_the_second_screen_unplugged_the_window_lands_fully_inside_the_first() -> None:
    saved = layout(1920 + 2560 - 600, 1440 - 700, screen_geometry=RIGHT.geometry)
    placed = place_window(saved, [LEFT], MARGINS)
    assert placed.screen == "left"
    assert placed.moved
    assert LEFT.available.contains(frame(placed.geometry))
    assert (placed.geometry.width, placed.geometry.height) == (540, 620)


def test_a_monitor_moved_in_the_virtual_desktop_keeps_the_window_at_its_offset_on_it() -> None:
    # "right" used to sit right of "left"; now it is arranged left of it, at x = -2560.
    moved_right = ScreenArea("right", Rect(-2560, 0, 2560, 1440), Rect(-2560, 0, 2560, 1440))
    saved = layout(1920 + 100, 200, screen_geometry=RIGHT.geometry)
    placed = place_window(saved, [LEFT, moved_right], MARGINS)
    assert placed.screen == "right"
    assert (placed.geometry.x, placed.geometry.y) == (-2560 + 100, 200)


def test_a_window_bigger_than_the_remaining_screen_is_shrunk_to_fit_with_its_frame() -> None:
    small = ScreenArea("laptop", Rect(0, 0, 1280, 720), Rect(0, 0, 1280, 690))
    saved = layout(1920, 0, width=1800, height=1400, screen_geometry=RIGHT.geometry)
    placed = place_window(saved, [small], MARGINS)
    assert small.available.contains(frame(placed.geometry))
    assert placed.geometry.width == 1280 - 8
    assert placed.geometry.height == 690 - 34


def test_a_lower_resolution_on_the_same_screen_slides_the_window_back_into_view() -> None:
    shrunk = ScreenArea("left", Rect(0, 0, 1366, 768), Rect(0, 0, 1366, 728))
    saved = layout(1500, 500, screen="left", screen_geometry=LEFT.geometry)
    placed = place_window(saved, [shrunk], MARGINS)
    assert placed.screen == "left"
    assert shrunk.available.contains(frame(placed.geometry))
    assert placed.moved


def test_without_a_saved_screen_the_overlapping_screen_is_chosen() -> None:
    saved = layout(2000, 100, screen=None)
    assert place_window(saved, [LEFT, RIGHT], MARGINS).screen == "right"


def test_a_window_far_off_every_screen_goes_to_the_nearest_one() -> None:
    saved = layout(-5000, 200, screen="gone")
    placed = place_window(saved, [LEFT, RIGHT], MARGINS)
    assert placed.screen == "left"
    assert LEFT.available.contains(frame(placed.geometry))


def test_the_logical_size_is_kept_when_moving_from_a_high_dpi_screen_to_a_normal_one() -> None:
    # Qt keeps a window's logical size across screens of different scale: no rescaling here.
    saved = layout(2000, 100, width=600, height=500, screen_geometry=RIGHT.geometry)
    placed = place_window(saved, [LEFT], MARGINS)
    assert (placed.geometry.width, placed.geometry.height) == (600, 500)


def test_with_no_screens_reported_the_saved_geometry_is_returned_unchanged() -> None:
    saved = layout(10, 10)
    assert place_window(saved, []).geometry == saved.geometry


screens_strategy = st.lists(
    st.builds(
        lambda x, y, w, h, top: ScreenArea(
            f"s{x}_{y}", Rect(x, y, w, h), Rect(x, y + top, w, h - top)
        ),
        st.integers(-4000, 4000),
        st.integers(-2000, 2000),
        st.integers(800, 3840),
        st.integers(600, 2160),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda screen: screen.name,
)


@given(
    screens=screens_strategy,
    x=st.integers(-20_000, 20_000),
    y=st.integers(-20_000, 20_000),
    width=st.integers(1, 5000),
    height=st.integers(1, 5000),
    saved_screen=st.sampled_from(["s0_0", "gone", None]),
)
def test_any_saved_geometry_ends_fully_visible_on_a_screen_that_exists(
    screens: list[ScreenArea],
    x: int,
    y: int,
    width: int,
    height: int,
    saved_screen: str | None,
) -> None:
    saved = layout(x, y, width, height, screen=saved_screen)
    placed = place_window(saved, screens, MARGINS)
    target = next(s for s in screens if s.name == placed.screen)
    assert target.available.contains(frame(placed.geometry))
    assert placed.geometry.width >= min(160, target.available.width - 8)


def test_a_new_window_takes_its_preferred_size_centred_when_the_screen_has_room() -> None:
    area = Rect(0, 0, 1920, 1040)
    margins = FrameMargins(4, 30, 4, 4)
    assert fit_default(area, (1440, 860), margins) == Rect(236 + 4, 73 + 30, 1440, 860)


def test_on_a_small_screen_a_new_window_and_its_frame_fit_the_available_area() -> None:
    area = Rect(0, 25, 1280, 695)  # a 1280×720 screen under a 25 px top panel
    margins = FrameMargins(4, 30, 4, 4)
    g = fit_default(area, (1440, 860), margins)
    assert (g.width, g.height) == (1272, 661)
    outer = Rect(g.x - 4, g.y - 30, g.width + 8, g.height + 34)
    assert area.contains(outer)

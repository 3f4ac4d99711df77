"""fit_to_screens: a saved chart window always comes back where a user can see and grab it."""

from __future__ import annotations

from desktop.domain.chart_layout import ChartPlacement, ScreenArea, fit_to_screens

LEFT = ScreenArea("left", 0, 0, 1920, 1040)
RIGHT = ScreenArea("right", 1920, 0, 2560, 1400)


def at(x: int, y: int, w: int = 900, h: int = 600, screen: str | None = None) -> ChartPlacement:
    return ChartPlacement("AAPL.US", x, y, w, h, screen)


def test_a_window_on_a_present_screen_stays_where_it_was() -> None:
    assert fit_to_screens(at(2100, 100), [LEFT, RIGHT]) == (2100, 100, 900, 600)


def test_a_window_from_an_unplugged_monitor_moves_onto_its_screen_by_name_or_the_first() -> None:
    assert fit_to_screens(at(2100, 100, screen="right"), [LEFT]) == (510, 220, 900, 600)
    assert fit_to_screens(at(5000, 100, screen="right"), [LEFT, RIGHT]) == (2750, 400, 900, 600)


def test_a_window_hanging_off_an_edge_slides_back_and_a_huge_one_shrinks() -> None:
    assert fit_to_screens(at(1800, 900), [LEFT]) == (1020, 440, 900, 600)
    assert fit_to_screens(at(0, 0, 5000, 3000), [LEFT]) == (0, 0, 1920, 1040)


def test_a_title_bar_above_the_screen_is_not_reachable() -> None:
    assert fit_to_screens(at(100, -590), [LEFT]) == (510, 220, 900, 600)


def test_with_no_screens_known_the_saved_rectangle_is_used() -> None:
    assert fit_to_screens(at(-50, -50), []) == (-50, -50, 900, 600)

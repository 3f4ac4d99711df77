"""Squarified treemap: areas follow weights, tiles never overlap, together they fill the rectangle."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.treemap import Rect, squarify

EPS = 1e-6

weights_st = st.lists(
    st.floats(min_value=0.01, max_value=1e9, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=60,
)
rect_st = st.builds(
    Rect,
    st.floats(min_value=-500, max_value=500),
    st.floats(min_value=-500, max_value=500),
    st.floats(min_value=1, max_value=3000),
    st.floats(min_value=1, max_value=3000),
)


def overlap(a: Rect, b: Rect) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(0.0, w) * max(0.0, h)


@settings(max_examples=300, deadline=None)
@given(weights_st, rect_st)
def test_each_tile_has_the_area_its_weight_asks_for_within_one_percent(
    weights: list[float], rect: Rect
) -> None:
    tiles = squarify(weights, rect)
    total = sum(weights)
    for weight, tile in zip(weights, tiles, strict=True):
        expected = rect.area * weight / total
        assert tile.area == pytest.approx(expected, rel=0.01, abs=rect.area * 1e-9)


@settings(max_examples=300, deadline=None)
@given(weights_st, rect_st)
def test_tiles_never_overlap_and_stay_inside_the_rectangle(
    weights: list[float], rect: Rect
) -> None:
    tiles = squarify(weights, rect)
    tol = EPS * max(rect.w, rect.h)
    for tile in tiles:
        assert tile.w >= 0 and tile.h >= 0
        assert tile.x >= rect.x - tol and tile.y >= rect.y - tol
        assert tile.x + tile.w <= rect.x + rect.w + tol
        assert tile.y + tile.h <= rect.y + rect.h + tol
    for a, b in itertools.combinations(tiles, 2):
        assert overlap(a, b) <= rect.area * 1e-9


@settings(max_examples=300, deadline=None)
@given(weights_st, rect_st)
def test_the_tiles_fill_the_whole_rectangle(weights: list[float], rect: Rect) -> None:
    tiles = squarify(weights, rect)
    assert sum(tile.area for tile in tiles) == pytest.approx(rect.area, rel=1e-9)


def test_equal_weights_in_a_square_make_square_tiles() -> None:
    tiles = squarify([1, 1, 1, 1], Rect(0, 0, 100, 100))
    assert sorted((t.x, t.y, t.w, t.h) for t in tiles) == [
        (0, 0, 50, 50),
        (0, 50, 50, 50),
        (50, 0, 50, 50),
        (50, 50, 50, 50),
    ]


def test_tiles_come_back_in_the_order_of_the_weights() -> None:
    tiles = squarify([1, 9, 3], Rect(0, 0, 130, 100))
    assert tiles[1].area == pytest.approx(9000)
    assert tiles[0].area == pytest.approx(1000)
    assert tiles[2].area == pytest.approx(3000)


def test_the_layout_stays_close_to_square() -> None:
    tiles = squarify([6, 6, 4, 3, 2, 2, 1], Rect(0, 0, 600, 400))  # the paper's example
    worst = max(max(t.w / t.h, t.h / t.w) for t in tiles)
    assert worst < 3.0


def test_zero_negative_and_nan_weights_get_empty_tiles() -> None:
    tiles = squarify([0, 5, -1, float("nan"), 5], Rect(10, 20, 100, 50))
    assert [t.area for t in tiles] == [0, pytest.approx(2500), 0, 0, pytest.approx(2500)]
    assert squarify([], Rect(0, 0, 10, 10)) == []
    assert squarify([1, 2], Rect(0, 0, 0, 10))[1].area == 0


def test_a_point_is_inside_a_tile_by_its_left_and_top_edges() -> None:
    tile = Rect(0, 0, 10, 5)
    assert tile.contains(0, 0) and tile.contains(9.9, 4.9)
    assert not tile.contains(10, 2) and not tile.contains(2, 5)

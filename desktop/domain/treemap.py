"""Squarified treemap layout (Bruls, Huizing, van Wijk 2000): tiles as close to square as it gets.

Pure geometry for the heatmap: weights in, one rectangle per weight out (same order), areas
proportional to the weights, no overlaps, and together they fill the given rectangle exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["Rect", "squarify"]


class Rect(NamedTuple):
    """An axis-aligned rectangle: top-left corner, width, height (floats, y grows downwards)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def area(self) -> float:
        """Width times height."""
        return self.w * self.h

    def contains(self, px: float, py: float) -> bool:
        """Whether a point lies inside (left/top edges included, right/bottom excluded)."""
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h


def _worst(row: Sequence[float], side: float) -> float:
    """The worst aspect ratio of `row` (areas) laid along a side of length `side`."""
    total = sum(row)
    if total <= 0 or side <= 0:
        return float("inf")
    biggest, smallest = max(row), min(row)
    side2, total2 = side * side, total * total
    return max(side2 * biggest / total2, total2 / (side2 * smallest))


def _place(row: list[float], rect: Rect) -> tuple[list[Rect], Rect]:
    """Lay `row` (areas) along the shorter side of `rect`; return the tiles and the rest."""
    total = sum(row)
    if rect.w >= rect.h:  # a column on the left
        width = total / rect.h if rect.h > 0 else 0.0
        tiles, y = [], rect.y
        for i, area in enumerate(row):
            height = area / width if width > 0 else 0.0
            if i == len(row) - 1:
                height = rect.y + rect.h - y  # absorb rounding: the column ends on the edge
            tiles.append(Rect(rect.x, y, width, height))
            y += height
        return tiles, Rect(rect.x + width, rect.y, max(0.0, rect.w - width), rect.h)
    height = total / rect.w if rect.w > 0 else 0.0  # a row along the top
    tiles, x = [], rect.x
    for i, area in enumerate(row):
        width = area / height if height > 0 else 0.0
        if i == len(row) - 1:
            width = rect.x + rect.w - x
        tiles.append(Rect(x, rect.y, width, height))
        x += width
    return tiles, Rect(rect.x, rect.y + height, rect.w, max(0.0, rect.h - height))


def squarify(weights: Sequence[float], rect: Rect) -> list[Rect]:
    """One tile per weight, in the order given; a weight ≤ 0 (or not finite) gets an empty tile.

    Tiles are laid out largest first, each row growing while that improves its worst aspect
    ratio. The last row takes whatever room is left, so floating-point error never leaves a gap.
    """
    empty = Rect(rect.x, rect.y, 0.0, 0.0)
    out = [empty] * len(weights)
    live = [(w, i) for i, w in enumerate(weights) if w > 0 and w != float("inf")]
    if not live or rect.w <= 0 or rect.h <= 0:
        return out
    live.sort(key=lambda pair: -pair[0])
    scale = rect.w * rect.h / sum(w for w, _ in live)
    areas = [w * scale for w, _ in live]
    order = [i for _, i in live]
    placed: list[Rect] = []
    remaining = rect
    start = 0
    while start < len(areas):
        side = min(remaining.w, remaining.h)
        end = start + 1
        while end < len(areas) and _worst(areas[start : end + 1], side) <= _worst(
            areas[start:end], side
        ):
            end += 1
        if end == len(areas):
            remaining = _fill_last(areas[start:end], remaining, placed)
            break
        tiles, remaining = _place(areas[start:end], remaining)
        placed.extend(tiles)
        start = end
    for tile, index in zip(placed, order, strict=True):
        out[index] = tile
    return out


def _fill_last(row: list[float], rect: Rect, placed: list[Rect]) -> Rect:
    """Lay the final row so that it covers the rest of `rect` exactly (no sliver left by rounding)."""
    total = sum(row)
    along_height = rect.w >= rect.h
    x, y = rect.x, rect.y
    for i, area in enumerate(row):
        share = area / total if total > 0 else 1.0 / len(row)
        last = i == len(row) - 1
        if along_height:
            height = (rect.y + rect.h - y) if last else rect.h * share
            placed.append(Rect(rect.x, y, rect.w, height))
            y += height
        else:
            width = (rect.x + rect.w - x) if last else rect.w * share
            placed.append(Rect(x, rect.y, width, rect.h))
            x += width
    return Rect(rect.x + rect.w, rect.y, 0.0, rect.h)

"""Where a chart window was and how it looked, and how to put it back on the screens there are now.

Pure: the widget reads and applies geometry, the database stores `ChartPlacement` rows, and
`fit_to_screens` makes sure a window saved on an unplugged monitor comes back somewhere visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ChartMode", "ChartPlacement", "ScreenArea", "fit_to_screens"]

_MIN_VISIBLE = 48
"""Pixels of a window's top strip that must be on a screen for it to count as reachable."""


class ChartMode(StrEnum):
    """How price is drawn."""

    CANDLES = "candles"
    LINE = "line"


@dataclass(frozen=True, slots=True)
class ScreenArea:
    """A screen's name and its available geometry (without task bars) in virtual-desktop pixels."""

    name: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ChartPlacement:
    """One open chart window: symbol, frame geometry, screen, and its view settings."""

    symbol: str
    x: int
    y: int
    width: int
    height: int
    screen: str | None = None
    mode: ChartMode = ChartMode.CANDLES
    follow: bool = True


def _overlap(ax: int, aw: int, bx: int, bw: int) -> int:
    return max(0, min(ax + aw, bx + bw) - max(ax, bx))


def fit_to_screens(
    placement: ChartPlacement, screens: Sequence[ScreenArea]
) -> tuple[int, int, int, int]:
    """A rectangle (x, y, w, h) for `placement` that a user can see and grab.

    Kept as saved when its title strip is on a screen; otherwise moved onto the screen it was
    saved on (by name) or the first screen. It is shrunk to fit the screen it ends up on.
    """
    x, y, w, h = placement.x, placement.y, max(1, placement.width), max(1, placement.height)
    if not screens:
        return x, y, w, h
    strip = min(h, _MIN_VISIBLE)
    for screen in screens:
        wide = _overlap(x, w, screen.x, screen.width) >= min(w, _MIN_VISIBLE)
        high = _overlap(y, strip, screen.y, screen.height) >= strip
        if wide and high:
            return _inside(x, y, w, h, screen)
    target = next((s for s in screens if s.name == placement.screen), screens[0])
    return _inside(
        target.x + (target.width - w) // 2, target.y + (target.height - h) // 2, w, h, target
    )


def _inside(x: int, y: int, w: int, h: int, screen: ScreenArea) -> tuple[int, int, int, int]:
    """Shrink to the screen, then slide fully onto it."""
    w, h = min(w, screen.width), min(h, screen.height)
    x = min(max(x, screen.x), screen.x + screen.width - w)
    y = min(max(y, screen.y), screen.y + screen.height - h)
    return x, y, w, h

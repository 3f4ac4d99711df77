"""Saved window layouts and where to put them back when the screens have changed since.

Pure geometry in logical (device-independent) pixels, the coordinates Qt uses for window
geometry on every screen: no Qt here, so the rules are unit-tested without a display.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "FrameMargins",
    "Placement",
    "Rect",
    "ScreenArea",
    "WindowLayout",
    "fit_default",
    "place_window",
]


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle: top-left corner and size, in logical pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """One past the last column (x + width)."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """One past the last row (y + height)."""
        return self.y + self.height

    def area(self) -> int:
        """Width times height (0 for an empty rectangle)."""
        return max(0, self.width) * max(0, self.height)

    def intersection_area(self, other: Rect) -> int:
        """How many pixels two rectangles share."""
        width = min(self.right, other.right) - max(self.x, other.x)
        height = min(self.bottom, other.bottom) - max(self.y, other.y)
        return width * height if width > 0 and height > 0 else 0

    def contains(self, other: Rect) -> bool:
        """True when `other` lies fully inside this rectangle."""
        return (
            other.x >= self.x
            and other.y >= self.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def distance_to(self, x: float, y: float) -> float:
        """Euclidean distance from a point to the nearest point of this rectangle (0 inside)."""
        dx = max(self.x - x, 0.0, x - self.right)
        dy = max(self.y - y, 0.0, y - self.bottom)
        return float((dx * dx + dy * dy) ** 0.5)


@dataclass(frozen=True, slots=True)
class ScreenArea:
    """One screen as the platform reports it now: name, full and available geometry, scale."""

    name: str
    geometry: Rect
    available: Rect
    """The geometry minus task bars and docks: where a window may go."""
    dpr: float = 1.0


@dataclass(frozen=True, slots=True)
class FrameMargins:
    """Window-manager decoration around a window's client area (title bar on top)."""

    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0


@dataclass(frozen=True, slots=True)
class WindowLayout:
    """A top-level window as saved in the `windows` table: what it shows and where it was.

    `geometry` is the client area in logical pixels; `screen_geometry` is the geometry of the
    screen it was on at the time (so a rearranged monitor keeps the window's offset on it).
    `link_group` None means pinned to `symbol`.
    """

    kind: str
    symbol: str
    geometry: Rect
    screen: str | None = None
    screen_geometry: Rect | None = None
    dpr: float = 1.0
    on_top: bool = False
    link_group: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def pinned(self) -> bool:
        """True when the window keeps its symbol instead of following a link group."""
        return self.link_group is None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a saved window goes now: its client geometry and the screen it lands on."""

    geometry: Rect
    screen: str
    moved: bool
    """True when the saved geometry could not be used as it was."""


def _target_screen(layout: WindowLayout, screens: list[ScreenArea]) -> tuple[ScreenArea, bool]:
    """The saved screen when it still exists, else the one the window overlaps or is nearest to."""
    for screen in screens:
        if layout.screen is not None and screen.name == layout.screen:
            return screen, True
    rect = layout.geometry
    overlapping = max(screens, key=lambda s: s.available.intersection_area(rect))
    if overlapping.available.intersection_area(rect) > 0:
        return overlapping, False
    cx, cy = rect.x + rect.width / 2, rect.y + rect.height / 2
    return min(screens, key=lambda s: s.available.distance_to(cx, cy)), False


def _clamp(start: int, length: int, low: int, high: int) -> int:
    """Move a segment of `length` starting at `start` inside [low, high) (to `low` if too long)."""
    return max(low, min(start, high - length))


def place_window(
    layout: WindowLayout,
    screens: list[ScreenArea],
    margins: FrameMargins = FrameMargins(),
    min_size: tuple[int, int] = (160, 120),
) -> Placement:
    """Put a saved window back on its screen, or the nearest one, fully visible with its frame.

    Same screen name: keep the offset from the screen's corner (the monitor may have moved in the
    virtual desktop). Screen gone: keep the offset from the saved screen's corner on the chosen
    screen. Then shrink to the available area (never below `min_size` unless the screen is
    smaller) and slide until the frame is inside it. All in the target screen's logical pixels:
    Qt keeps a window's logical size across screens of different scale, so no rescaling here.
    """
    if not screens:
        return Placement(layout.geometry, layout.screen or "", False)
    screen, same = _target_screen(layout, screens)
    saved = layout.geometry
    x, y = saved.x, saved.y
    origin = layout.screen_geometry
    if origin is not None and (same or not screen.available.contains(saved)):
        x = screen.geometry.x + (saved.x - origin.x)
        y = screen.geometry.y + (saved.y - origin.y)
    area = screen.available
    room_w = area.width - margins.left - margins.right
    room_h = area.height - margins.top - margins.bottom
    width = max(1, min(min_size[0], room_w), min(saved.width, room_w))
    height = max(1, min(min_size[1], room_h), min(saved.height, room_h))
    x = _clamp(x - margins.left, width + margins.left + margins.right, area.x, area.right)
    y = _clamp(y - margins.top, height + margins.top + margins.bottom, area.y, area.bottom)
    geometry = Rect(x + margins.left, y + margins.top, width, height)
    return Placement(geometry, screen.name, geometry != saved or not same)


def fit_default(
    area: Rect, preferred: tuple[int, int], margins: FrameMargins = FrameMargins()
) -> Rect:
    """A new window's client rectangle: `preferred` size or smaller, frame included, centred.

    The frame (title bar and borders) must fit in `area` too, so a 1280×720 screen gets a window
    whose status bar is on screen, not one that hangs below the task bar.
    """
    room_w = max(1, area.width - margins.left - margins.right)
    room_h = max(1, area.height - margins.top - margins.bottom)
    width, height = min(preferred[0], room_w), min(preferred[1], room_h)
    outer_w = width + margins.left + margins.right
    outer_h = height + margins.top + margins.bottom
    x = area.x + (area.width - outer_w) // 2 + margins.left
    y = area.y + (area.height - outer_h) // 2 + margins.top
    return Rect(x, y, width, height)

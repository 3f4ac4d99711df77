"""A workspace: the whole window state of a board, the monitors it was made for, and its codec.

The main window's geometry and maximised state, Qt's opaque dock state and splitter states (as
base64 text), the list and row selected, and the pop-outs and charts (`WindowLayout`s). The
JSON codec never raises on what a file or an older version left behind: bad parts are dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from desktop.domain.window_placement import Rect, ScreenArea, WindowLayout

__all__ = [
    "MAX_NAMED",
    "Workspace",
    "WorkspaceCodec",
    "WorkspaceState",
    "monitors_key",
    "nearest_fit",
]

MAX_NAMED = 9
"""Named workspaces have the shortcuts Ctrl+Alt+1…9."""


@dataclass(frozen=True, slots=True)
class WorkspaceState:
    """Everything needed to put a board's windows back as they were."""

    main: WindowLayout
    """The main window's normal (not maximised) geometry and its screen."""
    maximized: bool = False
    docks: str = ""
    """`QMainWindow.saveState()` as base64: docks shown, floating, sizes, tab order."""
    splitters: dict[str, str] = field(default_factory=dict)
    """Splitter objectName → `QSplitter.saveState()` as base64."""
    list_id: int | None = None
    symbol: str | None = None
    """The list shown and its selected row."""
    windows: tuple[WindowLayout, ...] = ()
    """Pop-out ladders and charts, in opening order."""
    monitors: tuple[ScreenArea, ...] = ()
    """The screens when it was saved (primary first): what the workspace was made for."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """A named workspace the user saved; its slot in the list gives it Ctrl+Alt+(slot+1)."""

    name: str
    state: WorkspaceState


def monitors_key(monitors: tuple[ScreenArea, ...] | list[ScreenArea]) -> str:
    """A stable text key of a monitor arrangement (names, geometry, scale), primary first."""
    parts = [
        f"{m.name}@{m.geometry.x},{m.geometry.y},{m.geometry.width}x{m.geometry.height}*{m.dpr:g}"
        for m in monitors
    ]
    return "|".join(parts)


def _similarity(saved: tuple[ScreenArea, ...], now: list[ScreenArea]) -> tuple[int, int, int]:
    """How well monitors saved for a layout match today's (bigger is better)."""
    same = sum(1 for m in saved for n in now if m == n)
    sizes = sum(
        1
        for m in saved
        for n in now
        if (m.geometry.width, m.geometry.height) == (n.geometry.width, n.geometry.height)
    )
    return same, sizes, -abs(len(saved) - len(now))


def nearest_fit(candidates: list[WorkspaceState], now: list[ScreenArea]) -> WorkspaceState | None:
    """The state made for these monitors, else the one made for the most similar ones.

    Ties go to the earlier candidate, so callers list the most recently saved first.
    """
    if not candidates:
        return None
    best = candidates[0]
    score = _similarity(best.monitors, now)
    for candidate in candidates[1:]:
        candidate_score = _similarity(candidate.monitors, now)
        if candidate_score > score:
            best, score = candidate, candidate_score
    return best


def _rect(value: object) -> Rect | None:
    if not isinstance(value, list) or len(value) != 4:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        return None
    x, y, width, height = value
    return Rect(x, y, width, height) if width > 0 and height > 0 else None


def _rect_list(rect: Rect) -> list[int]:
    return [rect.x, rect.y, rect.width, rect.height]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class WorkspaceCodec:
    """Workspace states to JSON text and back; decoding drops what it cannot use."""

    @staticmethod
    def encode(state: WorkspaceState) -> str:
        """JSON text for the app database."""
        return json.dumps(WorkspaceCodec.to_dict(state), sort_keys=True)

    @staticmethod
    def decode(text: str) -> WorkspaceState | None:
        """The state in `text`, or None when it is not a usable workspace."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return WorkspaceCodec.from_dict(data)

    @staticmethod
    def to_dict(state: WorkspaceState) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "main": _window_dict(state.main),
            "maximized": state.maximized,
            "docks": state.docks,
            "splitters": dict(state.splitters),
            "list_id": state.list_id,
            "symbol": state.symbol,
            "windows": [_window_dict(w) for w in state.windows],
            "monitors": [
                {
                    "name": m.name,
                    "geometry": _rect_list(m.geometry),
                    "available": _rect_list(m.available),
                    "dpr": m.dpr,
                }
                for m in state.monitors
            ],
        }

    @staticmethod
    def from_dict(data: object) -> WorkspaceState | None:
        """A state from plain data; None when the main window's geometry is unusable."""
        if not isinstance(data, dict):
            return None
        main = _window(data.get("main"))
        if main is None:
            return None
        splitters = data.get("splitters")
        list_id = data.get("list_id")
        raw_windows = data.get("windows")
        raw_monitors = data.get("monitors")
        windows = [_window(w) for w in raw_windows] if isinstance(raw_windows, list) else []
        monitors = [_monitor(m) for m in raw_monitors] if isinstance(raw_monitors, list) else []
        return WorkspaceState(
            main=main,
            maximized=data.get("maximized") is True,
            docks=_text(data.get("docks")) or "",
            splitters={
                k: v for k, v in splitters.items() if isinstance(k, str) and _text(v) is not None
            }
            if isinstance(splitters, dict)
            else {},
            list_id=list_id if isinstance(list_id, int) and not isinstance(list_id, bool) else None,
            symbol=_text(data.get("symbol")),
            windows=tuple(w for w in windows if w is not None),
            monitors=tuple(m for m in monitors if m is not None),
        )


def _window_dict(layout: WindowLayout) -> dict[str, Any]:
    return {
        "kind": layout.kind,
        "symbol": layout.symbol,
        "geometry": _rect_list(layout.geometry),
        "screen": layout.screen,
        "screen_geometry": _rect_list(layout.screen_geometry) if layout.screen_geometry else None,
        "dpr": layout.dpr,
        "on_top": layout.on_top,
        "link_group": layout.link_group,
        "extra": dict(layout.extra),
    }


def _window(data: object) -> WindowLayout | None:
    if not isinstance(data, dict):
        return None
    geometry = _rect(data.get("geometry"))
    kind = _text(data.get("kind"))
    symbol = data.get("symbol")
    if geometry is None or kind is None or not isinstance(symbol, str):
        return None
    dpr = data.get("dpr")
    extra = data.get("extra")
    return WindowLayout(
        kind=kind,
        symbol=symbol,
        geometry=geometry,
        screen=_text(data.get("screen")),
        screen_geometry=_rect(data.get("screen_geometry")),
        dpr=float(dpr)
        if isinstance(dpr, int | float) and not isinstance(dpr, bool) and dpr > 0
        else 1.0,
        on_top=data.get("on_top") is True,
        link_group=_text(data.get("link_group")),
        extra=dict(extra) if isinstance(extra, dict) else {},
    )


def _monitor(data: object) -> ScreenArea | None:
    if not isinstance(data, dict):
        return None
    name = _text(data.get("name"))
    geometry, available = _rect(data.get("geometry")), _rect(data.get("available"))
    dpr = data.get("dpr")
    if name is None or geometry is None or available is None:
        return None
    scale = (
        float(dpr)
        if isinstance(dpr, int | float) and not isinstance(dpr, bool) and dpr > 0
        else 1.0
    )
    return ScreenArea(name, geometry, available, scale)

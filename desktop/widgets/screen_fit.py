"""Keeps a top-level window inside its screen's available area, frame and status bar included.

A new main window gets its preferred size or less (`fit_new_window`); once shown, the window
manager's real frame is measured and the window slid or shrunk until all of it is on screen
(`keep_on_screen`). The rules are `domain.window_placement`'s; this module only speaks Qt.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.domain.window_placement import (
    FrameMargins,
    Rect,
    WindowLayout,
    fit_default,
    place_window,
)
from desktop.widgets.popout_manager import screen_areas

__all__ = ["ASSUMED_MARGINS", "available_area", "fit_new_window", "frame_margins", "keep_on_screen"]

ASSUMED_MARGINS = FrameMargins(8, 36, 8, 8)
"""A typical title bar and border, used before the window manager has framed the window."""


def _rect(rect: QRect) -> Rect:
    return Rect(rect.x(), rect.y(), rect.width(), rect.height())


def available_area(window: QWidget) -> Rect | None:
    """The available geometry (minus task bars) of the window's screen, or the primary one."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return _rect(screen.availableGeometry()) if screen is not None else None


def frame_margins(window: QWidget) -> FrameMargins:
    """The decoration around `window` as the window manager drew it (assumed before it is shown)."""
    if not window.isVisible():
        return ASSUMED_MARGINS
    inner, outer = window.geometry(), window.frameGeometry()
    if inner == outer:  # not framed yet
        return ASSUMED_MARGINS
    return FrameMargins(
        max(0, inner.left() - outer.left()),
        max(0, inner.top() - outer.top()),
        max(0, outer.right() - inner.right()),
        max(0, outer.bottom() - inner.bottom()),
    )


def fit_new_window(window: QWidget, preferred: tuple[int, int]) -> None:
    """Give a new window its preferred size, or what its screen has room for, centred on it."""
    area = available_area(window)
    if area is None:
        window.resize(*preferred)
        return
    g = fit_default(area, preferred, frame_margins(window))
    window.setGeometry(QRect(g.x, g.y, g.width, g.height))


def keep_on_screen(window: QWidget) -> bool:
    """Slide (and if need be shrink) a shown window until its whole frame is on a screen.

    Maximised and full-screen windows are the window manager's to place; True when moved.
    """
    if window.isMaximized() or window.isFullScreen():
        return False
    screen = window.screen()
    layout = WindowLayout(
        "window", "", _rect(window.geometry()), screen.name() if screen is not None else None
    )
    placed = place_window(layout, screen_areas(), frame_margins(window), min_size=(640, 400))
    if placed.geometry == layout.geometry:
        return False
    g = placed.geometry
    window.setGeometry(QRect(g.x, g.y, g.width, g.height))
    return True

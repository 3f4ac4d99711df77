"""The pop-out window mechanics depth ladders and charts share.

A `PopOutManager` keeps a kind of top-level window (`DepthWindow`s, `ChartWindow`s): it tracks
them in opening order, debounces "the layout changed, save it" into `layoutChanged`, measures the
window manager's frame margins on the shown main window, and turns windows into `WindowLayout`s
and back, clamped onto the screens that exist now (`domain.window_placement`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRect, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from desktop.domain.window_placement import (
    FrameMargins,
    Rect,
    ScreenArea,
    WindowLayout,
    place_window,
)

__all__ = ["PopOutManager", "layout_of", "place", "screen_areas"]

W = TypeVar("W", bound=QWidget)

_SAVE_DELAY_MS = 750
_CASCADE = 28


def _rect(rect: QRect) -> Rect:
    return Rect(rect.x(), rect.y(), rect.width(), rect.height())


def screen_areas() -> list[ScreenArea]:
    """The screens as they are now, primary first, in logical pixels."""
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    ordered = sorted(screens, key=lambda s: s is not primary)
    return [
        ScreenArea(
            s.name(), _rect(s.geometry()), _rect(s.availableGeometry()), s.devicePixelRatio()
        )
        for s in ordered
    ]


def _screen_named(name: str) -> QScreen | None:
    return next((s for s in QGuiApplication.screens() if s.name() == name), None)


def layout_of(window: QWidget, kind: str, symbol: str, **fields: Any) -> WindowLayout:
    """`window` as a `WindowLayout`: its normal geometry, its screen's name, geometry and dpr."""
    geometry = window.normalGeometry() if window.isMaximized() else window.geometry()
    screen = window.screen()
    return WindowLayout(
        kind=kind,
        symbol=symbol,
        geometry=_rect(geometry),
        screen=screen.name() if screen else None,
        screen_geometry=_rect(screen.geometry()) if screen else None,
        dpr=screen.devicePixelRatio() if screen else 1.0,
        **fields,
    )


def place(window: QWidget, layout: WindowLayout, margins: FrameMargins | None = None) -> None:
    """Put `window` where `layout` says, or on the nearest screen that exists, frame included."""
    placed = place_window(layout, screen_areas(), margins or FrameMargins())
    screen = _screen_named(placed.screen)
    if screen is not None:
        window.setScreen(screen)
    g = placed.geometry
    window.setGeometry(QRect(g.x, g.y, g.width, g.height))


class PopOutManager(QObject, Generic[W]):
    """Keeps one kind of pop-out window and saves their layout; see the module docstring."""

    layoutChanged = Signal()
    """Pop-outs were opened, closed, moved or changed: time to save `layouts()` again."""

    def __init__(
        self, kind: str, main_window: QWidget | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent if parent is not None else main_window)
        self._kind = kind
        self._main = main_window
        self._windows: list[W] = []
        self._quiet = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.layoutChanged.emit)

    def windows(self) -> list[W]:
        """Open pop-outs, oldest first."""
        return list(self._windows)

    def frame_margins(self) -> FrameMargins:
        """The window manager's decoration, measured on the shown main window."""
        main = self._main
        if main is None or not main.isVisible():
            return FrameMargins()
        inner, outer = main.geometry(), main.frameGeometry()
        return FrameMargins(
            max(0, inner.left() - outer.left()),
            max(0, inner.top() - outer.top()),
            max(0, outer.right() - inner.right()),
            max(0, outer.bottom() - inner.bottom()),
        )

    # -- for the managers of each kind ----------------------------------------------------------
    def _track(self, window: W) -> None:
        self._windows.append(window)

    def _forget(self, window: W) -> bool:
        """Stop tracking `window`; False when it was not tracked (or closing all at quit)."""
        if window not in self._windows or self._quiet:
            return False
        self._windows.remove(window)
        return True

    def _place(self, window: W, layout: WindowLayout) -> None:
        place(window, layout, self.frame_margins())

    def _beside_main(self, symbol: str, width: int, height: int) -> QRect:
        """Beside the main window's right edge, cascading, fully on the main window's screen."""
        n = len(self._windows) - 1
        anchor = self._main.frameGeometry() if self._main is not None else QRect(80, 80, 0, 0)
        x = anchor.right() - width - 40 + _CASCADE * (n % 8)
        y = anchor.top() + 70 + _CASCADE * (n % 8)
        screen = self._main.screen() if self._main is not None else None
        layout = WindowLayout(
            self._kind, symbol, Rect(x, y, width, height), screen.name() if screen else None
        )
        g = place_window(layout, screen_areas(), self.frame_margins()).geometry
        return QRect(g.x, g.y, g.width, g.height)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Changes made inside are not layout changes (reopening what was saved, quitting)."""
        quiet = self._quiet
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = quiet

    def _close_windows(self) -> None:
        """Close every pop-out without it counting as a change (they come back next time)."""
        self._save_timer.stop()
        with self._quietly():
            for window in list(self._windows):
                window.close()

    def _schedule_save(self) -> None:
        if not self._quiet:
            self._save_timer.start()

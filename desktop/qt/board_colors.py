"""Applies the user's appearance to the colours every view paints with, live.

The up/down colours and flash brushes live in `quote_columns` and `depth_ladder_cells` as shared
`QColor`/`QBrush` objects that models hand to delegates by reference; this module is the one
place that changes them (in place, so every holder sees the new colour on its next paint) and
counts the changes in `version()`, so painters that derive pens from them know to rebuild; then
it announces the change (`theme_notifier().changed`) so open windows restyle at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.appearance import Appearance, ColorConvention, FlashMode
from desktop.qt import depth_ladder_cells as cells
from desktop.qt import quote_columns as columns
from desktop.qt.palette import ColorSet, activate, colors, theme_notifier

__all__ = ["apply_colors", "up_down", "version"]

_FLASH_ALPHAS = {FlashMode.ON: (80, 46, 20), FlashMode.SUBTLE: (34, 20, 9), FlashMode.OFF: None}
_SIZE_ALPHAS = {FlashMode.ON: (64, 34, 14), FlashMode.SUBTLE: (30, 16, 7), FlashMode.OFF: None}
_version = 0
_shown: tuple[ColorSet, ColorConvention] | None = None


def version() -> int:
    """How many times the colours changed: a painter caching pens rebuilds when it moves."""
    return _version


def up_down(convention: ColorConvention) -> tuple[str, str]:
    """The (up, down) colours of a convention: red up swaps the board's two direction colours."""
    return (
        (colors().up, colors().down)
        if convention is ColorConvention.GREEN_UP
        else (colors().down, colors().up)
    )


def _set(brush: QBrush, color: str, alpha: int = 255) -> None:
    tinted = QColor(color)
    tinted.setAlpha(alpha if alpha == 255 else round(alpha * colors().tint))  # tints by theme
    brush.setColor(tinted)
    brush.setStyle(Qt.BrushStyle.SolidPattern)


def _set_fade(brushes: tuple[QBrush, ...], color: str, alphas: tuple[int, ...] | None) -> None:
    for index, brush in enumerate(brushes):
        if alphas is None:
            brush.setStyle(Qt.BrushStyle.NoBrush)  # no flash: the fade paints nothing
        else:
            _set(brush, color, alphas[index])


def apply_colors(appearance: Appearance, color_set: ColorSet) -> None:
    """Make `color_set` the board's colours; recolour up/down text, glyphs, flashes and ladder
    sides by the convention; set the flash's length; when the theme or the convention changed,
    tell every open view to restyle."""
    global _version, _shown
    activate(color_set)
    up, down = up_down(appearance.convention)
    columns.UP_COLOR.setRgba(QColor(up).rgba())
    columns.DOWN_COLOR.setRgba(QColor(down).rgba())
    _set(columns.UP_BRUSH, up)
    _set(columns.DOWN_BRUSH, down)
    alphas = _FLASH_ALPHAS[appearance.flash]
    _set_fade(columns.FLASH_UP_BRUSHES, up, alphas)
    _set_fade(columns.FLASH_DOWN_BRUSHES, down, alphas)
    _set_fade(columns.FLASH_NOTICE_BRUSHES, colors().notice, alphas)
    columns.FLASH_STEP_S = appearance.flash_ms / 1000 / 3  # three fade steps
    _set(cells.BID_BRUSH, up)
    _set(cells.ASK_BRUSH, down)
    for brush, color, alpha in (
        (cells.BID_BAR_BRUSH, up, 64),
        (cells.ASK_BAR_BRUSH, down, 64),
        (cells.BID_TINT, up, 10),
        (cells.ASK_TINT, down, 10),
        (cells.BEST_BID_TINT, up, 30),
        (cells.BEST_ASK_TINT, down, 30),
    ):
        _set(brush, color, alpha)
    _set_fade(cells.SIZE_FLASH_BRUSHES, colors().text, _SIZE_ALPHAS[appearance.flash])
    _version += 1
    if _shown != (color_set, appearance.convention):  # a flash setting alone restyles nothing
        _shown = (color_set, appearance.convention)
        theme_notifier().changed.emit()

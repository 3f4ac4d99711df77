"""How the ladder looks: its columns, the record a cell is painted from, and the cached brushes.

Kept apart from `depth_model` so the model holds only bookkeeping and the delegate only painting.
Bid and ask use the watchlist's colour-blind-friendlier pair (teal for bids, orange for asks,
`quote_columns.UP_COLOR` / `DOWN_COLOR`); the side is also told by position, never by colour only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop.qt.palette import colors, live_brush, with_alpha
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR

__all__ = [
    "ASK_BAR_BRUSH",
    "ASK_BRUSH",
    "ASK_TINT",
    "BEST_ASK_TINT",
    "BEST_BID_TINT",
    "BID_BAR_BRUSH",
    "BID_BRUSH",
    "BID_TINT",
    "LADDER_CELL_ROLE",
    "LAST_MARKER",
    "MUTED_BRUSH",
    "NOTE_BRUSH",
    "SIZE_FLASH_BRUSHES",
    "SIZE_FLASH_STEP_S",
    "TEXT_BRUSH",
    "LadderCell",
    "LadderColumn",
    "RowKind",
    "size_flash_step",
]

LADDER_CELL_ROLE = int(Qt.ItemDataRole.UserRole) + 11
"""Returns the cell's `LadderCell`: everything the ladder delegate paints, in one `data()` call."""

LAST_MARKER = "◆"
"""Drawn beside the price the last trade printed at (a shape, so not a colour-only cue)."""


class LadderColumn(IntEnum):
    """Columns, mirrored around the price: bids on the left, asks on the right."""

    BID_ORDERS = 0
    BID_CUM = 1
    BID_SIZE = 2
    PRICE = 3
    ASK_SIZE = 4
    ASK_CUM = 5
    ASK_ORDERS = 6


class RowKind(IntEnum):
    """What a row shows: an ask level, the inside ribbon between the sides, or a bid level."""

    ASK = 0
    INSIDE = 1
    BID = 2


def _alpha(color: QColor, alpha: int) -> QBrush:
    tinted = QColor(color)
    tinted.setAlpha(alpha)
    return QBrush(tinted)


BID_BRUSH = QBrush(UP_COLOR)
ASK_BRUSH = QBrush(DOWN_COLOR)
TEXT_BRUSH = live_brush(lambda c: c.text)
MUTED_BRUSH = live_brush(lambda c: c.dim)
NOTE_BRUSH = live_brush(lambda c: c.note)
"""Amber for states worth a look (one-sided book, plan limit): not a bid/ask colour."""
BID_BAR_BRUSH = _alpha(UP_COLOR, 64)
ASK_BAR_BRUSH = _alpha(DOWN_COLOR, 64)
BID_TINT = _alpha(UP_COLOR, 10)
ASK_TINT = _alpha(DOWN_COLOR, 10)
BEST_BID_TINT = _alpha(UP_COLOR, 30)
BEST_ASK_TINT = _alpha(DOWN_COLOR, 30)
SIZE_FLASH_BRUSHES = tuple(QBrush(with_alpha(colors().text, a)) for a in (64, 34, 14))
"""A size change fades in three steps (`size_flash_step`); neutral, not a side colour."""
SIZE_FLASH_STEP_S = 0.12
"""Shorter than the watchlist's price flash: a busy HK book changes most sizes every second."""


def size_flash_step(age: float) -> int:
    """Fade step of a size flash `age` seconds old: 0, 1, 2, or -1 once it has expired."""
    step = int(age / SIZE_FLASH_STEP_S) if age >= 0 else 0
    return step if step < len(SIZE_FLASH_BRUSHES) else -1


@dataclass(slots=True, eq=False)
class LadderCell:
    """One preformatted ladder cell; read-only by convention, rebuilt when its level changes."""

    text: str
    kind: RowKind
    fg: QBrush | None = None
    """Text brush; None means `TEXT_BRUSH`."""
    sub: str = ""
    """Muted second part drawn right of `text` (board lots in HK: "· 30")."""
    tint: QBrush | None = None
    """Row background by side (stronger on the best level)."""
    flash: QBrush | None = None
    bar: float = 0.0
    """Size bar length as a fraction of the cell width (0 draws none)."""
    bar_brush: QBrush | None = None
    bar_from_right: bool = False
    """Bid bars grow from the price column leftwards, ask bars rightwards."""
    strong: bool = False
    """Bold text: the best bid and best ask."""
    marker: str = ""
    """`LAST_MARKER` on the price the last trade printed at."""
    tooltip: str = ""

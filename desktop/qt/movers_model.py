"""Top movers: change %, turnover, or the move since the user last looked."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush

from desktop.domain.formatting import format_change_pct, format_price, format_volume, market_of
from desktop.domain.top_movers import Mover
from desktop.qt.quote_columns import DOWN_BRUSH, UP_BRUSH
from desktop.qt.ranked_rows_model import RankedColumn, RankedRowsModel

__all__ = ["MOVER_COLUMNS", "MoversModel"]


def _signed_fg(value: float | None) -> QBrush | None:
    if value is None or abs(value) < 0.005:
        return None
    return UP_BRUSH if value > 0 else DOWN_BRUSH


MOVER_COLUMNS: tuple[RankedColumn[Mover], ...] = (
    RankedColumn(
        "Symbol", "Streamed symbol", False, lambda m: m.symbol, cell_tooltip=lambda m: m.name
    ),
    RankedColumn(
        "Last", "Last trade price", True, lambda m: format_price(market_of(m.symbol), m.last)
    ),
    RankedColumn(
        "Chg %",
        "Change since the previous close",
        True,
        lambda m: format_change_pct(m.change_pct),
        lambda m: _signed_fg(m.change_pct),
    ),
    RankedColumn(
        "Turnover",
        "Value traded today in the market's currency",
        True,
        lambda m: format_volume(m.turnover) if m.turnover else "",
    ),
    RankedColumn(
        "Since looked",
        "Change since you last looked at the dashboard",
        True,
        lambda m: format_change_pct(m.since_pct),
        lambda m: _signed_fg(m.since_pct),
    ),
)


class MoversModel(RankedRowsModel[Mover]):
    """`Mover` rows as the dashboard shows them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(MOVER_COLUMNS, parent)

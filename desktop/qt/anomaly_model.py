"""The volume-anomaly list: every streamed symbol, the most unusual first, with its reasons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush

from desktop.domain.formatting import MINUS
from desktop.domain.volume_anomalies import Anomaly
from desktop.qt.palette import live_brush
from desktop.qt.quote_columns import DIM_BRUSH, DOWN_BRUSH, UP_BRUSH
from desktop.qt.ranked_rows_model import RankedColumn, RankedRowsModel

__all__ = ["ANOMALY_COLUMNS", "AnomalyModel"]

_HOT = live_brush(lambda c: c.alert)


def _ratio(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}×" if value < 10 else f"{value:,.0f}×"


def _pct(value: float | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0.005 else MINUS if value < -0.005 else ""
    return f"{sign}{abs(value):.2f}%"


def _hot(kind: str) -> Callable[[Anomaly], QBrush | None]:
    def fg(row: Anomaly) -> QBrush | None:
        return _HOT if row.score_of(kind) > 0 else None

    return fg


def _move_fg(kind: str, pct: str) -> Callable[[Anomaly], QBrush | None]:
    def fg(row: Anomaly) -> QBrush | None:
        value: float | None = getattr(row, pct)
        if value is None or abs(value) < 0.005:
            return None
        if row.score_of(kind) > 0:
            return UP_BRUSH if value > 0 else DOWN_BRUSH
        return DIM_BRUSH

    return fg


ANOMALY_COLUMNS: tuple[RankedColumn[Anomaly], ...] = (
    RankedColumn("Symbol", "Streamed symbol", False, lambda a: a.symbol),
    RankedColumn(
        "Why",
        "What is unusual, strongest first, each against the symbol's own normal",
        False,
        lambda a: a.reason,
        cell_tooltip=lambda a: a.reason.replace("; ", "\n"),
    ),
    RankedColumn(
        "Rel Vol",
        "Today's volume over its usual volume by this time of day",
        True,
        lambda a: _ratio(a.rel_volume),
        _hot("rvol"),
    ),
    RankedColumn(
        "Vol 1m",
        "Shares in the last minute over a usual minute",
        True,
        lambda a: _ratio(a.volume_1m_ratio),
        _hot("volume_1m"),
    ),
    RankedColumn(
        "Vol 5m",
        "Shares in the last 5 minutes over 5 usual minutes",
        True,
        lambda a: _ratio(a.volume_5m_ratio),
        _hot("volume_5m"),
    ),
    RankedColumn(
        "Print",
        "Biggest print of the last 5 minutes over today's median print",
        True,
        lambda a: _ratio(a.print_multiple),
        _hot("print"),
    ),
    RankedColumn(
        "1m",
        "Price change over the last minute",
        True,
        lambda a: _pct(a.move_1m_pct),
        _move_fg("move_1m", "move_1m_pct"),
    ),
    RankedColumn(
        "5m",
        "Price change over the last 5 minutes",
        True,
        lambda a: _pct(a.move_5m_pct),
        _move_fg("move_5m", "move_5m_pct"),
    ),
)


class AnomalyModel(RankedRowsModel[Anomaly]):
    """`Anomaly` rows as the dashboard shows them."""

    REASON_COLUMN = 1
    """The words come first: they stay readable when the dock is narrow."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ANOMALY_COLUMNS, parent)

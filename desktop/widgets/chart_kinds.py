"""What names a chart window and how it draws price: light enough to import before any chart.

The chart window itself needs pyqtgraph (≈ 0.3 s to import), so it is imported when the first
chart opens; the layout store and the start-up path only need these names.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CHART_KIND", "ChartMode"]

CHART_KIND = "chart"
"""`windows.kind` of a chart window (the depth ladders' table and placement rules)."""


class ChartMode(StrEnum):
    """How price is drawn; the value is what a saved layout keeps."""

    CANDLES = "candles"
    LINE = "line"

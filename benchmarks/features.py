"""Optional parts of the board that the harness includes when this checkout has them.

Sparklines and depth ladders are built in their own issues. The harness runs with whatever
exists and records what it included in every result (`features`), so a table always says what
was on screen. What is looked for:

* sparklines: a watchlist column whose `ColumnId` name contains `SPARK` (it is then shown and
  painted like any other column, so nothing else is needed);
* ladders: `MainWindow.open_depth_window(symbol)` (the pop-out of issue 5). When present, two
  are opened and their symbols are subscribed to depth, so books flow into them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["open_ladders", "sparklines_shown"]


def sparklines_shown(model: Any) -> bool:
    """Whether the watchlist model has a sparkline column (shown by default)."""
    from desktop.qt.quote_columns import ColumnId

    return any("SPARK" in column.name for column in ColumnId)


def open_ladders(window: Any, symbols: Sequence[str]) -> list[str]:
    """Open a depth window per symbol if this build has them; the symbols that got one."""
    opener = getattr(window, "open_depth_window", None)
    if opener is None:
        return []
    opened = []
    for symbol in symbols:
        opener(symbol)
        opened.append(symbol)
    return opened

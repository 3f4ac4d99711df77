"""Open chart windows in the `windows` table (kind 'chart'), so they come back after a restart.

The whole set is written at once (on quit and when a chart closes): the open windows *are* the
state, so replacing the rows in one transaction can never leave half a layout behind.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from desktop.domain.chart_layout import ChartMode, ChartPlacement
from desktop.persistence.database import Database

__all__ = ["CHART_KIND", "ChartWindowRepository"]

log = logging.getLogger(__name__)

CHART_KIND = "chart"


class ChartWindowRepository:
    """Saves and loads the placements of chart windows."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def load(self) -> list[ChartPlacement]:
        """Saved chart windows in the order they were opened; unreadable rows are skipped."""
        out: list[ChartPlacement] = []
        rows = self._db.conn.execute(
            "SELECT id, symbol, screen, x, y, width, height, extra FROM windows "
            "WHERE kind=? ORDER BY position, id",
            (CHART_KIND,),
        )
        for row_id, symbol, screen, x, y, width, height, extra in rows:
            try:
                settings = json.loads(extra or "{}")
                if not isinstance(settings, dict):
                    raise ValueError("extra is not an object")
                out.append(
                    ChartPlacement(
                        str(symbol),
                        int(x),
                        int(y),
                        int(width),
                        int(height),
                        None if screen is None else str(screen),
                        ChartMode(settings.get("mode", ChartMode.CANDLES.value)),
                        bool(settings.get("follow", True)),
                    )
                )
            except (TypeError, ValueError) as exc:
                log.warning("chart window %s not restored: %s", row_id, exc)
        return out

    def save(self, placements: Sequence[ChartPlacement]) -> None:
        """Replace the saved chart windows with these."""
        rows = [
            (
                CHART_KIND,
                p.symbol,
                p.screen,
                p.x,
                p.y,
                p.width,
                p.height,
                json.dumps({"mode": p.mode.value, "follow": p.follow}, sort_keys=True),
                position,
            )
            for position, p in enumerate(placements)
        ]
        with self._db.transaction() as c:
            c.execute("DELETE FROM windows WHERE kind=?", (CHART_KIND,))
            c.executemany(
                "INSERT INTO windows(kind, symbol, screen, x, y, width, height, extra, position) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

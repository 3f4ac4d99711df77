"""The `windows` table as a repository: top-level windows (depth ladders, charts) saved and loaded.

A layout is saved whole per kind (`save("depth", [...])` replaces every depth row in one
transaction), so the table always holds exactly what was open when the app last saved.
"""

from __future__ import annotations

import json
import logging
import sqlite3

from desktop.domain.window_placement import Rect, WindowLayout
from desktop.persistence.database import Database

__all__ = ["LayoutRepository"]

log = logging.getLogger(__name__)

_COLUMNS = (
    "kind, symbol, pinned, link_group, screen, x, y, width, height, dpr, on_top, extra, position"
)


def _rect(value: object) -> Rect | None:
    """A `[x, y, width, height]` list from the extra JSON, or None when absent or malformed."""
    if not isinstance(value, list) or len(value) != 4:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        return None
    x, y, width, height = value
    return Rect(x, y, width, height) if width > 0 and height > 0 else None


class LayoutRepository:
    """Loads and saves `WindowLayout`s of one kind at a time in the app's database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def load(self, kind: str) -> list[WindowLayout]:
        """The saved windows of `kind` in the order they were saved; unusable rows are skipped."""
        rows = self._db.conn.execute(
            f"SELECT id, {_COLUMNS} FROM windows WHERE kind=? ORDER BY position, id", (kind,)
        ).fetchall()
        layouts: list[WindowLayout] = []
        for row in rows:
            layout = self._from_row(row)
            if layout is None:
                log.warning("skipping unusable saved window %s (%s)", row[0], kind)
                continue
            layouts.append(layout)
        return layouts

    def save(self, kind: str, layouts: list[WindowLayout]) -> None:
        """Replace every saved window of `kind` with `layouts`, all or nothing."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM windows WHERE kind=?", (kind,))
            conn.executemany(
                f"INSERT INTO windows ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [self._to_row(kind, layout, position) for position, layout in enumerate(layouts)],
            )

    @staticmethod
    def _to_row(kind: str, layout: WindowLayout, position: int) -> tuple[object, ...]:
        extra = dict(layout.extra)
        if layout.screen_geometry is not None:
            s = layout.screen_geometry
            extra["screen_geometry"] = [s.x, s.y, s.width, s.height]
        g = layout.geometry
        return (
            kind,
            layout.symbol,
            int(layout.pinned),
            layout.link_group,
            layout.screen,
            g.x,
            g.y,
            g.width,
            g.height,
            layout.dpr,
            int(layout.on_top),
            json.dumps(extra, sort_keys=True),
            position,
        )

    @staticmethod
    def _from_row(row: sqlite3.Row | tuple[object, ...]) -> WindowLayout | None:
        (_id, kind, symbol, pinned, link_group, screen, x, y, width, height, dpr, on_top) = row[:12]
        extra_text = row[12]
        numbers = (x, y, width, height)
        if not isinstance(symbol, str) or not symbol:
            return None
        if not all(isinstance(n, int) for n in numbers):
            return None
        geometry = Rect(*numbers)  # type: ignore[arg-type]
        if geometry.width <= 0 or geometry.height <= 0:
            return None
        try:
            extra = json.loads(extra_text) if isinstance(extra_text, str) else {}
        except ValueError:
            extra = {}
        if not isinstance(extra, dict):
            extra = {}
        screen_geometry = _rect(extra.pop("screen_geometry", None))
        group = link_group if isinstance(link_group, str) and link_group and not pinned else None
        return WindowLayout(
            kind=str(kind),
            symbol=symbol,
            geometry=geometry,
            screen=screen if isinstance(screen, str) and screen else None,
            screen_geometry=screen_geometry,
            dpr=float(dpr) if isinstance(dpr, int | float) and dpr > 0 else 1.0,
            on_top=bool(on_top),
            link_group=group,
            extra=extra,
        )

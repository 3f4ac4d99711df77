"""Search results as a Qt list model: one row per hit, draggable onto any watchlist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from desktop.domain.symbol_search import MatchKind, SearchHit, SymbolMatcher
from desktop.qt.plain_text import plain_tooltip
from desktop.qt.symbol_mime import SYMBOLS_MIME, TEXT_MIME, symbols_mime

__all__ = ["DETAIL_ROLE", "NAME_ROLE", "ON_LIST_ROLE", "SYMBOL_ROLE", "SymbolSearchModel"]

SYMBOL_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The hit's canonical code."""
NAME_ROLE = int(Qt.ItemDataRole.UserRole) + 2
"""The company name ("" for a code outside the bundled universe)."""
DETAIL_ROLE = int(Qt.ItemDataRole.UserRole) + 3
"""A short second line: exchange, indices, board lot — or why an unlisted code is offered."""
ON_LIST_ROLE = int(Qt.ItemDataRole.UserRole) + 4
"""True when the symbol is already on the current list."""

_ROOT = QModelIndex()
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
)
_UNLISTED_DETAIL = "Not in the bundled list — added as typed; the feed decides if it streams"


class SymbolSearchModel(QAbstractListModel):
    """The hits of the current query (at most `limit`), best first."""

    def __init__(self, matcher: SymbolMatcher, limit: int = 50, parent: QObject | None = None):
        super().__init__(parent)
        self._matcher = matcher
        self._limit = limit
        self._hits: list[SearchHit] = []
        self._query = ""
        self._on_list: frozenset[str] = frozenset()

    def set_query(self, query: str) -> None:
        """Search again (a reset: the whole list changes with each keystroke)."""
        self._query = query
        self.beginResetModel()
        self._hits = self._matcher.search(query, self._limit)
        self.endResetModel()

    def query(self) -> str:
        """The text searched for."""
        return self._query

    def set_on_list(self, symbols: Sequence[str]) -> None:
        """Mark hits already on the current list (shown with a check mark, still draggable)."""
        self._on_list = frozenset(symbols)
        if self._hits:
            self.dataChanged.emit(self.index(0), self.index(len(self._hits) - 1), [ON_LIST_ROLE])

    def hit(self, row: int) -> SearchHit | None:
        """The hit in `row`."""
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def hits(self) -> list[SearchHit]:
        """All hits, best first."""
        return list(self._hits)

    # -- QAbstractItemModel -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        """Number of hits (0 under a valid parent: a flat list)."""
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """Code, name, detail and on-list state of a hit."""
        hit = self.hit(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == _DISPLAY:
            return f"{hit.code}  {hit.name}".rstrip()
        if role == SYMBOL_ROLE:
            return hit.code
        if role == NAME_ROLE:
            return hit.name
        if role == DETAIL_ROLE:
            if hit.kind is MatchKind.UNLISTED or hit.listing is None:
                return _UNLISTED_DETAIL
            return hit.listing.detail
        if role == ON_LIST_ROLE:
            return hit.code in self._on_list
        if role == _TOOLTIP:
            zh = hit.listing.name_zh if hit.listing else ""
            return plain_tooltip("\n".join(p for p in (hit.code, hit.name, zh) if p))
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Hits are selectable and draggable."""
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def supportedDragActions(self) -> Qt.DropAction:
        """A hit is copied onto a list, never moved out of the results."""
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        """Our symbol type and plain text."""
        return [SYMBOLS_MIME, TEXT_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged hits' symbols."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return symbols_mime([self._hits[r].code for r in rows if 0 <= r < len(self._hits)])

"""Badges and sparklines on every watchlist's model: one place that the alert center and the
sparkline store talk to, however many lists (tabs) there are and whenever one is added."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.domain.sparklines import SparklineStore
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.watchlist_session import WatchlistSession

__all__ = ["ListDecorations"]


class ListDecorations(QObject):
    """Fans `set_badge` and `set_sparklines` out to all of a session's models, new ones included."""

    def __init__(self, session: WatchlistSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._badges: dict[str, tuple[int, str]] = {}
        self._sparklines: SparklineStore | None = None
        session.modelAdded.connect(self._decorate)

    def set_badge(self, symbol: str, badge: int, note: str = "") -> None:
        """Show (or, with 0, clear) an alert badge on `symbol` in every list that holds it."""
        if badge:
            self._badges[symbol] = (badge, note)
        else:
            self._badges.pop(symbol, None)
        for model in self._session.models():
            model.set_badge(symbol, badge, note)

    def set_sparklines(self, store: SparklineStore | None) -> None:
        """Draw every list's Trend column from `store`."""
        self._sparklines = store
        for model in self._session.models():
            model.set_sparklines(store)

    def _decorate(self, model: object) -> None:
        if not isinstance(model, QuoteTableModel):
            return
        model.set_sparklines(self._sparklines)
        for symbol, (badge, note) in self._badges.items():
            model.set_badge(symbol, badge, note)

"""What the feed streams: every watchlist's symbols plus the open depth ladders' symbols."""

from __future__ import annotations

from desktop.domain.symbols import Symbol
from desktop.feed.service import FeedService
from desktop.qt.watchlist_session import WatchlistSession

__all__ = ["FeedSubscriptions"]


class FeedSubscriptions:
    """What the feed streams: every watchlist's symbols (one depth level, for bid/ask) plus the
    open depth ladders' symbols (the plan's full depth, which the plan budgets). One update per change."""

    def __init__(self, service: FeedService | None = None) -> None:
        self.service = service
        self._lists: list[Symbol] = []
        self._ladders: list[Symbol] = []

    def attach(self, service: FeedService) -> None:
        """Stream through this service from now on (a new feed: the live one, or a replay)."""
        self.service = service
        self._apply()

    def follow(self, session: WatchlistSession) -> None:
        """Stream the union of every list from now on: one feed update per list edit."""
        session.symbolsChanged.connect(self.set_lists)
        self.set_lists(session.all_symbols())

    def set_lists(self, codes: list[str]) -> None:
        """The union of all watchlists changed."""
        self._lists = [Symbol.parse(code) for code in codes]
        self._apply()

    def set_ladders(self, codes: list[str]) -> None:
        """The symbols with a depth ladder open changed."""
        self._ladders = [Symbol.parse(code) for code in codes]
        self._apply()

    def _apply(self) -> None:
        if self.service is None:
            return
        wanted = list(dict.fromkeys([*self._lists, *self._ladders]))
        self.service.set_symbols(wanted, wanted, full_depth=self._ladders)

"""Shared set-up for the watchlist widget tests: two lists in a temporary database and a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.watchlist_panel import WatchlistPanel


class Lists:
    """`US` (AAPL, MSFT, NVDA, TSLA) and `HK` (700, 9988) in `tmp_path/q.db`, with a session."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.repo = WatchlistRepository(Database(path))
        self.us = self.repo.create("US", ["AAPL", "MSFT", "NVDA", "TSLA"]).id
        self.hk = self.repo.create("HK", ["700", "9988"]).id
        self.session = WatchlistSession(self.repo, QuoteBook())

    def reopen(self) -> WatchlistSession:
        """A new session over the same file, as after a restart."""
        self.repo.db.close()
        self.repo = WatchlistRepository(Database(self.path))
        self.session = WatchlistSession(self.repo, QuoteBook())
        return self.session

    def stored(self, list_id: int) -> list[str]:
        """What the database holds for a list."""
        return self.repo.symbols(list_id)


@pytest.fixture
def lists(tmp_path: Path) -> Iterator[Lists]:
    board = Lists(tmp_path / "q.db")
    yield board
    board.repo.db.close()


def watchlist_panel(
    path: Path, symbols: list[str], book: QuoteBook | None = None
) -> WatchlistPanel:
    """A panel over one list of `symbols` in a new database at `path` (for main-window tests)."""
    repo = WatchlistRepository(Database(path))
    repo.create("Watchlist", symbols)
    session = WatchlistSession(repo, book or QuoteBook())
    return WatchlistPanel(session, SymbolMatcher(SymbolUniverse()))

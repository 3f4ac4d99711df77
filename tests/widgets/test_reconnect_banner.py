"""ReconnectBanner: a plain-text, non-modal notice that hides itself."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.domain.feed_status import ReconnectNotice
from desktop.widgets.reconnect_banner import ReconnectBanner


def test_the_banner_shows_the_sentence_as_plain_text_then_hides_itself(qtbot: QtBot) -> None:
    banner = ReconnectBanner(visible_ms=200)
    qtbot.addWidget(banner)
    text = ReconnectNotice(42, 12.3).text
    assert text == "Reconnected — 42 symbols resubscribed, gap 12 s"
    banner.show_message(text)
    assert banner.isVisible() and banner.text() == text
    with qtbot.waitSignal(banner.dismissed, timeout=3000):
        pass
    assert not banner.isVisible()


def test_the_main_window_hosts_the_banner_above_the_table(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop.domain.quote_book import QuoteBook
    from desktop.domain.symbol_search import SymbolMatcher
    from desktop.domain.symbol_universe import SymbolUniverse
    from desktop.persistence.database import Database
    from desktop.persistence.watchlists import WatchlistRepository
    from desktop.qt.watchlist_session import WatchlistSession
    from desktop.widgets.main_window import MainWindow
    from desktop.widgets.watchlist_panel import WatchlistPanel

    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    repo.create("US", ["AAPL"])
    panel = WatchlistPanel(WatchlistSession(repo, QuoteBook()), SymbolMatcher(SymbolUniverse()))
    window = MainWindow(panel)
    qtbot.addWidget(window)
    window.show()
    assert not window.banner().isVisible()
    window.show_banner("Reconnected — 1 symbol resubscribed, gap 0.5 s")
    assert window.banner().isVisible()
    assert window.banner().geometry().bottom() <= window.watchlists().geometry().top()

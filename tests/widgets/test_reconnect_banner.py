"""ReconnectBanner: a plain-text, non-modal notice that hides itself."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.domain.feed_status import ReconnectNotice
from desktop.widgets.reconnect_banner import ReconnectBanner
from tests.widgets.conftest import watchlist_panel


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
    from desktop.widgets.main_window import MainWindow

    window = MainWindow(watchlist_panel(tmp_path / "q.db", ["AAPL.US"]))
    qtbot.addWidget(window)
    window.show()
    assert not window.banner().isVisible()
    window.show_banner("Reconnected — 1 symbol resubscribed, gap 0.5 s")
    assert window.banner().isVisible()
    assert window.banner().geometry().bottom() <= window.watchlists().geometry().top()

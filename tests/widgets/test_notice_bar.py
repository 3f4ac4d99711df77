"""NoticeBar: plain text with a glyph per kind, buttons that act then close, timeouts."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.widgets.notice_bar import NoticeBar


def test_a_notice_shows_plain_text_and_its_buttons_run_once(qtbot: QtBot) -> None:
    bar = NoticeBar()
    qtbot.addWidget(bar)
    ran: list[str] = []
    bar.show_notice(
        "question",
        "Delete <b>US</b>?",
        [("Delete", lambda: ran.append("d")), ("Cancel", lambda: None)],
    )
    assert bar.isVisible() and bar.kind() == "question"
    assert bar.text() == "Delete <b>US</b>?"  # shown literally, never as markup
    assert [b.text() for b in bar.buttons()] == ["Delete", "Cancel"]
    bar.buttons()[0].click()
    assert ran == ["d"] and not bar.isVisible()


def test_info_notices_go_away_by_themselves_errors_stay(qtbot: QtBot) -> None:
    bar = NoticeBar()
    qtbot.addWidget(bar)
    bar.show_notice("info", "Saved.", timeout_ms=50)
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=2000)
    bar.show_notice("error", "Could not save.")
    assert bar.is_sticky()
    bar.show_notice("info", "Added AAPL.US.")
    assert bar.isVisible() and not bar.is_sticky()
    bar.dismiss()
    assert not bar.isVisible()
    bar.show_notice("nonsense", "x")
    assert bar.kind() == "info"

"""Names, paths and messages from the network reach tooltips as text, never as markup."""

from __future__ import annotations

from PySide6.QtGui import Qt as GuiQt  # Qt::mightBeRichText lives in QtGui
from PySide6.QtGui import QTextDocument

from desktop.qt.plain_text import plain_tooltip


def _rendered(markup: str) -> str:
    """What Qt shows for a tooltip: it is rich text, so render it as a QTextDocument."""
    assert GuiQt.mightBeRichText(markup)
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()


def test_a_name_that_looks_like_markup_is_shown_exactly() -> None:
    name = "<b>Acme</b> & <i>Sons</i> <Class A>"
    assert _rendered(plain_tooltip(name)) == name


def test_line_breaks_survive_as_line_breaks() -> None:
    assert _rendered(plain_tooltip("AT&T Inc.\nAlert fired at 10:00:00")) == (
        "AT&T Inc.\nAlert fired at 10:00:00"
    )

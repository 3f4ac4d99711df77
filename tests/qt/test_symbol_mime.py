"""Symbol MIME data: our type round-trips with its source list; text from other apps is parsed."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData

from desktop.qt.symbol_mime import (
    MAX_TEXT_CHARS,
    SYMBOLS_MIME,
    can_read,
    read_symbols,
    symbols_mime,
)


def test_our_type_round_trips_symbols_and_the_list_they_came_from() -> None:
    data = symbols_mime(["AAPL.US", "00700.HK", "AAPL.US"], source_list=3)
    payload = read_symbols(data)
    assert payload is not None
    assert payload.symbols == ("AAPL.US", "00700.HK") and payload.source_list == 3
    assert data.text() == "AAPL.US\n00700.HK\n"  # dragged out of the app: one per line


def test_plain_text_from_another_app_becomes_symbols_and_errors() -> None:
    data = QMimeData()
    data.setText("AAPL, MSFT 700.HK")
    payload = read_symbols(data)
    assert payload is not None
    assert payload.symbols == ("AAPL.US", "MSFT.US", "00700.HK") and payload.source_list is None
    data.setText("AAPL !!!")
    payload = read_symbols(data)
    assert payload is not None and payload.symbols == ("AAPL.US",) and len(payload.errors) == 1


def test_a_document_is_not_a_list_of_symbols() -> None:
    data = QMimeData()
    data.setText("A " * (MAX_TEXT_CHARS // 2 + 1))
    payload = read_symbols(data)
    assert (
        payload is not None and payload.symbols == () and "characters of text" in payload.errors[0]
    )


def test_a_foreign_payload_under_our_type_falls_back_to_its_text() -> None:
    data = QMimeData()
    data.setData(SYMBOLS_MIME, QByteArray(b"{not json"))
    data.setText("NVDA")
    payload = read_symbols(data)
    assert payload is not None and payload.symbols == ("NVDA.US",)
    assert read_symbols(QMimeData()) is None and read_symbols(None) is None
    assert not can_read(QMimeData()) and can_read(data)

"""Symbols on the clipboard and in drags: a private MIME type inside the app, plain text outside.

Inside the app a drag carries `application/x-quoteboard-symbols` (JSON: the symbols and the list
they came from, so a drop can move instead of copy). Every drag also carries `text/plain`, one
symbol per line, so rows dropped into a chat or a spreadsheet arrive as text; and text dropped from
any other app ("AAPL, MSFT 700.HK") is parsed into symbols.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QMimeData

from desktop.domain.symbols import parse_symbols

__all__ = [
    "MAX_TEXT_CHARS",
    "SYMBOLS_MIME",
    "TEXT_MIME",
    "SymbolPayload",
    "can_read",
    "read_symbols",
    "symbols_mime",
]

SYMBOLS_MIME = "application/x-quoteboard-symbols"
TEXT_MIME = "text/plain"
MAX_TEXT_CHARS = 64_000
"""A text drop longer than this is refused: it is a document, not a list of symbols."""


@dataclass(frozen=True, slots=True)
class SymbolPayload:
    """What a drop carries: canonical symbols, the list they were dragged from, and bad parts."""

    symbols: tuple[str, ...]
    source_list: int | None = None
    errors: tuple[str, ...] = ()


def symbols_mime(symbols: Iterable[str], source_list: int | None = None) -> QMimeData:
    """Mime data for a drag or a copy of these symbols (from list `source_list`, if any)."""
    codes = list(dict.fromkeys(symbols))
    data = QMimeData()
    body = json.dumps({"symbols": codes, "list": source_list}).encode()
    data.setData(SYMBOLS_MIME, QByteArray(body))
    data.setText("".join(f"{code}\n" for code in codes))
    return data


def can_read(mime: QMimeData | None) -> bool:
    """Whether a drag might carry symbols (checked on every drag move: cheap, no parsing)."""
    return mime is not None and (mime.hasFormat(SYMBOLS_MIME) or mime.hasText())


def read_symbols(mime: QMimeData | None) -> SymbolPayload | None:
    """The symbols in a drop, or None when it carries neither our type nor text."""
    if mime is None:
        return None
    if mime.hasFormat(SYMBOLS_MIME):
        try:
            body = json.loads(bytes(mime.data(SYMBOLS_MIME).data()).decode())
            source = body.get("list")
            codes, errors = parse_symbols(" ".join(str(code) for code in body["symbols"]))
            return SymbolPayload(
                tuple(str(c) for c in codes),
                source if isinstance(source, int) else None,
                tuple(errors),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a foreign app using our type name: fall back to its text
    if not mime.hasText():
        return None
    text = mime.text()
    if len(text) > MAX_TEXT_CHARS:
        return SymbolPayload(
            (), None, (f"That is {len(text):,} characters of text, not a list of symbols.",)
        )
    codes, errors = parse_symbols(text)
    return SymbolPayload(tuple(str(c) for c in codes), None, tuple(errors))

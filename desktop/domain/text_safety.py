"""Text from strangers made safe to show and to use: bidirectional controls removed from names,
and a list name turned into a file name that cannot point anywhere else.

A right-to-left override (U+202E) in a company name or a list name reorders what follows it on
screen (`Acme‮gnp.exe` reads as `Acmeexe.png`); it is stripped wherever names enter the board.
"""

from __future__ import annotations

import re

__all__ = ["safe_file_name", "strip_bidi"]

_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_FILE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]+')
_MAX_FILE_STEM = 100


def strip_bidi(text: str) -> str:
    """`text` without bidirectional embedding, override, isolate or mark characters."""
    return _BIDI.sub("", text) if _BIDI.search(text) else text


def safe_file_name(name: str, fallback: str = "watchlist") -> str:
    """A file name (no folder, no `..`, no control or reserved characters) for `name`."""
    stem = _UNSAFE_IN_FILE.sub("_", strip_bidi(name))
    stem = re.sub(r"\.{2,}", ".", stem).strip(" ._")[:_MAX_FILE_STEM].strip(" ._")
    return stem or fallback

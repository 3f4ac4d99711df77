"""Keep secrets out of logs: URLs are logged with `token=***`, and a known token never appears at all."""

from __future__ import annotations

import re

__all__ = ["redact", "remember_secret"]

_TOKEN = re.compile(r"(token(?:=|%3D))[^&\s#'\"(),;]*", re.IGNORECASE)
_MIN_SECRET = 4  # shorter values would blank out ordinary words
_secrets: set[str] = set()


def remember_secret(value: str) -> None:
    """From now on `redact` replaces `value` wherever it appears (not only after `token=`)."""
    if len(value) >= _MIN_SECRET:
        _secrets.add(value)


def redact(text: str) -> str:
    """Replace every `token=…` value and every remembered secret in `text` by `***`."""
    text = _TOKEN.sub(r"\1***", text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text

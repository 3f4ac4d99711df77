"""Keep secrets out of logs: URLs are logged with `token=***`."""

from __future__ import annotations

import re

__all__ = ["redact"]

_TOKEN = re.compile(r"(token=)[^&\s#]*", re.IGNORECASE)


def redact(text: str) -> str:
    """Replace every `token=…` value in `text` by `***`."""
    return _TOKEN.sub(r"\1***", text)

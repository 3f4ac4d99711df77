"""Logging that never lets a token out: every record and traceback is redacted."""

from __future__ import annotations

import logging
import sys
from typing import Any

from desktop.feed.redact import redact

__all__ = ["configure_logging", "redacting_handler"]


class _RedactingFilter(logging.Filter):
    """Belt and braces: no log record leaves the process with a token in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())  # args may be URL objects, not strings
        record.args = None
        return True


class _RedactingFormatter(logging.Formatter):
    """Redacts the finished line too: tracebacks and stack info are formatted after filters run."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redacting_handler(stream: Any = None) -> logging.Handler:
    """The app's log handler: stderr (or `stream`), every record and traceback redacted."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def configure_logging(level: str) -> None:
    """Log to stderr, redacted."""
    handler = redacting_handler()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.WARNING))

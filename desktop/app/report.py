"""A run's accounting: its log (redacted: no token leaves the process), unhandled errors, and
what a smoke run reports.

Every run logs and counts what escapes a Qt slot or an asyncio task; `--smoke N` turns the run
into one JSON line (ticks, priced rows, flushes, the feed's counters, errors), with `--dump` a
CSV of every row as displayed, and the exit code CI checks: 0 only when ticks arrived, every row has a price,
nothing failed, and a recording (if on) stored every tick.
"""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from desktop import __version__
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sparklines import SparklineStore
from desktop.feed.redact import redact
from desktop.feed.service import FeedService
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.watchlist_session import WatchlistSession

if TYPE_CHECKING:
    from desktop.feed.gateway_feed import GatewayFeed

__all__ = ["RunReport", "configure_logging", "redacting_handler"]

LoopExceptionHandler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object]
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]

log = logging.getLogger("desktop")


class RunReport:
    """Counts unhandled errors in every run; in smoke mode, sums the run up and decides its exit."""

    def __init__(self, book: QuoteBook, smoke: float | None, dump: Path | None) -> None:
        self.book = book
        self.smoke = smoke
        self.dump = dump
        self.errors = 0
        self._previous: (
            tuple[asyncio.AbstractEventLoop, LoopExceptionHandler | None, ExceptHook] | None
        ) = None

    # -- error accounting ---------------------------------------------------------------------
    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Log and count what escapes a Qt slot (`sys.excepthook`) or an asyncio task."""
        self._previous = (loop, loop.get_exception_handler(), sys.excepthook)
        loop.set_exception_handler(self._loop_exception)
        sys.excepthook = self._excepthook

    def uninstall(self) -> None:
        """Put back the handlers `install` replaced (the board shut down; its loop may live on)."""
        if self._previous is not None:
            loop, handler, hook = self._previous
            loop.set_exception_handler(handler)
            sys.excepthook = hook
            self._previous = None

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self.errors += 1
        log.error("unhandled error", exc_info=(kind, exc, tb))

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.errors += 1
        log.error(
            "unhandled error in a task: %s",
            context.get("message"),
            exc_info=context.get("exception"),
        )

    # -- smoke mode ---------------------------------------------------------------------------
    def collect(
        self,
        service: FeedService | GatewayFeed | None,
        session: WatchlistSession,
        bridge: StreamBridge,
        sparklines: SparklineStore,
        history_seeded: int,
        startup: Mapping[str, float | None],
    ) -> dict[str, Any]:
        """The run's numbers once the feed has stopped (the recording is still being written);
        `startup` says how long the window and the first price took from launch."""
        assert service is not None
        stats = service.stats()
        symbols = session.all_symbols()
        priced = sum(1 for s in symbols if (state := self.book.get(s)) and state.last is not None)
        counters = self.book.counters
        return {
            "version": __version__,
            "seconds": self.smoke,
            "ticks": counters.ticks,
            "depth_updates": counters.depth_updates,
            "rows": len(symbols),
            "rows_with_price": priced,
            "model_flushes": bridge.stats.flushes,
            "cells_updated": bridge.stats.cells,
            "frames": stats.frames,
            "errors": self.errors + stats.bad_frames + stats.error_replies + stats.rest_failures,
            "bad_frames": stats.bad_frames,
            "error_replies": stats.error_replies,
            "rest_failures": stats.rest_failures,
            "reconnects": stats.reconnects,
            "status": service.status.text,
            "sparklines": sum(1 for s in symbols if sparklines.version(s)),
            "history_seeded": history_seeded,
            **startup,
        }

    def finish(
        self, report: dict[str, Any], recorded: int | None, session: WatchlistSession
    ) -> int:
        """Write the dump, print the JSON line, and return the exit code the run earned."""
        if recorded is not None:
            report["recorded"] = recorded
        if self.dump:
            self._dump(session, self.dump)
        print(json.dumps(report), flush=True)
        ok = (
            report["ticks"] > 0
            and report["rows_with_price"] == report["rows"]
            and report["errors"] == 0
            and report.get("recorded", report["ticks"]) == report["ticks"]
        )
        return 0 if ok else 1

    @staticmethod
    def _dump(session: WatchlistSession, path: Path) -> None:
        """Every list's rows as displayed (a symbol on two lists once), one CSV."""
        path.parent.mkdir(parents=True, exist_ok=True)
        models = session.models()
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if models:
                writer.writerow(models[0].column_titles())
            seen: set[str] = set()
            for model in models:
                model.set_live(True)  # a hidden list catches up before it is written
                for symbol, row in zip(model.symbols(), model.rows_as_displayed(), strict=True):
                    if symbol not in seen:
                        seen.add(symbol)
                        writer.writerow(row)


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
    # the local time with its UTC offset: a log line always says which clock it is in
    handler.setFormatter(
        _RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S%z"
        )
    )
    return handler


def configure_logging(level: str) -> None:
    """Log to stderr, redacted."""
    handler = redacting_handler()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.WARNING))

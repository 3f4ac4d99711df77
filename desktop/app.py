"""Composition root: the only module that sees every layer. Builds, wires, starts and stops them."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from desktop import __version__
from desktop.control.feed_runner import FeedRunner, FeedSource
from desktop.control.settings_controller import SettingsController
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.redact import redact
from desktop.feed.service import FeedService
from desktop.persistence.database import Database, DatabaseTooNew
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.protocol.plans import Plan
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge

__all__ = ["DEFAULT_WATCHLIST", "QuoteBoardApp", "configure_logging", "redacting_handler", "run"]

log = logging.getLogger("desktop")

DEFAULT_WATCHLIST = [
    "AAPL.US",
    "MSFT.US",
    "NVDA.US",
    "TSLA.US",
    "AMZN.US",
    "GOOGL.US",
    "META.US",
    "AMD.US",
    "NFLX.US",
    "JPM.US",
    "BRK.B.US",
    "V.US",
    "00700.HK",
    "09988.HK",
    "00005.HK",
    "01299.HK",
    "00941.HK",
    "03690.HK",
    "00388.HK",
    "02318.HK",
    "01810.HK",
    "00939.HK",
    "01211.HK",
    "09618.HK",
]


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


class QuoteBoardApp:
    """One running board: book, feed, models, window; `run()` returns the process exit code."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.smoke: float | None = args.smoke
        self.errors = 0
        self.book = QuoteBook()
        self.feed: FeedRunner | None = None
        self._done = asyncio.Event()

    @property
    def service(self) -> FeedService | None:
        """The running feed service (it changes when Settings switch between demo and live)."""
        return self.feed.service if self.feed else None

    # -- error accounting ---------------------------------------------------------------------
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

    # -- start-up -----------------------------------------------------------------------------
    def _open_database(self) -> Database:
        path = resolve_data_dir(self.args.data_dir) / DB_FILENAME
        try:
            return Database(path)
        except DatabaseTooNew as exc:
            raise SystemExit(str(exc)) from None

    async def run(self) -> int:
        """Build everything, show the window, stream until quit (or the smoke time), shut down."""
        from PySide6.QtWidgets import QApplication

        from desktop.widgets.main_window import MainWindow

        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(self._loop_exception)
        sys.excepthook = self._excepthook
        qapp.setQuitOnLastWindowClosed(False)

        db = self._open_database()
        symbols = [Symbol.parse(text) for text in DEFAULT_WATCHLIST]
        model = QuoteTableModel(self.book)
        model.set_symbols([str(s) for s in symbols])
        window = MainWindow(model)
        feed = self.feed = FeedRunner(
            self.book, lambda s: bridge.publish_status(s), seed=self.args.seed
        )
        bridge = StreamBridge(self.book, model, feed.frames)
        bridge.statusChanged.connect(window.set_status)
        bridge.rateChanged.connect(window.set_rate)
        window.quitRequested.connect(self._done.set)
        qapp.aboutToQuit.connect(self._done.set)

        # Settings (issue 7): token from QUOTEBOARD_TOKEN or the keyring, provider/plan/host in
        # app_state; a 401 opens the dialog; Save switches demo <-> live without a restart.
        plan = Plan(self.args.plan) if self.args.plan else None
        settings = SettingsController(
            window, feed, db, plan_override=plan, feed_url_override=self.args.feed_url
        )
        window.settingsRequested.connect(lambda: settings.open_dialog())
        bridge.statusChanged.connect(settings.on_status)
        feed.set_symbols(symbols, symbols)
        window.show()
        bridge.start()
        if self.smoke is not None:  # smoke mode: always the built-in simulator, never the keyring
            await feed.switch(FeedSource.simulator(plan or Plan.PROFESSIONAL))
            loop.call_later(self.smoke, self._done.set)
        else:
            await settings.start()
        await self._done.wait()

        await settings.close()
        bridge.flush()
        bridge.stop()
        report = self._report(model, bridge) if self.smoke is not None else None
        await feed.stop()
        window.close()
        db.close()
        if report is None:
            return 0
        if self.args.dump:
            self._dump(model, self.args.dump)
        print(json.dumps(report), flush=True)
        ok = (
            report["ticks"] > 0
            and report["rows_with_price"] == report["rows"]
            and report["errors"] == 0
        )
        return 0 if ok else 1

    # -- smoke mode ---------------------------------------------------------------------------
    def _report(self, model: QuoteTableModel, bridge: StreamBridge) -> dict[str, Any]:
        assert self.feed is not None and self.service is not None
        stats = self.feed.stats()
        symbols = model.symbols()
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
            "status": self.service.status.text,
        }

    @staticmethod
    def _dump(model: QuoteTableModel, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(model.column_titles())
            writer.writerows(model.rows_as_displayed())


def _headless() -> bool:
    """True on Linux/BSD with no X11 or Wayland display to connect to."""
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    """Start Qt, then asyncio on Qt's loop (qasync), and run the board."""
    configure_logging(args.log_level)
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.widgets.theme import apply_dark_theme

    started = time.monotonic()
    if _headless() and not os.environ.get("QT_QPA_PLATFORM"):
        if args.smoke is None:
            print(
                "Quote Board needs a display: DISPLAY and WAYLAND_DISPLAY are not set. "
                "Start it from a desktop session, or use --smoke with QT_QPA_PLATFORM=offscreen.",
                file=sys.stderr,
            )
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # smoke mode needs no display
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("Quote Board")
    qapp.setOrganizationName("Quote Board")
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName("quoteboard")
    apply_dark_theme(qapp)
    board = QuoteBoardApp(args)
    code: int = qasync.run(board.run())
    log.info("ran for %.1f s", time.monotonic() - started)
    return code

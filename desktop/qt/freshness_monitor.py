"""Once a second: judge every row's freshness and tell the table and the feed.

Staleness is judged per symbol and only while its market is open (`domain.freshness`); the
session source is injectable: `AlwaysOpen` in demo mode (the simulator trades around the clock),
exchange hours (`domain.sessions`, loaded after the first paint) against a real feed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.freshness import FreshnessJudge, FreshnessReport
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import SessionSource

__all__ = ["FreshnessMonitor", "FreshnessRows"]


class FreshnessRows(Protocol):
    """Where the verdicts go: one `QuoteTableModel`, or every watchlist's rows at once."""

    def symbols(self) -> list[str]:
        """The symbols shown."""
        ...

    def set_row_freshness(self, symbol: str, text: str | None, dim: bool) -> None:
        """Show a row's age text and dimming."""
        ...


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class FreshnessMonitor(QObject):
    """Dims stale rows with their age, labels closed markets, and counts stale symbols."""

    staleCountChanged = Signal(int)
    """How many rows are stale now (the feed shows "Degraded (N stale)")."""

    def __init__(
        self,
        book: QuoteBook,
        model: FreshnessRows,
        judge: FreshnessJudge,
        *,
        not_streaming: Callable[[], set[str]] = set,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = _wall_ms,
        interval_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self.model = model
        self.judge = judge
        self._not_streaming = not_streaming
        self._clock = clock
        self._wall_ms = wall_ms
        self._stale = -1
        self.last_report: FreshnessReport | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Judge now and then every interval."""
        self.check()
        self._timer.start()

    def stop(self) -> None:
        """Stop judging (at shutdown)."""
        self._timer.stop()

    def set_sessions(self, sessions: SessionSource) -> None:
        """Judge by these market hours from now on, and re-judge at once."""
        self.judge.set_sessions(sessions)
        self.check()

    def check(self) -> FreshnessReport:
        """One judgement: update every row's Time text and dimming; emit the stale count."""
        report = self.judge.judge(
            self.book,
            self.model.symbols(),
            self._clock(),
            self._wall_ms(),
            skip=self._not_streaming(),
        )
        for symbol, row in report.rows.items():
            self.model.set_row_freshness(symbol, row.text, row.dim)
        self.last_report = report
        if report.stale != self._stale:
            self._stale = report.stale
            self.staleCountChanged.emit(report.stale)
        return report

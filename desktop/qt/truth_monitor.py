"""Judges every quote's truth state once a second, and at once when a connection changes.

The verdicts (`domain.truth`) go to the watchlist rows and, through `verdictsChanged`, to every
other view (ladders, pop-outs, charts, heatmap), so all of them show the same state. `poke()` is
called from the feed's status signal: a connection that went down makes its symbols Stale
without waiting for the next tick of the timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import SessionSource
from desktop.domain.truth import FeedConditions, FeedMode, TruthJudge, TruthReport
from desktop.domain.truth_terms import TruthVerdict

__all__ = ["TruthMonitor", "TruthRows"]


class TruthRows(Protocol):
    """Where row verdicts go: one `QuoteTableModel`, or every watchlist's rows at once."""

    def symbols(self) -> list[str]:
        """The symbols shown."""
        ...

    def set_row_truth(self, symbol: str, verdict: TruthVerdict) -> None:
        """Show a row's state, age and dimming."""
        ...


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class TruthMonitor(QObject):
    """The board's one judge of truth: rows, views and the stale count all read its verdicts."""

    verdictsChanged = Signal(object)
    """dict[str, TruthVerdict]: every judged symbol's verdict after each judgement."""
    staleCountChanged = Signal(int)
    """How many symbols are Stale now (the feed shows "Degraded (N stale)")."""
    modeChanged = Signal(object)
    """The board switched between live, demo and replay data (`FeedMode`): titles re-mark."""

    def __init__(
        self,
        book: QuoteBook,
        rows: TruthRows,
        judge: TruthJudge,
        *,
        conditions: Callable[[], FeedConditions] = FeedConditions,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = _wall_ms,
        interval_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self.rows = rows
        self.judge = judge
        self._conditions = conditions
        self._clock = clock
        self._wall_ms = wall_ms
        self._stale = -1
        self.mode = FeedMode.LIVE
        self.last_report: TruthReport | None = None
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

    def set_conditions(self, conditions: Callable[[], FeedConditions]) -> None:
        """Read the feed's conditions from `conditions` from now on (a feed switch), and re-judge."""
        self._conditions = conditions
        self.check()

    def set_sessions(self, sessions: SessionSource | None) -> None:
        """Judge by these market hours from now on, and re-judge at once."""
        self.judge.set_sessions(sessions)
        self.check()

    def poke(self) -> None:
        """Something about the connections changed: judge now (and restart the interval)."""
        self.check()
        if self._timer.isActive():
            self._timer.start()

    def verdict(self, symbol: str) -> TruthVerdict | None:
        """The latest verdict for `symbol` (None before it was judged)."""
        report = self.last_report
        return None if report is None else report.verdicts.get(symbol)

    def check(self) -> TruthReport:
        """One judgement: every row and view gets its verdict; the stale count is emitted."""
        symbols = list(dict.fromkeys([*self.rows.symbols(), *self.book.symbols()]))
        conditions = self._conditions()
        report = self.judge.judge(self.book, symbols, self._clock(), self._wall_ms(), conditions)
        rows = set(self.rows.symbols())
        for symbol, verdict in report.verdicts.items():
            if symbol in rows:
                self.rows.set_row_truth(symbol, verdict)
        self.last_report = report
        if conditions.mode is not self.mode:
            self.mode = conditions.mode
            self.modeChanged.emit(conditions.mode)
        self.verdictsChanged.emit(report.verdicts)
        if report.stale != self._stale:
            self._stale = report.stale
            self.staleCountChanged.emit(report.stale)
        return report

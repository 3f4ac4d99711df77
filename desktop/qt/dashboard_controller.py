"""Runs the volume-anomaly dashboard: re-ranks the streamed symbols about once a second while it
is shown, and keeps the "since you last looked" baseline.

The ranking itself is pure (`domain.volume_anomalies`, `domain.top_movers`); this object only
decides when to run it, with which clock, and hands the results to the two models.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.tape import TapeBook
from desktop.domain.top_movers import LookBaseline, MoverMode, rank_movers
from desktop.domain.volume_anomalies import RANKINGS, AnomalyScanner, rank_anomalies
from desktop.qt.anomaly_model import AnomalyModel
from desktop.qt.movers_model import MoversModel

__all__ = ["DashboardController"]

REFRESH_MS = 1000


class DashboardController(QObject):
    """Owns the dashboard's models and its refresh timer (running only while it is shown)."""

    refreshed = Signal(object)
    """After each re-rank, with the epoch ms it was ranked at."""

    def __init__(
        self,
        book: QuoteBook,
        bars: MinuteBarStore,
        tape: TapeBook,
        symbols: Callable[[], list[str]],
        clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._symbols = symbols
        self._clock = clock_ms
        self.scanner = AnomalyScanner(book, bars, tape)
        self.anomalies = AnomalyModel(self)
        self.movers = MoversModel(self)
        self._rank_by = "unusual"
        self._mover_mode = MoverMode.CHANGE
        self.baseline: LookBaseline | None = None
        """Prices when the user last looked (taken at the first show and at every hide)."""
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def set_active(self, shown: bool) -> None:
        """Re-rank while shown; when hidden, remember the prices for "since you last looked"
        (the first time it is shown counts as a look too)."""
        if shown:
            if self.baseline is None:
                self.mark_seen()
            self.refresh()
            self._timer.start()
        else:
            self._timer.stop()
            self.mark_seen()

    def is_active(self) -> bool:
        """Whether the dashboard is re-ranking."""
        return self._timer.isActive()

    def rank_by(self) -> str:
        """The key of `RANKINGS` the anomaly list is ordered by."""
        return self._rank_by

    def set_rank_by(self, key: str) -> None:
        """Order the anomaly list by another of `RANKINGS`."""
        if key in RANKINGS and key != self._rank_by:
            self._rank_by = key
            self.refresh()

    def mover_mode(self) -> MoverMode:
        """What the movers list ranks by."""
        return self._mover_mode

    def set_mover_mode(self, mode: MoverMode) -> None:
        """Rank movers by change, turnover or since last looked."""
        if mode != self._mover_mode:
            self._mover_mode = mode
            self.refresh()

    def forget_baseline(self) -> None:
        """Another feed: its prices are not the ones the user looked at (while shown, the next
        re-rank counts as a look at the new feed's prices)."""
        self.baseline = None

    def mark_seen(self) -> None:
        """Take the current prices as "last looked" (the movers' third mode measures from here)."""
        self.baseline = LookBaseline.take(self._book, self._symbols(), self._clock())

    def refresh(self) -> None:
        """Rank now and hand the results to the models."""
        now = self._clock()
        symbols = self._symbols()
        if self.baseline is None and self.is_active():
            self.mark_seen()
        self.anomalies.set_rows(rank_anomalies(self.scanner.scan(symbols, now), self._rank_by))
        movers = rank_movers(self._book, symbols, self._mover_mode, self.baseline, limit=40)
        self.movers.set_rows(movers)
        self.refreshed.emit(now)

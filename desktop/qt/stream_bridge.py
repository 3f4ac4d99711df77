"""The one place where the feed meets Qt: a single flush timer moves dirty symbols into models.

Nothing per tick touches Qt (DESIGN.md "How a tick travels"): the feed writes into the
`QuoteBook`; this timer, at 20–30 Hz, asks the book what changed and tells the models.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_table_model import QuoteTableModel

__all__ = ["FlushStats", "FrameListener", "StreamBridge"]

FrameListener = Callable[[set[str], float], None]
"""Called once per flush with the symbols changed since the previous one (read-only) and `now`."""


class FlushStats:
    """Counters of the flush loop, read by smoke mode and the performance display."""

    __slots__ = ("cells", "coalesced", "flushes", "last_flush_ms", "symbols")

    def __init__(self) -> None:
        self.flushes = 0
        self.symbols = 0
        self.cells = 0
        self.coalesced = 0
        self.last_flush_ms = 0.0


class StreamBridge(QObject):
    """Drives the flush timer and turns feed callbacks into Qt signals."""

    statusChanged = Signal(object)
    """A new `FeedStatus`."""
    rateChanged = Signal(float)
    """Messages received per second over the last second."""
    flushed = Signal(float)
    """After every flush, with its duration in ms (the performance monitor and benchmarks)."""

    def __init__(
        self,
        book: QuoteBook,
        models: QuoteTableModel | Iterable[QuoteTableModel],
        frames: Callable[[], int],
        flush_hz: float = 25.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self.models: list[QuoteTableModel] = (
            [models] if isinstance(models, QuoteTableModel) else list(models)
        )
        """Every table fed by this book (one per watchlist; hidden lists only note what changed)."""
        self._frames = frames
        self.stats = FlushStats()
        self._last_ticks = book.counters.ticks + book.counters.depth_updates
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(round(1000 / flush_hz))
        self._flush_timer.timeout.connect(self.flush)
        self._rate_timer = QTimer(self)
        self._rate_timer.setInterval(1000)
        self._rate_timer.timeout.connect(self._measure_rate)
        self._rate_window: deque[tuple[float, int]] = deque(maxlen=2)
        self._listeners: list[FrameListener] = []

    def add_frame_listener(self, listener: FrameListener) -> None:
        """Also refresh `listener` (e.g. an open ladder's depth model) on every flush."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_frame_listener(self, listener: FrameListener) -> None:
        """Stop refreshing `listener` (its ladder closed)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def start(self) -> None:
        """Start flushing and measuring."""
        self._rate_window.append((time.monotonic(), self._frames()))
        self._flush_timer.start()
        self._rate_timer.start()

    def add_model(self, model: QuoteTableModel) -> None:
        """Feed one more table (a new watchlist)."""
        if model not in self.models:
            self.models.append(model)

    def remove_model(self, model: QuoteTableModel) -> None:
        """Stop feeding a table (its watchlist was deleted)."""
        if model in self.models:
            self.models.remove(model)

    def stop(self) -> None:
        """Stop the timers (at shutdown)."""
        self._flush_timer.stop()
        self._rate_timer.stop()

    def flush(self) -> None:
        """Move everything that changed since the last frame into the models (one frame)."""
        started = time.perf_counter()
        now = time.monotonic()
        dirty = self.book.take_dirty()
        stats = self.stats
        models = self.models
        if dirty:
            stats.symbols += len(dirty)
            for model in models:
                stats.cells += model.refresh(dirty, now)
            counters = self.book.counters
            applied = counters.ticks + counters.depth_updates
            stats.coalesced += max(0, applied - self._last_ticks - len(dirty))
            self._last_ticks = applied
        for model in models:
            model.tick_flash(now)
            model.resort_if_due(now)
        # `take_dirty()` hands the set out once: every other consumer gets the same set here.
        for listener in tuple(self._listeners):
            listener(dirty, now)
        stats.flushes += 1
        stats.last_flush_ms = (time.perf_counter() - started) * 1000
        self.flushed.emit(stats.last_flush_ms)

    def publish_status(self, status: FeedStatus) -> None:
        """Called by the feed (same thread) when its status changes."""
        self.statusChanged.emit(status)

    def _measure_rate(self) -> None:
        now, frames = time.monotonic(), self._frames()
        if self._rate_window:
            then, before = self._rate_window[-1]
            if now > then:
                self.rateChanged.emit((frames - before) / (now - then))
        self._rate_window.append((now, frames))

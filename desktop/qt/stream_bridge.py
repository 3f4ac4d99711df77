"""The one place where the feed meets Qt: a paced flush moves dirty symbols into the models.

Nothing per tick touches Qt (DESIGN.md "How a tick travels"): the feed writes into the
`QuoteBook`. The first change after a flush wakes the bridge, and `FramePacer` says when to flush:
on the next turn of the event loop after an idle frame (no latency floor), else at the end of the
current frame interval (the screen's refresh rate, at most 60 Hz), so under load changes are
coalesced and flushed never slower than the screen refreshes. A slower housekeeping timer keeps
flashes fading and throttled re-sorts running when nothing changes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from desktop.domain.feed_status import FeedStatus
from desktop.domain.frame_pacer import FramePacer, frame_interval_s
from desktop.domain.quote_book import QuoteBook
from desktop.qt.quote_table_model import QuoteTableModel

__all__ = ["HOUSEKEEPING_HZ", "FlushStats", "FrameListener", "StreamBridge", "screen_refresh_hz"]

HOUSEKEEPING_HZ = 25.0
"""Frames per second while nothing changes: flash fades step at 0.2 s, re-sorts every 0.5 s."""

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


def screen_refresh_hz() -> float | None:
    """The primary screen's refresh rate (None without a screen, e.g. before QGuiApplication)."""
    if QGuiApplication.instance() is None:
        return None
    screen = QGuiApplication.primaryScreen()
    return screen.refreshRate() if screen is not None else None


class StreamBridge(QObject):
    """Paces the flushes and turns feed callbacks into Qt signals."""

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
        refresh_hz: float | None = None,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.book = book
        self.models: list[QuoteTableModel] = (
            [models] if isinstance(models, QuoteTableModel) else list(models)
        )
        """Every table fed by this book (one per watchlist; hidden lists only note what changed)."""
        self._frames = frames
        self.stats = FlushStats()
        self._last_ticks = book.counters.ticks + book.counters.depth_updates
        self.pacer = FramePacer(frame_interval_s(refresh_hz or screen_refresh_hz()))
        """The pacing policy; its interval follows the screen (`refresh_hz` overrides it)."""
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._frame_timer.timeout.connect(self.flush)
        self._housekeeping = QTimer(self)
        self._housekeeping.setInterval(round(1000 / HOUSEKEEPING_HZ))
        self._housekeeping.timeout.connect(self.request_frame)
        self._running = False
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
        """Start flushing (woken by the book's changes) and measuring."""
        self._running = True
        self._rate_window.append((time.monotonic(), self._frames()))
        self.book.set_change_listener(self.request_frame)
        self._housekeeping.start()
        self._rate_timer.start()
        self.request_frame()

    def request_frame(self) -> None:
        """Something changed (or a housekeeping tick): flush when the pacer says."""
        if not self._running:
            return
        delay = self.pacer.request(self._clock())
        if delay is not None:
            self._frame_timer.start(max(0, round(delay * 1000)))

    def add_model(self, model: QuoteTableModel) -> None:
        """Feed one more table (a new watchlist)."""
        if model not in self.models:
            self.models.append(model)

    def remove_model(self, model: QuoteTableModel) -> None:
        """Stop feeding a table (its watchlist was deleted)."""
        if model in self.models:
            self.models.remove(model)

    def stop(self) -> None:
        """Stop the timers (at shutdown) and stop listening to the book."""
        self._running = False
        self.book.set_change_listener(None)
        self._frame_timer.stop()
        self._housekeeping.stop()
        self._rate_timer.stop()

    def flush(self) -> None:
        """Move everything that changed since the last frame into the models (one frame)."""
        started = time.perf_counter()
        now = self._clock()
        self._frame_timer.stop()
        self.pacer.frame_ran(now)  # a change made during this flush asks for the next frame
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

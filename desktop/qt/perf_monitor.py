"""How the board is keeping up: message and flush rates, loop lag, flush cost and decode backlog.

The loop-lag probe is a 10 ms precise timer; how late each tick of it fires is how long the
event loop was busy with something else (a flush, a paint, a burst of frames). It costs one
Python call per 10 ms and runs only while someone looks (the Performance panel, a benchmark).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from desktop.qt.stream_bridge import StreamBridge

__all__ = ["LoopLagProbe", "PerfMonitor", "PerfSample", "p99"]


def p99(values: list[float] | deque[float]) -> float:
    """The 99th percentile (nearest rank) of `values`, 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


class LoopLagProbe(QObject):
    """A precise `interval_ms` timer recording how late each of its ticks fires, in ms.

    `samples` keeps the last `keep` lags (all of them when `keep` is None, for benchmarks).
    """

    def __init__(
        self, interval_ms: int = 10, keep: int | None = 500, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.samples: deque[float] = deque(maxlen=keep)
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start probing (idempotent)."""
        if not self._timer.isActive():
            self._last = None
            self._timer.start()

    def stop(self) -> None:
        """Stop probing."""
        self._timer.stop()

    def is_running(self) -> bool:
        """Whether the probe timer is active."""
        return self._timer.isActive()

    def _tick(self) -> None:
        now = time.perf_counter()
        last, self._last = self._last, now
        if last is not None:
            self.samples.append(max(0.0, (now - last) * 1000.0 - self.interval_ms))


@dataclass(frozen=True, slots=True)
class PerfSample:
    """One reading of the monitor, over the last `sample` period (lags: the last few seconds)."""

    messages_per_s: float
    flushes_per_s: float
    ticks_per_flush: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float
    flush_p99_ms: float
    decode_backlog: int
    recorder_queue: int = 0
    """Events waiting for the tick recorder's writer thread."""


class PerfMonitor(QObject):
    """Samples a `StreamBridge` and the feed's counters once a second while active."""

    sampled = Signal(object)
    """A new `PerfSample`."""

    def __init__(
        self,
        bridge: StreamBridge,
        frames: Callable[[], int],
        backlog: Callable[[], int],
        sample_ms: int = 1000,
        parent: QObject | None = None,
        recorder_queue: Callable[[], int] = lambda: 0,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._frames = frames
        self._backlog = backlog
        self._recorder_queue = recorder_queue
        self.probe = LoopLagProbe(parent=self)
        self._flush_ms: deque[float] = deque(maxlen=250)
        self._timer = QTimer(self)
        self._timer.setInterval(sample_ms)
        self._timer.timeout.connect(self.sample)
        self._previous: tuple[float, int, int, int] | None = None
        bridge.flushed.connect(self._flush_ms.append)

    def set_active(self, active: bool) -> None:
        """Start (True) or stop (False) probing and sampling: only pay while someone looks."""
        if active:
            self._previous = self._counters()
            self.probe.start()
            self._timer.start()
        else:
            self._timer.stop()
            self.probe.stop()

    def is_active(self) -> bool:
        """Whether the monitor is sampling."""
        return self._timer.isActive()

    def _counters(self) -> tuple[float, int, int, int]:
        counters = self._bridge.book.counters
        applied = counters.ticks + counters.depth_updates
        return time.monotonic(), self._frames(), self._bridge.stats.flushes, applied

    def sample(self) -> PerfSample:
        """Take a reading now, emit it and return it."""
        now, frames, flushes, applied = current = self._counters()
        then, frames0, flushes0, applied0 = self._previous or current
        self._previous = current
        elapsed = now - then
        flushed = flushes - flushes0
        lags = self.probe.samples
        reading = PerfSample(
            messages_per_s=(frames - frames0) / elapsed if elapsed > 0 else 0.0,
            flushes_per_s=flushed / elapsed if elapsed > 0 else 0.0,
            ticks_per_flush=(applied - applied0) / flushed if flushed else 0.0,
            loop_lag_p99_ms=p99(lags),
            loop_lag_max_ms=max(lags, default=0.0),
            flush_p99_ms=p99(self._flush_ms),
            decode_backlog=self._backlog(),
            recorder_queue=self._recorder_queue(),
        )
        self.sampled.emit(reading)
        return reading

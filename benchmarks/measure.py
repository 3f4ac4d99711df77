"""One benchmark run as a client sees it: wait, warm up, measure a window, stop the feed, drain.

Both clients (ours and the baseline) use this same state machine, driven by a 100 ms Qt timer,
and the same `LoopLagProbe`, so their figures are measured identically. The client tells it how
many ticks it has received from the socket and applied to its state, and feeds it latencies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer

from benchmarks.common import ControlBlock, CpuClock, emit_result, peak_rss_mb, percentile
from benchmarks.screen_latency import ScreenLatency
from desktop.qt.perf_monitor import LoopLagProbe

__all__ = ["RunMeasurement"]

_STEP_MS = 100
_START_TIMEOUT_S = 120.0
"""Seeding 5,000 symbols' names and minute bars on a loaded machine can take a minute."""
_DRAIN_TIMEOUT_S = 5.0
SUSTAINED_LAG_P99_MS = 50.0
SUSTAINED_BACKLOG_GROWTH = 0.05
"""A run keeps up when its backlog grows by less than this fraction of the offered rate…"""
SUSTAINED_LATENCY_P99_MS = 1000.0
"""…and no tick waits a second: a backlog that is not growing but is already seconds deep."""


class RunMeasurement(QObject):
    """Times one run and prints its `RESULT` line.

    `ready()` says when the client is subscribed and has its snapshot: only then does the
    simulator start pushing, so start-up work never lands in the measured window.
    """

    def __init__(
        self,
        control: ControlBlock,
        *,
        rate: float,
        warmup_s: float,
        window_s: float,
        received: Callable[[], int],
        applied: Callable[[], int],
        ready: Callable[[], bool],
        extra: Callable[[], dict[str, Any]],
        worker_cpu: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self._worker_cpu = worker_cpu
        """CPU seconds of the client's ingest worker process so far (None: it has none)."""
        self.control = control
        self.rate = rate
        self.warmup_s = warmup_s
        self.window_s = window_s
        self._received = received
        self._applied = applied
        self._ready = ready
        self._extra = extra
        self.probe = LoopLagProbe(keep=None, parent=self)
        self.in_window = False
        self.latencies: list[np.ndarray] = []
        self.tick_latencies: list[float] = []
        """Per-tick latencies (ms) a client appends itself while `in_window`."""
        self.flush_ms: list[float] = []
        self.screen: ScreenLatency | None = None
        """The client's tick → screen probe (it keeps its own window's latencies)."""
        self._cpu = CpuClock()
        self._phase = "waiting"
        self._phase_at = time.monotonic()
        self._marks: dict[str, Any] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(_STEP_MS)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        """Begin waiting for the feed."""
        self.probe.start()
        self._timer.start()

    def add_latencies(self, values_ms: np.ndarray) -> None:
        """Latencies (ms) of ticks that just reached the model; kept only inside the window."""
        if self.in_window and values_ms.size:
            self.latencies.append(values_ms)

    def add_flush(self, duration_ms: float) -> None:
        """One flush's duration; kept only inside the window."""
        if self.in_window:
            self.flush_ms.append(duration_ms)

    def _enter(self, phase: str) -> None:
        self._phase, self._phase_at = phase, time.monotonic()

    def _step(self) -> None:
        now = time.monotonic()
        since = now - self._phase_at
        if self._phase == "waiting":
            if self._ready():
                self.control.set("go", 1)
                self._enter("starting")
            elif since > _START_TIMEOUT_S:
                self._finish(error="no subscription and REST snapshot within the start timeout")
        elif self._phase == "starting":
            if self._applied() > 0:
                self._enter("warmup")
            elif since > _START_TIMEOUT_S:
                self._finish(error="no ticks arrived within the start timeout")
        elif self._phase == "warmup" and since >= self.warmup_s:
            self._open_window()
        elif self._phase == "window":
            if since >= self.window_s:
                self._close_window()
        elif self._phase == "stopping" and since >= 0.2:
            self._marks["pushed_final"] = self.control.get("pushed")
            self._enter("draining")
        elif self._phase == "draining" and (
            self._applied() >= self._marks["pushed_final"] or since > _DRAIN_TIMEOUT_S
        ):
            self._finish()

    def _open_window(self) -> None:
        self.probe.samples.clear()
        self._cpu.start()
        if self._worker_cpu is not None:
            self._marks["worker_cpu0"] = self._worker_cpu()
        self._marks.update(
            applied0=self._applied(), pushed0=self.control.get("pushed"), t0=time.monotonic()
        )
        self.in_window = True
        self._enter("window")

    def _close_window(self) -> None:
        self.in_window = False
        self._marks["cpu_s"], self._marks["wall_s"] = self._cpu.read()
        if self._worker_cpu is not None:
            self._marks["worker_cpu_s"] = self._worker_cpu() - self._marks["worker_cpu0"]
        self._marks.update(applied1=self._applied(), pushed1=self.control.get("pushed"))
        self._marks["lags"] = list(self.probe.samples)
        self.control.set("stop", 1)
        self._enter("stopping")

    def _finish(self, error: str | None = None) -> None:
        self._timer.stop()
        self.probe.stop()
        result: dict[str, Any] = {"error": error} if error else self._figures()
        result.update(self._extra())
        emit_result(result)

    def _figures(self) -> dict[str, Any]:
        m = self._marks
        wall = m["wall_s"]
        delivered = (m["applied1"] - m["applied0"]) / wall
        pushed_rate = (m["pushed1"] - m["pushed0"]) / wall
        latencies = np.concatenate([*self.latencies, np.array(self.tick_latencies)])
        lags = m["lags"]
        backlog0 = m["pushed0"] - m["applied0"]
        growth = (m["pushed1"] - m["applied1"] - backlog0) / wall
        lag_p99 = percentile(lags, 99) or 0.0
        latency_p99 = percentile(latencies, 99)
        drained = self._applied() >= m["pushed_final"]
        ticks = m["applied1"] - m["applied0"]
        screen = self.screen.latencies if self.screen is not None else []
        return {
            "offered_rate": self.rate,
            "generator_rate": round(pushed_rate, 1),
            "delivered_rate": round(delivered, 1),
            "latency_p50_ms": _round(percentile(latencies, 50)),
            "latency_p99_ms": _round(latency_p99),
            "latency_max_ms": _round(float(latencies.max()) if latencies.size else None),
            "screen_p50_ms": _round(percentile(screen, 50)),
            "screen_p99_ms": _round(percentile(screen, 99)),
            "screen_samples": len(screen),
            "screen_dropped": self.screen.dropped if self.screen is not None else None,
            "screen_settled": self.screen.settled if self.screen is not None else None,
            "loop_lag_p50_ms": _round(percentile(lags, 50)),
            "loop_lag_p99_ms": _round(lag_p99),
            "loop_lag_max_ms": _round(max(lags, default=0.0)),
            "flush_p99_ms": _round(percentile(self.flush_ms, 99)),
            "cpu_pct": round(100 * m["cpu_s"] / wall, 1),
            "worker_cpu_pct": (
                round(100 * m["worker_cpu_s"] / wall, 1) if "worker_cpu_s" in m else None
            ),
            "cpu_ms_per_1k_ticks": round(1e6 * m["cpu_s"] / ticks, 2) if ticks else None,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "backlog_growth_per_s": round(growth, 1),
            "backlog_at_end": m["pushed1"] - m["applied1"],
            "pushed_total": m["pushed_final"],
            "received_total": self._received(),
            "applied_total": self._applied(),
            "drained": drained,
            "sustained": bool(
                lag_p99 < SUSTAINED_LAG_P99_MS
                and growth < SUSTAINED_BACKLOG_GROWTH * self.rate
                and latency_p99 is not None
                and latency_p99 < SUSTAINED_LATENCY_P99_MS
            ),
            "window_s": round(wall, 2),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

"""PerfMonitor and its loop-lag probe: rates from counters, lateness of a blocked loop, p99."""

from __future__ import annotations

import time
from decimal import Decimal

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.qt.perf_monitor import LoopLagProbe, PerfMonitor, PerfSample, p99
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)


def _tick(seq: int) -> Tick:
    return Tick("AAPL.US", Decimal(100 + seq % 3), 10, None, TradeSide.BUY, 1_732_286_400_000, seq)


def test_p99_is_the_nearest_rank_value_and_zero_for_nothing() -> None:
    assert p99([]) == 0.0
    assert p99([float(v) for v in range(1, 101)]) == 100.0
    assert p99([5.0] * 99 + [400.0]) == 400.0
    assert p99([5.0] * 200 + [400.0]) == 5.0


def test_the_probe_measures_how_long_the_loop_was_blocked(qtbot: QtBot) -> None:
    probe = LoopLagProbe(interval_ms=10, keep=None)
    probe.start()
    qtbot.waitUntil(lambda: len(probe.samples) >= 3, timeout=WAIT_MS)
    QTimer.singleShot(0, lambda: time.sleep(0.12))  # a deliberately blocked loop, not a wait
    qtbot.waitUntil(lambda: max(probe.samples) >= 80.0, timeout=WAIT_MS)
    probe.stop()
    assert not probe.is_running()


def test_a_sample_reports_rates_ticks_per_flush_flush_cost_and_backlog(qtbot: QtBot) -> None:
    book = QuoteBook()
    model = QuoteTableModel(book)
    model.set_symbols(["AAPL.US"])
    frames = [0]
    bridge = StreamBridge(book, model, lambda: frames[0])
    monitor = PerfMonitor(bridge, frames=lambda: frames[0], backlog=lambda: 17)
    monitor.set_active(True)
    assert monitor.is_active() and monitor.probe.is_running()
    for seq in range(1, 31):
        book.apply_tick(_tick(seq), time.monotonic())
        frames[0] += 1
        if seq % 10 == 0:
            bridge.flush()
    samples: list[PerfSample] = []
    monitor.sampled.connect(samples.append)
    reading = monitor.sample()
    assert samples == [reading]
    assert reading.ticks_per_flush == 10.0
    assert reading.messages_per_s > 0
    assert reading.flushes_per_s > 0
    assert reading.flush_p99_ms > 0
    assert reading.decode_backlog == 17
    monitor.set_active(False)
    assert not monitor.is_active() and not monitor.probe.is_running()

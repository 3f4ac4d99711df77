"""GuiThreadCollector: cyclic garbage is freed on the GUI thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.qt.gui_thread_gc import GuiThreadCollector, collect_if_due, due_generation


class _Cycle:
    """Garbage only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def automatic_gc() -> Iterator[None]:
    """Automatic collection on for the test (the suite keeps it off), as a user's process has."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _freed_on(make_garbage_then_allocate: threading.Thread) -> list[int]:
    """Run the thread; the thread ids on which the cycle it drops was freed so far."""
    make_garbage_then_allocate.start()
    make_garbage_then_allocate.join()
    return freed


freed: list[int] = []
kept: list[list[int]] = []


def _drop_a_cycle_and_allocate() -> None:
    freed.clear()
    kept.clear()
    cycle = _Cycle()
    weakref.finalize(cycle, lambda: freed.append(threading.get_ident()))
    del cycle
    kept.extend([n] for n in range(20_000))  # a worker's allocations, well past the threshold


def test_without_the_collector_a_worker_thread_frees_the_gui_threads_garbage(
    automatic_gc: None,
) -> None:
    gc.collect()
    worker = threading.Thread(target=_drop_a_cycle_and_allocate)
    assert _freed_on(worker) == [worker.ident]  # the hazard: a Qt object would die off-thread
    kept.clear()


def test_with_the_collector_the_worker_only_allocates_and_the_gui_thread_frees(
    qtbot: QtBot, automatic_gc: None
) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        worker = threading.Thread(target=_drop_a_cycle_and_allocate)
        assert _freed_on(worker) == []
        qtbot.waitUntil(lambda: freed == [threading.get_ident()], timeout=2000)
        assert collector.collections >= 1 and collector.longest_ms >= 0.0
    finally:
        collector.stop()
        kept.clear()
    assert gc.isenabled()  # given back as it was found


def test_stop_leaves_collection_off_when_it_was_off_before_start() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        collector = GuiThreadCollector()
        collector.start()
        collector.stop()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize(
    ("counts", "due"),
    [
        ((700, 9, 9), None),  # at the threshold: not yet
        ((701, 0, 0), 0),
        ((701, 11, 0), 1),
        ((701, 11, 11), 2),
        ((701, 0, 11), 2),  # generation 2 is due on its own count, as in CPython
        ((5, 50, 50), None),  # nothing is collected until generation 0 is due
    ],
)
def test_the_due_generation_follows_the_interpreters_thresholds(
    counts: tuple[int, int, int], due: int | None
) -> None:
    assert due_generation(counts, (700, 10, 10)) == due


def test_collect_if_due_collects_only_past_the_threshold() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        assert collect_if_due() is None
        keep = [[n] for n in range(gc.get_threshold()[0] + 10)]
        assert collect_if_due() == 0 and gc.get_count()[0] < len(keep)
    finally:
        if was:
            gc.enable()


def test_a_due_oldest_generation_walks_only_what_survived_since_the_last_full_sweep(
    qtbot: QtBot,
) -> None:
    was = gc.isenabled()
    collector = GuiThreadCollector()
    collector.start()
    try:
        old = [_Cycle() for _ in range(2_000)]  # a long-lived heap, then one cycle in it dropped
        doomed = old.pop()
        finalised: list[bool] = []
        weakref.finalize(doomed, lambda: finalised.append(True))
        del doomed
        _force_oldest_due()
        collector.collect_due()
        assert collector.full_sweeps == 1 and finalised == [True]  # nothing frozen yet: full
        frozen = gc.get_freeze_count()
        assert frozen >= len(old)
        doomed = old.pop()
        weakref.finalize(doomed, lambda: finalised.append(True))
        del doomed
        _force_oldest_due()
        collector.collect_due()  # few survivors since: the frozen heap is not walked
        assert collector.full_sweeps == 1 and finalised == [True]
        young = [_Cycle() for _ in range(frozen // 4 + 100)]
        gc.collect(1)  # they survive into the oldest generation: over a quarter of the frozen
        _force_oldest_due()
        collector.collect_due()
        assert collector.full_sweeps == 2 and finalised == [True, True]  # the old cycle too
        assert young
    finally:
        collector.stop()
        if was:
            gc.enable()
    assert gc.get_freeze_count() == 0


def _force_oldest_due() -> None:
    """Make the oldest generation due by the counts (ten middle collections, a full youngest)."""
    threshold0, threshold1, threshold2 = gc.get_threshold()
    for _ in range(threshold2 + 1):
        gc.collect(1)
    _keep.extend([[n] for n in range(threshold0 * 2)])


_keep: list[list[int]] = []

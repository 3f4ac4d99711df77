"""Python's cyclic garbage collector, run only on the GUI thread.

Automatic collection runs on whichever thread happens to allocate past a threshold: the
recorder's writer, a keyring call, an executor thread parsing an imported list. A collection
there can free a cycle that holds a Qt object (a model, a timer, a widget wrapper) and so
destroy it on a thread that does not own it, which Qt does not allow and which can crash the
process later, far from the cause. `GuiThreadCollector` turns automatic collection off and
runs the same generational policy from a GUI-thread timer instead: a generation is collected
when its count passes the interpreter's threshold, checked ten times a second. Other threads
only ever allocate.

CPython collects its oldest generation in full only when the objects that survived into it
since the last full collection exceed a quarter of those already there; its counts alone would
sweep the whole heap every ten middle-generation collections (≈ 80–90 ms at 5,000 symbols,
several times a minute under load). The collector keeps that rule with `gc.freeze()`: after a
full sweep the survivors are frozen, a due oldest-generation collection walks only what came
after, and a full sweep (unfreeze, collect, freeze) runs once that exceeds a quarter of the
frozen heap. A cycle among frozen objects waits for the next full sweep, as in CPython.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, Qt, QTimer

__all__ = ["GuiThreadCollector", "collect_if_due", "due_generation"]

_CHECK_MS = 100
"""How often the GUI thread looks at the collector's counts."""


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, ...]) -> int | None:
    """The oldest generation the interpreter would collect now, or None when none is due.

    The rule is CPython's own: generation 0 when its allocation count passes its threshold,
    and an older one at the same time when enough younger collections have run since its last.
    """
    if counts[0] <= thresholds[0]:
        return None
    for generation in (2, 1):
        if counts[generation] > thresholds[generation]:
            return generation
    return 0


def collect_if_due() -> int | None:
    """Collect the generation that is due on the calling thread; the generation, or None."""
    count0, count1, count2 = gc.get_count()
    generation = due_generation((count0, count1, count2), gc.get_threshold())
    if generation is not None:
        gc.collect(generation)
    return generation


class GuiThreadCollector(QObject):
    """Owns garbage collection while the board runs: off on every thread, due work on this one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.setInterval(_CHECK_MS)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()
        self.full_sweeps = 0
        """Full collections of the whole heap (the frozen part included)."""
        self.collections = 0
        """Collections run so far (any generation)."""
        self.longest_ms = 0.0
        """The longest single collection, in milliseconds: what it cost the loop at worst."""

    def start(self) -> None:
        """Turn automatic collection off and start checking from the GUI thread."""
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop checking and give collection back as it was before `start` (nothing frozen)."""
        self._timer.stop()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> None:
        """Run the collection that is due, if any, and account for its cost."""
        started = time.perf_counter()
        generation = due_generation(gc.get_count(), gc.get_threshold())
        if generation is None:
            return
        if generation == 2 and len(gc.get_objects(generation=2)) > gc.get_freeze_count() // 4:
            self.sweep()
            return
        gc.collect(generation)
        self._account(started)

    def sweep(self) -> None:
        """Collect the whole heap now and freeze what survives: the board calls it once its
        start-up load is in (history seeded), so no full sweep falls in the first minutes of
        trading for what loading left behind."""
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect(2)
        gc.freeze()
        self.full_sweeps += 1
        self._account(started)

    def _account(self, started: float) -> None:
        self.collections += 1
        self.longest_ms = max(self.longest_ms, (time.perf_counter() - started) * 1000.0)

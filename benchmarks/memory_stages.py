"""Where a client's memory goes: resident size at each stage, and Python's allocation sites.

Off unless `QB_BENCH_MEMORY=FILE` is set (then tracemalloc runs from `note_start()`, which slows
the client, so figures from such a run are for memory only). `python -m benchmarks.memory` sets
it for one run of ours and prints the report.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.common import peak_rss_mb

__all__ = ["MEMORY_REPORT_ENV", "MEMORY_TRACE_ENV", "MemoryStages", "rss_mb"]

MEMORY_REPORT_ENV = "QB_BENCH_MEMORY"
MEMORY_TRACE_ENV = "QB_BENCH_MEMORY_TRACE"
"""Set to 1 to trace Python allocations too (slow: seeding 5,000 symbols takes minutes)."""
_TOP = 40


def rss_mb() -> float:
    """This process's current resident set size in MiB (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class MemoryStages:
    """RSS and traced Python memory at named stages; the allocation sites at the last one."""

    _started_rss = 0.0

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self.stages: dict[str, dict[str, float]] = {}

    @classmethod
    def note_start(cls) -> None:
        """After imports and QApplication: start tracing when a report was asked for."""
        cls._started_rss = rss_mb()
        if os.environ.get(MEMORY_REPORT_ENV) and os.environ.get(MEMORY_TRACE_ENV) == "1":
            tracemalloc.start(1)

    def mark(self, stage: str) -> None:
        """Record `stage` once (later calls keep the first figures)."""
        if self.path is None or stage in self.stages:
            return
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else 0.0
        self.stages[stage] = {
            "rss_mb": round(rss_mb(), 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "python_traced_mb": round(traced, 1),
        }

    def write(self) -> None:
        """Write the stages and the biggest allocation sites (by line and by file) as JSON."""
        if self.path is None:
            return
        report: dict[str, Any] = {
            "after_imports_rss_mb": round(self._started_rss, 1),
            "stages": self.stages,
        }
        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            report["by_line"] = [
                {"where": str(stat.traceback), "mb": round(stat.size / 2**20, 2), "n": stat.count}
                for stat in snapshot.statistics("lineno")[:_TOP]
            ]
            report["by_file"] = [
                {"where": str(stat.traceback), "mb": round(stat.size / 2**20, 2), "n": stat.count}
                for stat in snapshot.statistics("filename")[:_TOP]
            ]
        self.path.write_text(json.dumps(report, indent=1) + "\n")

"""Pieces shared by the simulator process, both clients and the runner.

The processes meet through a tiny memory-mapped control block: the simulator publishes how many
trades it has written, a client flips the stop flag when its measuring window ends. Reading it
costs a syscall-free `struct.unpack_from`, so clients sample it every 100 ms without disturbing
what they measure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import mmap
import os
import resource
import string
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "WINDOW_SIZE",
    "ControlBlock",
    "CpuClock",
    "benchmark_symbols",
    "client_arguments",
    "emit_result",
    "peak_rss_mb",
    "percentile",
    "wire_code",
]

WINDOW_SIZE = (1920, 1080)
"""Both clients' main window: a common desktop screen. At 1280 × 760 our watchlist, beside the
depth dock, showed only Symbol and Name, so a price change reached the screen as a 5-pixel sliver
of the Last column; at this size Last, Chg and Chg % are on screen as a trader has them."""

_SLOTS = ("pushed", "throttled", "go", "stop", "pushing_since_ms")
_SIZE = 8 * len(_SLOTS)


class ControlBlock:
    """Eight-byte integer slots in a shared file (see `_SLOTS`), one writer per slot.

    The simulator writes `pushed`, `throttled` and `pushing_since_ms`; a client sets `go` once it
    is subscribed and has its REST snapshot (pushes start then) and `stop` (1: stop pushing,
    2: exit).
    """

    def __init__(self, path: Path, *, create: bool = False) -> None:
        if create:
            path.write_bytes(b"\0" * _SIZE)
        self._file = path.open("r+b")
        self._map = mmap.mmap(self._file.fileno(), _SIZE)

    def get(self, slot: str) -> int:
        """The slot's current value."""
        return int.from_bytes(self._map[_offset(slot) : _offset(slot) + 8], "little", signed=True)

    def set(self, slot: str, value: int) -> None:
        """Write the slot (one writer per slot)."""
        self._map[_offset(slot) : _offset(slot) + 8] = value.to_bytes(8, "little", signed=True)

    def close(self) -> None:
        """Unmap and close the file."""
        self._map.close()
        self._file.close()


def _offset(slot: str) -> int:
    return 8 * _SLOTS.index(slot)


def client_arguments(description: str | None, ladders_help: str) -> argparse.Namespace:
    """The command line every client takes from the runner (`benchmarks.runner.run_once`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--symbols", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--ladders", action="store_true", help=ladders_help)
    parser.add_argument("--ingest", choices=("loop", "process"), default="loop")
    parser.add_argument("--ingest-workers", type=int, default=None, help="implies process")
    parser.add_argument("--symbols-per-connection", type=int, default=None)
    return parser.parse_args()


def benchmark_symbols(count: int) -> list[str]:
    """`count` display symbols, alternating synthetic US (`QABC.US`) and HK (`20001.HK`) codes."""
    letters = ("Q" + "".join(t) for t in itertools.product(string.ascii_uppercase, repeat=3))
    numbers = (f"{n}.HK" for n in itertools.count(20000))
    out: list[str] = []
    for us, hk in zip(letters, numbers, strict=False):
        out.extend((f"{us}.US", hk))
        if len(out) >= count:
            break
    return out[:count]


def wire_code(symbol: str) -> str:
    """The AllTick wire form (`00700.HK` → `700.HK`; ours are already wire-shaped)."""
    code, _, market = symbol.rpartition(".")
    return f"{int(code)}.HK" if market == "HK" else symbol


def percentile(values: Any, q: float) -> float | None:
    """The q-th percentile of a sequence or array, None when empty."""
    array = np.asarray(values, dtype=np.float64)
    return float(np.percentile(array, q)) if array.size else None


@dataclass
class CpuClock:
    """Process CPU time (all threads) and wall time between `start()` and `read()`."""

    cpu0: float = 0.0
    wall0: float = 0.0

    def start(self) -> None:
        """Begin the interval."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu0, self.wall0 = usage.ru_utime + usage.ru_stime, time.monotonic()

    def read(self) -> tuple[float, float]:
        """(cpu seconds, wall seconds) since `start()`."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime - self.cpu0, time.monotonic() - self.wall0


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) another process has used so far (Linux: /proc; else 0)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def emit_result(result: dict[str, Any]) -> None:
    """Print the one JSON line the runner reads, then leave without Qt's slow teardown."""
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)

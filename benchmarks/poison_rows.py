"""Poison rows against the tick recorder: what is recorded, what is skipped, nothing retried forever.

Each case feeds a real `Recorder` over a SQLite `ticks.db` thousands of good trades with a few
rows SQLite cannot or will not store in the middle, or starts it on a corrupt file, and reports
the outcome. `python -m benchmarks.poison_rows` (part of `make reliability`) prints the table.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import msgspec

from desktop.domain.market_data import DepthLevel, DepthSnapshot, Tick, TradeSide
from desktop.domain.recording import RecordingState
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_store import SqliteTickStore

__all__ = ["PoisonResult", "main", "run_cases"]

_TIMING = RecorderTiming(batch_interval_s=0.02, retry_floor_s=0.02, retry_cap_s=0.1)
_GOOD = 4_000
_WAIT_S = 60.0


@dataclass(frozen=True)
class PoisonResult:
    """One case: rows offered, good rows recorded, rows skipped, and whether it still records."""

    case: str
    offered: int
    expected: int
    recorded: int
    rejected: int
    recording: bool
    note: str = ""

    @property
    def ok(self) -> bool:
        """Every good row recorded, the poison skipped, the recorder still recording."""
        return self.recorded == self.expected and self.recording


def _tick(n: int) -> Tick:
    return Tick(
        "AAPL.US",
        Decimal(f"{100 + n % 97}.25"),
        100,
        None,
        TradeSide.BUY,
        1_714_642_200_000 + n,
        n,
    )


def _run(path: Path, events: list[Tick | DepthSnapshot]) -> tuple[Recorder, int]:
    recorder = Recorder(SqliteTickStore(path), timing=_TIMING)
    recorder.start()
    for event in events:
        recorder.offer(event)
    finished = recorder.wait_written(_WAIT_S)
    state = recorder.status()
    recorder.close()
    recording = finished and state.state is RecordingState.RECORDING
    reader = SqliteTickStore(path)
    try:
        stored = sum(reader.counts().values())
    finally:
        reader.close()
    return recorder, stored if recording else -stored


def _with_poison(poison: list[Tick | DepthSnapshot]) -> list[Tick | DepthSnapshot]:
    good: list[Tick | DepthSnapshot] = [_tick(n) for n in range(_GOOD)]
    return good[: _GOOD // 2] + poison + good[_GOOD // 2 :]


def run_cases(folder: Path) -> list[PoisonResult]:
    """Every poison case in its own `ticks.db` under `folder`."""
    results: list[PoisonResult] = []
    huge_book = DepthSnapshot(
        "AAPL.US",
        tuple(DepthLevel(Decimal("1.5"), 1) for _ in range(100_000)),
        (),
        1_714_642_200_000,
        1,
    )
    cases: dict[str, list[Tick | DepthSnapshot]] = {
        "volume 9999999999999999999": [
            msgspec.structs.replace(_tick(10**6), volume=9_999_999_999_999_999_999)
        ],
        "seq above 2^63": [msgspec.structs.replace(_tick(10**6 + 1), seq=2**63 + 5)],
        "a 100,000-level book": [huge_book],
    }
    for name, poison in cases.items():
        path = folder / f"{len(results)}" / "ticks.db"
        path.parent.mkdir()
        recorder, stored = _run(path, _with_poison(poison))
        results.append(
            PoisonResult(
                name, _GOOD + len(poison), _GOOD, stored, recorder.stats.rejected, stored >= 0
            )
        )

    path = folder / "trigger" / "ticks.db"
    path.parent.mkdir()
    store = SqliteTickStore(path)
    store.open()
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.seq % 1000 = 777 "
            "BEGIN SELECT RAISE(ABORT, 'refused row'); END"
        )
    recorder, stored = _run(path, [_tick(n) for n in range(_GOOD)])
    results.append(
        PoisonResult(
            "rows SQLite refuses (4 in 4,000)",
            _GOOD,
            _GOOD - 4,
            abs(stored),
            recorder.stats.rejected,
            stored >= 0,
        )
    )

    path = folder / "corrupt" / "ticks.db"
    path.parent.mkdir()
    path.write_bytes(b"not a database" * 1000)
    recorder, stored = _run(path, [_tick(n) for n in range(843)])
    moved = [p.name for p in path.parent.glob("ticks.db.corrupt-*")]
    results.append(
        PoisonResult(
            "corrupt ticks.db",
            843,
            843,
            abs(stored),
            recorder.stats.rejected,
            stored >= 0,
            f"moved aside as {moved[0]}" if moved else "NOT moved aside",
        )
    )
    return results


def format_table(results: list[PoisonResult]) -> str:
    """The outcomes as a Markdown table."""
    lines = [
        "| Poison | Offered | Good rows recorded | Skipped (counted) | Still recording | Note |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        recorded = f"{r.recorded:,} of {r.expected:,}"
        lines.append(
            f"| {r.case} | {r.offered:,} | {recorded} | {r.rejected:,} | "
            f"{'yes' if r.recording else 'NO'} | {r.note} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every case and print the table; exit 1 when a good row was lost or recording stopped."""
    del argv
    with tempfile.TemporaryDirectory(prefix="qb-poison-") as folder:
        results = run_cases(Path(folder))
    print("Recorder poison rows:")
    print(format_table(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""`python -m benchmarks.worker_scaling`: delivered ticks/s with 1, 2 and 4 ingest workers.

5,000 symbols over 4 connections (`--symbols-per-connection 1250`), so 1 worker hosts all four,
2 workers two each and 4 workers one each (`--ingest-workers N`, connection i in worker i % N).
Each point of the rate ladder is a fresh simulator and client (`benchmarks.runner.run_once`,
system `ours-process-N`), as in the main benchmark. Printed per worker count and offered rate:
delivered ticks/s, tick → screen p50/p99, the GUI loop's lag p99, and the CPU of the GUI process
and of all workers together (100 % = one core). A run whose backlog did not drain is marked
"(not drained)": its delivered rate is what the client managed, not the rate offered.
The markdown table it prints is the one in the README ("Worker scaling").
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from benchmarks.report import cell_text
from benchmarks.runner import RunSpec, run_once

__all__ = ["format_rows", "main"]

SYMBOLS = 5_000
CONNECTIONS = 4
WORKER_COUNTS = (1, 2, 4)
RATES = (20_000.0, 40_000.0, 60_000.0)
_COLUMNS = (
    ("screen_p50_ms", "{:,.0f}"),
    ("screen_p99_ms", "{:,.0f}"),
    ("loop_lag_p99_ms", "{:,.0f}"),
    ("cpu_pct", "{:.0f} %"),
    ("worker_cpu_pct", "{:.0f} %"),
)


def format_rows(runs: list[dict[str, Any]]) -> list[str]:
    """The markdown table of the runs, one row per worker count and offered rate."""
    lines = [
        "| workers | offered/s | delivered/s | tick → screen p50 / p99 ms | loop lag p99 ms "
        "| CPU: GUI process | CPU: workers (sum) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        if run.get("error"):
            lines.append(f"| {run['workers']} | {run['offered_rate']:,.0f} | error: "
                         f"{str(run['error'])[:80]} | | | | |")  # fmt: skip
            continue
        delivered = cell_text(run, "delivered_rate", "{:,.0f}")
        if not run.get("drained", False):
            delivered += " (not drained)"
        p50, p99, lag, cpu, workers_cpu = (cell_text(run, key, fmt) for key, fmt in _COLUMNS)
        lines.append(
            f"| {run['workers']} | {run['offered_rate']:,.0f} | {delivered} | {p50} / {p99} "
            f"| {lag} | {cpu} | {workers_cpu} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the ladder, print the table, write every run's figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default=",".join(f"{r:.0f}" for r in RATES))
    parser.add_argument("--workers", default=",".join(str(n) for n in WORKER_COUNTS))
    parser.add_argument("--symbols", type=int, default=SYMBOLS)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/worker_scaling.json"))
    args = parser.parse_args(argv)
    per_connection = -(-args.symbols // args.connections)
    load_before = os.getloadavg()
    runs: list[dict[str, Any]] = []
    for workers in (int(n) for n in args.workers.split(",")):
        for rate in (float(r) for r in args.rates.split(",")):
            spec = RunSpec(
                f"ours-process-{workers}",
                rate=rate,
                symbols=args.symbols,
                warmup_s=args.warmup,
                window_s=args.seconds,
                ladders=False,
                symbols_per_connection=per_connection,
            )
            result = run_once(spec)
            result["workers"] = workers
            runs.append(result)
            print(f"{workers} worker(s) at {rate:,.0f}/s: {result.get('delivered_rate')}/s "
                  f"{'' if result.get('drained') else '(not drained) '}"
                  f"{result.get('error') or ''}", flush=True)  # fmt: skip
    load_after = os.getloadavg()
    print()
    print(
        f"{args.symbols:,} symbols over {args.connections} connections; load average "
        f"{load_before[0]:.2f} before and {load_after[0]:.2f} after; {os.cpu_count()} cores."
    )
    print()
    print("\n".join(format_rows(runs)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"load_before": list(load_before), "load_after": list(load_after)}
    args.out.write_text(json.dumps({"machine": machine, "runs": runs}, indent=1), "utf-8")
    return 0 if not any(run.get("error") for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())

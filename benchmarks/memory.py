"""`python -m benchmarks.memory [--symbols N] [--rate R]`: where ours' memory goes, one run.

Runs our client once (as the ladder does: the whole board, REST-seeded history, two ladders)
and prints resident size (now and peak) at each stage — after imports, once composed,
once every symbol is named and its history seeded, at the end — and with `--trace` the biggest
Python allocation sites (tracemalloc slows the client and inflates its RSS: trace a smaller
universe and scale per symbol).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.memory_stages import MEMORY_REPORT_ENV, MEMORY_TRACE_ENV
from benchmarks.runner import RunSpec, run_once


def main(argv: list[str] | None = None) -> int:
    """Run once and print the report; exit 1 when the run failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__)
    parser.add_argument("--symbols", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--top", type=int, default=25, help="allocation sites to print")
    parser.add_argument(
        "--trace", action="store_true", help="also trace Python allocations (slow; fewer symbols)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="qb-memory-") as tmp:
        path = Path(tmp) / "memory.json"
        os.environ[MEMORY_REPORT_ENV] = str(path)
        os.environ[MEMORY_TRACE_ENV] = "1" if args.trace else "0"
        result = run_once(RunSpec("ours", args.rate, args.symbols, 0.5, 2.0))
        if "error" in result or not path.exists():
            print(f"run failed: {result.get('error')}", file=sys.stderr)
            return 1
        report = json.loads(path.read_text())
    print(f"{args.symbols} symbols at {args.rate:g} ticks/s; load {os.getloadavg()[0]:.2f}")
    bars = result.get("minute_bars_per_symbol", "?")
    print(f"minute bars held per symbol at the end (average): {bars}")
    print(f"after imports: {report['after_imports_rss_mb']} MB RSS")
    for stage, figures in report["stages"].items():
        print(
            f"{stage:>10}: {figures['rss_mb']} MB RSS, peak {figures.get('peak_rss_mb', '–')} MB,"
            f" {figures['python_traced_mb']} MB traced"
        )
    for title, key in (("by file", "by_file"), ("by line", "by_line")):
        print(f"\nPython allocations {title}:")
        for row in report.get(key, [])[: args.top]:
            print(f"  {row['mb']:8.2f} MB {row['n']:9,} blocks  {row['where']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

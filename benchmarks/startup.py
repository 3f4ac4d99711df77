"""`python -m benchmarks.startup [--runs N]`: how fast the board starts, over N fresh processes.

Each run launches `quoteboard --smoke S` (the built-in simulator, a fresh data folder) exactly as
a user's shell would, and reads the two times the app measures from its own process start (the
kernel's start time of the process, so the interpreter's own start-up counts): `window_shown_s`,
when the main window is on screen, and `first_price_s`, when the first price is painted in a
watchlist row — and the process's CPU time at both moments, which a busy machine does not
inflate. Compiled modules are cached as a user's Python caches them (PYTHONDONTWRITEBYTECODE
is cleared for the launches). The OS file cache is warm after the first run; the first run is reported apart
("first") so a truly cold start stays visible. Targets: window ≤ 0.6 s, first price ≤ 1.0 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["main", "run_once", "summarise"]

WINDOW_TARGET_S = 0.6
FIRST_PRICE_TARGET_S = 1.0


def run_once(smoke_s: float) -> dict[str, Any]:
    """One launch: the smoke line's start-up figures plus the wall time the process took."""
    with tempfile.TemporaryDirectory(prefix="qb-startup-") as data_dir:
        env = os.environ | {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python caches compiled modules
        command = [sys.executable, "-m", "desktop", "--smoke", str(smoke_s)]
        command += ["--data-dir", data_dir]
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        wall = time.monotonic() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    smoke = json.loads(lines[-1])
    return {
        "window_shown_s": smoke.get("window_shown_s"),
        "first_price_s": smoke.get("first_price_s"),
        "window_shown_cpu_s": smoke.get("window_shown_cpu_s"),
        "first_price_cpu_s": smoke.get("first_price_cpu_s"),
        "process_s": round(wall, 3),
        "exit": done.returncode,
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and p90 of each figure over the runs after the first; the first run apart."""
    good = [run for run in runs if "error" not in run]
    rest = good[1:] or good
    summary: dict[str, Any] = {"runs": len(runs), "failed": len(runs) - len(good)}
    for key in ("window_shown_s", "first_price_s", "window_shown_cpu_s", "first_price_cpu_s"):
        values = [run[key] for run in rest if run.get(key) is not None]
        if values:
            summary[key] = {
                "median": round(statistics.median(values), 3),
                "p90": round(_quantile(values, 0.9), 3),
                "first": good[0].get(key) if good else None,
            }
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run, print one line per launch and the summary (JSON with --json); exit 1 if a run failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="launches (default 7)")
    parser.add_argument("--smoke", type=float, default=1.5, help="seconds each launch runs")
    parser.add_argument("--json", type=Path, help="also write the runs and summary here")
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"start-up over {args.runs} launches; load average {load}", file=sys.stderr)
    runs = []
    for i in range(args.runs):
        run = run_once(args.smoke)
        runs.append(run)
        print(f"  run {i + 1}: {run}", file=sys.stderr)
    summary = summarise(runs)
    summary["load_before"] = load
    summary["load_after"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    for key, target in (
        ("window_shown_s", WINDOW_TARGET_S),
        ("first_price_s", FIRST_PRICE_TARGET_S),
    ):
        figures = summary.get(key)
        if figures:
            print(
                f"{key}: median {figures['median']:.3f} s, p90 {figures['p90']:.3f} s, "
                f"first launch {figures['first']} s (target ≤ {target} s)"
            )
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary}, indent=1) + "\n")
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

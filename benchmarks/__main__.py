"""`python -m benchmarks [--quick]`: run the ladder, print the table, write the JSON and the plot."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.markdown import format_markdown
from benchmarks.report import format_table, machine_info, ratios
from benchmarks.runner import RunSpec, run_once

RESULTS = Path(__file__).parent / "results"
FULL_RATES = [250, 500, 1000, 2000, 5000, 10000, 20000, 30000, 50000, 60000, 100000]
FULL_SYMBOLS = [500, 1000, 2000, 5000]
QUICK_RATES = [500, 2000]
QUICK_SYMBOLS = [500]
_COLLAPSED = 0.5
"""A run that delivers less than this share of the offered rate has collapsed."""


def _collapsed(result: dict[str, Any]) -> bool:
    delivered = result.get("delivered_rate")
    return delivered is None or delivered < _COLLAPSED * result["offered_rate"]


def run_ladder(
    systems: list[str],
    universes: list[int],
    rates: list[int],
    warmup_s: float,
    window_s: float,
    log: Any = sys.stderr,
    profile_dir: Path | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Every (system, universe, rate); a system stops climbing after two collapsed rates."""
    results: dict[str, list[dict[str, Any]]] = {system: [] for system in systems}
    for symbols in universes:
        for system in systems:
            collapsed_in_a_row = 0
            for rate in rates:
                if collapsed_in_a_row >= 2:
                    skipped = {"system": system, "symbols": symbols, "offered_rate": rate}
                    skipped.update(skipped="collapsed at two lower rates", sustained=False)
                    results[system].append(skipped)
                    continue
                spec = RunSpec(
                    system, float(rate), symbols, warmup_s, window_s, profile_dir=profile_dir
                )
                print(f"  {system:8} {symbols:5} symbols {rate:7} ticks/s …", end="", file=log)
                log.flush()
                result = run_once(spec)
                results[system].append(result)
                verdict = result.get("error") or ("ok" if result["sustained"] else "not sustained")
                print(f" {verdict} ({result['run_seconds']} s)", file=log)
                collapsed_in_a_row = collapsed_in_a_row + 1 if _collapsed(result) else 0
    return results


def main(argv: list[str] | None = None) -> int:
    """Run, report, save; exit 1 when a run failed outright or ours lost a tick."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small ladder (under a minute)")
    parser.add_argument(
        "--systems",
        default="ours,baseline",
        help="comma-separated: ours, ours-process (ours with --ingest process), baseline",
    )
    parser.add_argument("--rates", help="comma-separated offered rates (ticks/s)")
    parser.add_argument("--symbols", help="comma-separated universe sizes")
    parser.add_argument("--seconds", type=float, help="measured window per run")
    parser.add_argument("--warmup", type=float, help="warm-up per run before the window")
    parser.add_argument("--out", type=Path, help="JSON path (default results/latest.json)")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run each client under py-spy; stacks to DIR (summarise: python -m benchmarks.profile)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    quick = args.quick
    rates = (
        [int(r) for r in args.rates.split(",")]
        if args.rates
        else (QUICK_RATES if quick else FULL_RATES)
    )
    universes = (
        [int(s) for s in args.symbols.split(",")]
        if args.symbols
        else (QUICK_SYMBOLS if quick else FULL_SYMBOLS)
    )
    window_s = args.seconds or (3.0 if quick else 4.0)
    warmup_s = args.warmup or (0.5 if quick else 1.5)
    out = args.out or RESULTS / ("quick.json" if quick else "latest.json")
    systems = args.systems.split(",")

    started = time.monotonic()
    machine = machine_info()
    print(f"Quote Board benchmark on {machine['cpu']} ({machine['cores']} cores)", file=sys.stderr)
    if args.profile is not None:
        if not Path(sys.executable).with_name("py-spy").exists():
            parser.error("--profile needs py-spy beside this Python: pip install -e '.[bench]'")
        args.profile.mkdir(parents=True, exist_ok=True)
    results = run_ladder(systems, universes, rates, warmup_s, window_s, profile_dir=args.profile)
    report: dict[str, Any] = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "make bench-quick" if quick else "make bench",
        "machine": machine | {"load_after": list(os.getloadavg())},
        "config": {
            "rates": rates,
            "symbols": universes,
            "window_s": window_s,
            "warmup_s": warmup_s,
            "python": platform.python_version(),
        },
        **results,
        "ratios": ratios(results, target_symbols=1000),
        "seconds": round(time.monotonic() - started, 1),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    out.with_suffix(".md").write_text(format_markdown(report))  # the README's tables
    print(format_table(report))
    try:
        from benchmarks.plot import draw_plot

        png = draw_plot(report, out.with_suffix(".png"))
        print(f"\nwrote {out}, {out.with_suffix('.md')} and {png}")
    except ImportError as exc:  # pragma: no cover - PySide6 is a dependency
        print(f"\nwrote {out} (no plot: {exc})")
    failed = [r for rs in results.values() for r in rs if r.get("error")]
    lost = [r for r in results.get("ours", []) if r.get("lost")]
    for result in failed:
        print(f"run failed: {result['system']} {result['offered_rate']}: {result['error']}")
    for result in lost:
        print(f"ours lost {result['lost']} ticks at {result['offered_rate']}/s")
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())

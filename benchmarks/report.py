"""Turning runs into the table, the ratios ours/baseline and a description of the machine."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from benchmarks.runner import SYSTEMS

__all__ = ["cell_text", "format_table", "machine_info", "max_sustainable", "ratios"]

Runs = list[dict[str, Any]]


def machine_info() -> dict[str, Any]:
    """CPU model (from /proc/cpuinfo where there is one), cores, OS and Qt version."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:  # pragma: no cover
        qt_version = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(terse=True),
        "pyside6": qt_version,
        "load_before": list(os.getloadavg()),
    }


def max_sustainable(runs: Runs, symbols: int) -> float:
    """The highest offered rate sustained with every lower rate sustained too (0: none)."""
    best = 0.0
    for run in sorted(
        (r for r in runs if r["symbols"] == symbols), key=lambda r: r["offered_rate"]
    ):
        if not run.get("sustained"):
            break
        best = run["offered_rate"]
    return best


def _at(runs: Runs, symbols: int, rate: float) -> dict[str, Any] | None:
    for run in runs:
        if run["symbols"] == symbols and run["offered_rate"] == rate and "error" not in run:
            return run
    return None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def ratios(results: dict[str, Runs], target_symbols: int) -> dict[str, Any]:
    """ours/baseline per universe; the headline numbers are those of `target_symbols`.

    Latency and CPU are compared at the highest rate both sustained (the lowest rate run when
    the baseline sustained none). When the baseline sustained no rate, the rate ratio is a
    lower bound: ours' highest sustained rate over the lowest rate offered.
    """
    ours, baseline = results.get("ours", []), results.get("baseline", [])
    by_symbols: dict[str, Any] = {}
    for symbols in sorted({r["symbols"] for r in ours} & {r["symbols"] for r in baseline}):
        best_ours, best_base = max_sustainable(ours, symbols), max_sustainable(baseline, symbols)
        lowest = min(r["offered_rate"] for r in baseline if r["symbols"] == symbols)
        compare_at = min(best_ours, best_base) if best_base else lowest
        a, b = _at(ours, symbols, compare_at), _at(baseline, symbols, compare_at)
        by_symbols[str(symbols)] = {
            "max_sustainable_rate": {"ours": best_ours, "baseline": best_base},
            "max_sustainable_rate_ratio": _ratio(best_ours, best_base or lowest),
            "ratio_is_lower_bound": not best_base,
            "compared_at_rate": compare_at,
            "latency_p99_ratio": _ratio(_get(a, "latency_p99_ms"), _get(b, "latency_p99_ms")),
            "latency_p50_ratio": _ratio(_get(a, "latency_p50_ms"), _get(b, "latency_p50_ms")),
            "screen_p99_ratio": _ratio(_get(a, "screen_p99_ms"), _get(b, "screen_p99_ms")),
            "cpu_per_1k_ticks_ratio": _ratio(
                _get(a, "cpu_ms_per_1k_ticks"), _get(b, "cpu_ms_per_1k_ticks")
            ),
        }
    headline = by_symbols.get(str(target_symbols)) or (
        min(by_symbols.values(), key=lambda v: v["max_sustainable_rate_ratio"] or 0)
        if by_symbols
        else {}
    )
    return {
        "max_sustainable_rate": headline.get("max_sustainable_rate_ratio"),
        "latency_p99": headline.get("latency_p99_ratio"),
        "screen_p99": headline.get("screen_p99_ratio"),
        "cpu_per_1k_ticks": headline.get("cpu_per_1k_ticks_ratio"),
        "headline_symbols": target_symbols if str(target_symbols) in by_symbols else None,
        "by_symbols": by_symbols,
    }


def _get(run: dict[str, Any] | None, key: str) -> float | None:
    return None if run is None else run.get(key)


_COLUMNS = (
    ("system", "system", "{}"),
    ("symbols", "syms", "{}"),
    ("offered_rate", "offered/s", "{:.0f}"),
    ("delivered_rate", "deliv/s", "{:.0f}"),
    ("lost", "lost", "{}"),
    ("latency_p50_ms", "lat p50", "{:.0f}"),
    ("latency_p99_ms", "lat p99", "{:.0f}"),
    ("screen_p50_ms", "scr p50", "{:.0f}"),
    ("screen_p99_ms", "scr p99", "{:.0f}"),
    ("loop_lag_p99_ms", "lag p99", "{:.0f}"),
    ("flush_p99_ms", "flush p99", "{:.1f}"),
    ("cpu_pct", "cpu %", "{:.0f}"),
    ("cpu_ms_per_1k_ticks", "cpu ms/1k", "{:.0f}"),
    ("peak_rss_mb", "rss MB", "{:.0f}"),
    ("minute_bars_per_symbol", "bars/sym", "{:.0f}"),
    ("simulator_cpu_pct", "sim cpu%", "{:.0f}"),
)


def cell_text(run: dict[str, Any], key: str, fmt: str) -> str:
    """One figure of a run, formatted, or a dash when the run has none."""
    value = run.get(key)
    return "–" if value is None else fmt.format(value)


def format_table(report: dict[str, Any]) -> str:
    """A fixed-width table of every run (ms for latencies and lags) and the ratios below it."""
    header = [title for _, title, _ in _COLUMNS] + ["sustained"]
    rows = [header]
    for system in SYSTEMS:
        for run in report.get(system, []):
            cells = [cell_text(run, key, fmt) for key, _, fmt in _COLUMNS]
            note = run.get("skipped") or run.get("error")
            cells.append(note if note else ("yes" if run.get("sustained") else "no"))
            rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i in (0, len(row) - 1) else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    for symbols, r in report["ratios"]["by_symbols"].items():
        best = r["max_sustainable_rate"]
        bound = "≥ " if r["ratio_is_lower_bound"] else ""
        lines.append(
            f"{symbols} symbols: highest sustained rate ours {best['ours']:.0f}/s, baseline "
            f"{best['baseline']:.0f}/s → {bound}{r['max_sustainable_rate_ratio']}×; at "
            f"{r['compared_at_rate']:.0f}/s latency p99 ratio {r['latency_p99_ratio']}, "
            f"tick → screen p99 ratio {r.get('screen_p99_ratio')}, "
            f"CPU per 1k ticks ratio {r['cpu_per_1k_ticks_ratio']} (ours/baseline)"
        )
    return "\n".join(lines)

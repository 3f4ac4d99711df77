"""The README's "Performance" tables, written from a run so they are pasted, never retyped."""

from __future__ import annotations

from typing import Any

from benchmarks.report import cell_text
from benchmarks.runner import SYSTEMS

__all__ = ["format_markdown"]

_COLUMNS = (
    ("symbols", "symbols", "{:,}"),
    ("offered_rate", "offered/s", "{:,.0f}"),
    ("delivered_rate", "delivered/s", "{:,.0f}"),
    ("lost", "lost", "{:,}"),
    ("latency_p50_ms", "latency p50 ms", "{:,.0f}"),
    ("latency_p99_ms", "latency p99 ms", "{:,.0f}"),
    ("screen_p50_ms", "screen p50 ms", "{:,.0f}"),
    ("screen_p99_ms", "screen p99 ms", "{:,.0f}"),
    ("loop_lag_p99_ms", "loop lag p99 ms", "{:,.0f}"),
    ("flush_p99_ms", "flush p99 ms", "{:.1f}"),
    ("cpu_pct", "CPU %", "{:.0f}"),
    ("cpu_ms_per_1k_ticks", "CPU ms / 1k ticks", "{:,.0f}"),
    ("peak_rss_mb", "peak RSS MB", "{:.0f}"),
)


def _system_table(runs: list[dict[str, Any]]) -> list[str]:
    titles = [title for _, title, _ in _COLUMNS] + ["sustained"]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---:|" * len(_COLUMNS) + "---|"]
    for run in runs:
        cells = [cell_text(run, key, fmt) for key, _, fmt in _COLUMNS]
        note = run.get("skipped") or run.get("error")
        if note:  # a failed run's error is a traceback: its last line says what happened
            cells.append(note.strip().splitlines()[-1].strip().replace("|", "/"))
        else:
            cells.append("yes" if run.get("sustained") else "no")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _ratio_lines(ratios: dict[str, Any]) -> list[str]:
    lines = [
        "| symbols | highest sustained: ours | baseline | ratio | compared at | "
        "latency p99 ours/baseline | screen p99 ours/baseline | CPU per 1k ticks ours/baseline |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for symbols, r in ratios["by_symbols"].items():
        best = r["max_sustainable_rate"]
        bound = "≥ " if r["ratio_is_lower_bound"] else ""
        lines.append(
            f"| {int(symbols):,} | {best['ours']:,.0f}/s | {best['baseline']:,.0f}/s | "
            f"**{bound}{r['max_sustainable_rate_ratio']}×** | {r['compared_at_rate']:,.0f}/s | "
            f"{r['latency_p99_ratio']} | {r.get('screen_p99_ratio')} | "
            f"{r['cpu_per_1k_ticks_ratio']} |"
        )
    return lines


def format_markdown(report: dict[str, Any]) -> str:
    """Per-system tables of every run and the ratios table, as Markdown."""
    machine = report["machine"]
    before = ", ".join(f"{x:.2f}" for x in machine.get("load_before", []))
    after = ", ".join(f"{x:.2f}" for x in machine.get("load_after", []))
    lines = [
        f"`{report['command']}`, {report['generated']}, {report['seconds']:.0f} s: "
        f"{machine['cpu']}, {machine['cores']} cores, {machine['os']}, "
        f"PySide6 {machine['pyside6']}, Python {report['config']['python']}; "
        f"load average {before} before and {after} after.",
    ]
    for system in SYSTEMS:
        if report.get(system):
            lines += ["", f"**{system}**", "", *_system_table(report[system])]
    lines += ["", "**ours / baseline**", "", *_ratio_lines(report["ratios"])]
    return "\n".join(lines) + "\n"

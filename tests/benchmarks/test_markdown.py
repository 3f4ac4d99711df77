"""The README's performance tables come from a run's JSON, one row per run."""

from __future__ import annotations

from typing import Any

from benchmarks.markdown import format_markdown
from benchmarks.report import ratios


def _run(system: str, rate: float, sustained: bool, **extra: Any) -> dict[str, Any]:
    run = {
        "system": system,
        "symbols": 1000,
        "offered_rate": rate,
        "delivered_rate": rate,
        "lost": 0,
        "latency_p50_ms": 25.0,
        "latency_p99_ms": 45.0,
        "screen_p50_ms": 30.0,
        "screen_p99_ms": 50.0,
        "loop_lag_p99_ms": 9.0,
        "flush_p99_ms": 6.5,
        "cpu_pct": 50.0,
        "cpu_ms_per_1k_ticks": 40.0,
        "peak_rss_mb": 180.0,
        "sustained": sustained,
    }
    return run | extra


def _report() -> dict[str, Any]:
    ours = [_run("ours", 2000, True), _run("ours", 20000, True), _run("ours", 50000, False)]
    baseline = [
        _run("baseline", 2000, True, cpu_ms_per_1k_ticks=400.0, screen_p99_ms=100.0),
        _run("baseline", 20000, False, error="Traceback …\n  File x\nRuntimeError: gone | away"),
        {"system": "baseline", "symbols": 1000, "offered_rate": 50000, "sustained": False}
        | {"skipped": "collapsed at two lower rates"},
    ]
    results = {"ours": ours, "baseline": baseline}
    return {
        "command": "make bench",
        "generated": "2026-11-22T06:00:00+0000",
        "seconds": 1300.0,
        "machine": {
            "cpu": "AMD EPYC",
            "cores": 2,
            "os": "Linux",
            "pyside6": "6.11.3",
            "load_before": [0.5, 0.6, 0.7],
            "load_after": [1.0, 1.1, 1.2],
        },
        "config": {"python": "3.11.7"},
        **results,
        "ratios": ratios(results, target_symbols=1000),
    }


def test_every_run_is_a_row_and_the_ratio_is_ours_over_the_baselines_best() -> None:
    text = format_markdown(_report())
    assert (
        "| 1,000 | 20,000 | 20,000 | 0 | 25 | 45 | 30 | 50 | 9 | 6.5 | 50 | 40 | 180 | yes |"
        in text
    )
    assert (
        "| 1,000 | 50,000 | 50,000 | 0 | 25 | 45 | 30 | 50 | 9 | 6.5 | 50 | 40 | 180 | no |" in text
    )
    assert "| 1,000 | 20,000/s | 2,000/s | **10.0×** | 2,000/s | 1.0 | 0.5 | 0.1 |" in text
    assert "load average 0.50, 0.60, 0.70 before and 1.00, 1.10, 1.20 after" in text


def test_a_failed_run_shows_its_last_error_line_without_breaking_the_table() -> None:
    lines = format_markdown(_report()).splitlines()
    failed = [line for line in lines if "RuntimeError" in line]
    assert failed == [
        "| 1,000 | 20,000 | 20,000 | 0 | 25 | 45 | 30 | 50 | 9 | 6.5 | 50 | 40 | 180 | "
        "RuntimeError: gone / away |"
    ]
    skipped = [line for line in lines if "collapsed" in line]
    assert skipped[0].startswith("| 1,000 | 50,000 | – |")

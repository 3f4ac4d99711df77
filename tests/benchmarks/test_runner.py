"""The benchmark harness end to end: a real simulator process and each client, on a small ladder.

`make bench-quick` in CI runs the same path at 500 symbols; this catches a harness that can no
longer start a run (a client that never becomes ready, a simulator that refuses its REST) in
`make test`, before CI does.
"""

from __future__ import annotations

import pytest

from benchmarks.runner import RunSpec, client_command, run_once
from benchmarks.worker_scaling import format_rows


@pytest.mark.parametrize("system", ["ours", "ours-process", "baseline"])
def test_one_small_run_measures_ticks_without_an_error(system: str) -> None:
    spec = RunSpec(system, rate=200.0, symbols=60, warmup_s=0.5, window_s=1.5, ladders=False)

    result = run_once(spec)

    assert result.get("error") is None, result.get("error")
    assert result["delivered_rate"] > 0
    assert result["lost"] == 0
    if system == "ours-process":  # the worker's CPU is measured over the same window
        assert result["ingest"] == "process" and result["worker_cpu_pct"] > 0
    if system.startswith("ours"):
        features = result["features"]
        assert features["history_seeded"] == 60  # every symbol's sparkline was seeded
        assert (features["rest_refusals"], features["rest_failures"]) == (0, 0)


def test_a_system_name_picks_the_client_and_its_worker_count() -> None:
    assert client_command("ours") == ["benchmarks.client_ours"]
    assert client_command("ours-process") == ["benchmarks.client_ours", "--ingest", "process"]
    assert client_command("ours-process-4") == ["benchmarks.client_ours", "--ingest-workers", "4"]
    assert client_command("baseline") == ["benchmarks.client_baseline"]
    for wrong in ("ours-process-0", "ours-process-11", "ours-process-x", "theirs"):
        with pytest.raises(ValueError, match="unknown system"):
            client_command(wrong)


def test_a_run_over_two_workers_spreads_its_connections_and_measures_both() -> None:
    spec = RunSpec(
        "ours-process-2", rate=300.0, symbols=60, warmup_s=0.5, window_s=1.5, ladders=False,
        symbols_per_connection=20,
    )  # fmt: skip

    result = run_once(spec)

    assert result.get("error") is None, result.get("error")
    assert result["ingest"] == "process" and result["ingest_workers"] == 2
    assert result["connections"] == 3 and len(set(result["worker_pids"])) == 2
    assert result["lost"] == 0 and result["delivered_rate"] > 0
    assert result["worker_cpu_pct"] > 0


def test_the_scaling_table_marks_a_run_that_did_not_drain() -> None:
    runs = [
        {"workers": 1, "offered_rate": 60000.0, "delivered_rate": 31000.0, "drained": False},
        {"workers": 4, "offered_rate": 60000.0, "delivered_rate": 60010.0, "drained": True,
         "screen_p50_ms": 30.0, "screen_p99_ms": 120.0, "loop_lag_p99_ms": 20.0,
         "cpu_pct": 95.0, "worker_cpu_pct": 80.0},
    ]  # fmt: skip
    header, rule, slow, fast = format_rows(runs)
    assert "31,000 (not drained)" in slow
    assert "60,010 |" in fast and "(not drained)" not in fast and "30 / 120" in fast

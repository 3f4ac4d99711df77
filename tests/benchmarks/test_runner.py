"""The benchmark harness end to end: a real simulator process and each client, on a small ladder.

`make bench-quick` in CI runs the same path at 500 symbols; this catches a harness that can no
longer start a run (a client that never becomes ready, a simulator that refuses its REST) in
`make test`, before CI does.
"""

from __future__ import annotations

import pytest

from benchmarks.runner import RunSpec, run_once


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

"""Runs the ladder: for each universe, system and offered rate, a fresh simulator and client.

Every run gets new processes, so peak RSS and CPU belong to that run alone and a collapsed
baseline cannot slow the next one down. The simulator and the client never share a GIL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import ControlBlock

__all__ = ["RunSpec", "run_once"]

_CLIENTS = {"ours": "benchmarks.client_ours", "baseline": "benchmarks.client_baseline"}
_RUN_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class RunSpec:
    """One point of the ladder."""

    system: str
    rate: float
    symbols: int
    warmup_s: float
    window_s: float
    ladders: bool = True


def _result_of(output: str) -> dict[str, Any] | None:
    for line in output.splitlines():
        if line.startswith("RESULT "):
            parsed: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return parsed
    return None


def run_once(spec: RunSpec) -> dict[str, Any]:
    """Start the simulator, then the client; return the client's figures plus the simulator's."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qb-bench-") as tmp:
        control_path = Path(tmp) / "control"
        control = ControlBlock(control_path, create=True)
        sim = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sim_process", "--rate", str(spec.rate)]
            + ["--control", str(control_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert sim.stdout is not None
            port = int(sim.stdout.readline().split()[1])
            command = [sys.executable, "-m", _CLIENTS[spec.system], "--port", str(port)]
            command += ["--control", str(control_path), "--rate", str(spec.rate)]
            command += ["--symbols", str(spec.symbols), "--warmup", str(spec.warmup_s)]
            command += ["--seconds", str(spec.window_s)] + (["--ladders"] if spec.ladders else [])
            try:
                client = subprocess.run(
                    command, capture_output=True, text=True, timeout=_RUN_TIMEOUT_S, check=False
                )
                result = _result_of(client.stdout) or {
                    "error": f"client exited {client.returncode}: {client.stderr.strip()[-400:]}"
                }
            except subprocess.TimeoutExpired:
                result = {"error": f"client did not finish within {_RUN_TIMEOUT_S:g} s"}
            control.set("stop", 2)
            out, _ = sim.communicate(timeout=30)
        finally:
            if sim.poll() is None:
                sim.kill()
                sim.wait()
            control.close()
    simulator = _result_of(out) or {}
    result.update(system=spec.system, symbols=spec.symbols, offered_rate=spec.rate)
    result["simulator_cpu_pct"] = _round(simulator.get("cpu_pct"))
    result["simulator_throttled"] = simulator.get("throttled")
    result["run_seconds"] = round(time.monotonic() - started, 1)
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

"""Runs the ladder: for each universe, system and offered rate, a fresh simulator and client.

Every run gets new processes, so peak RSS and CPU belong to that run alone and a collapsed
baseline cannot slow the next one down. The simulator and the client never share a GIL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import ControlBlock

__all__ = ["SYSTEMS", "RunSpec", "client_command", "run_once"]

_CLIENTS = {
    "ours": ["benchmarks.client_ours"],
    "ours-process": ["benchmarks.client_ours", "--ingest", "process"],
    "baseline": ["benchmarks.client_baseline"],
}
SYSTEMS = tuple(_CLIENTS)
"""`ours` ingests on the GUI's loop, `ours-process` in a worker process (`--ingest process`);
`ours-process-N` (not listed) spreads the connections over N workers (`--ingest-workers N`)."""
_WORKERS_PREFIX = "ours-process-"


def client_command(system: str) -> list[str]:
    """The client's `-m` module and options for a system name, `ours-process-N` included."""
    if system in _CLIENTS:
        return list(_CLIENTS[system])
    count = system.removeprefix(_WORKERS_PREFIX)
    if system.startswith(_WORKERS_PREFIX) and count.isdigit() and 1 <= int(count) <= 10:
        return ["benchmarks.client_ours", "--ingest-workers", str(int(count))]
    known = ", ".join(SYSTEMS)
    raise ValueError(f"unknown system {system!r}: one of {known} or ours-process-N (N 1-10)")


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
    symbols_per_connection: int | None = None
    """Codes per connection (None: the professional plan's 3,000): 5,000 over 4 connections."""
    profile_dir: Path | None = None
    """When set, the client runs under py-spy and its stacks go to a file in this folder."""

    def profile_path(self) -> Path | None:
        """Where this run's collapsed stacks go (`benchmarks.profile` summarises them)."""
        if self.profile_dir is None:
            return None
        return self.profile_dir / f"{self.system}-{self.symbols}-{self.rate:.0f}.txt"


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
            command = [sys.executable, "-m", *client_command(spec.system), "--port", str(port)]
            command += ["--control", str(control_path), "--rate", str(spec.rate)]
            command += ["--symbols", str(spec.symbols), "--warmup", str(spec.warmup_s)]
            command += ["--seconds", str(spec.window_s)] + (["--ladders"] if spec.ladders else [])
            if spec.symbols_per_connection is not None:
                command += ["--symbols-per-connection", str(spec.symbols_per_connection)]
            client = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            profiler = _profile_window(spec, client, control)
            try:
                stdout, stderr = client.communicate(timeout=_RUN_TIMEOUT_S)
                result = _result_of(stdout) or {
                    "error": f"client exited {client.returncode}: {stderr.strip()[-400:]}"
                }
            except subprocess.TimeoutExpired:
                client.kill()
                client.communicate()
                result = {"error": f"client did not finish within {_RUN_TIMEOUT_S:g} s"}
            if profiler is not None:
                profiler.join()
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


def _profile_window(
    spec: RunSpec, client: subprocess.Popen[str], control: ControlBlock
) -> threading.Thread | None:
    """With `spec.profile_dir`, record the client with py-spy during its measured window only
    (startup, REST seeding and warm-up would otherwise dominate the stacks)."""
    path = spec.profile_path()
    if path is None:
        return None
    py_spy = str(Path(sys.executable).with_name("py-spy"))
    command = [py_spy, "record", "--pid", str(client.pid), "--format", "raw", "--rate", "200"]
    command += ["--duration", str(max(1, round(spec.window_s))), "--output", str(path)]

    def record() -> None:
        while not control.get("go"):  # a shared-memory flag the client sets when it says go
            if client.poll() is not None:
                return  # the client failed before its window: nothing to profile
            time.sleep(0.05)
        time.sleep(spec.warmup_s)  # the client's own warm-up, before its measured window
        subprocess.run(command, capture_output=True, check=False)

    thread = threading.Thread(target=record, name="py-spy", daemon=True)
    thread.start()
    return thread


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

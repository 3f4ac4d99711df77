"""The simulator under benchmark load, in its own process so it never shares a GIL with a client.

Prints `PORT <n>` when listening, starts pushing when a client sets `go`, publishes its trade
count to the control block every 2 ms, stops pushing when a client sets `stop` to 1 and exits
at 2 (or when stdin closes), printing a `RESULT {json}` line: trades pushed and throttled, and
its own CPU use while pushing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from benchmarks.common import ControlBlock, CpuClock, emit_result
from desktop.simulator.firehose import FirehoseServer
from desktop.simulator.server import SimulatorConfig


async def _serve(args: argparse.Namespace) -> None:
    control = ControlBlock(Path(args.control))
    config = SimulatorConfig(
        seed=args.seed,
        synthesise_unknown=True,
        trades_per_second=args.rate,
        depth_per_second=args.depth_rate,
        min_request_interval=0.0,
        enforce_rest_limits=False,  # both clients fetch REST unpaced so the window starts sooner
        history_minutes=5,
    )
    server = FirehoseServer(config)
    server.stop_pushing()  # until a client says go
    await server.start()
    print(f"PORT {server.port}", flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()
    loop.add_reader(
        sys.stdin.fileno(), lambda: stdin_closed.set() if not sys.stdin.read(1) else None
    )
    cpu = CpuClock()
    first_push: float | None = None
    stopped_at: float | None = None
    cpu_s = wall_s = 0.0
    while not stdin_closed.is_set():
        await asyncio.sleep(0.002)
        control.set("pushed", server.pushed)
        control.set("throttled", server.throttled)
        if not server.pushing and stopped_at is None and control.get("go"):
            server.pushing = True
        if first_push is None and server.pushed:
            first_push = time.monotonic()
            cpu.start()
            control.set("pushing_since_ms", time.time_ns() // 1_000_000)
        stop = control.get("stop")
        if stop >= 1 and server.pushing:
            server.stop_pushing()
            stopped_at = time.monotonic()
            if first_push is not None:
                cpu_s, wall_s = cpu.read()
        if stop >= 2:
            break
    loop.remove_reader(sys.stdin.fileno())
    await server.stop()
    control.set("pushed", server.pushed)
    emit_result(
        {
            "pushed": server.pushed,
            "throttled": server.throttled,
            "push_seconds": wall_s if stopped_at else None,
            "cpu_seconds": cpu_s,
            "cpu_pct": 100 * cpu_s / wall_s if wall_s else None,
            "rate_achieved": server.pushed / wall_s if wall_s else None,
        }
    )


def main() -> None:
    """Parse the command line and serve until told to stop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, required=True, help="trades per second in total")
    parser.add_argument("--depth-rate", type=float, default=10.0, help="books/s per depth symbol")
    parser.add_argument("--control", required=True, help="path of the control block")
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()

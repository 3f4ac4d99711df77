"""Gateway → Redis → N headless boards, beside one board connected directly, in one run.

`python -m benchmarks.gateway_bench [--boards 1 5 10] [--rates 5000 20000] [--symbols 1000]`
starts, per rung, a throwaway `redis-server`, the firehose simulator (`benchmarks.sim_process`),
`quoteboard-gateway` on it and N board processes (a `GatewayFeed` + `QuoteBook` each); then one
board process on `FeedService` straight to the simulator at the same rate. Each board measures,
inside the same wall-clock window: ticks applied per second and the latency from the exchange
time (the firehose stamps `tick_time` with the wall clock at the write) to the tick's arrival in
the board's book. CPU of the gateway and of Redis come from /proc over that window. The Markdown
table goes to stdout and `benchmarks/results/gateway.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import ControlBlock, benchmark_symbols, percentile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


async def _poll(predicate: Any) -> None:
    """Wait until `predicate()` holds (a benchmark's own pacing, no deadline)."""
    while not predicate():  # noqa: ASYNC110 - polled state lives in other processes
        await asyncio.sleep(0.02)


def _read_window(path: Path) -> tuple[int, int] | tuple[()]:
    """The measuring window the runner wrote, or () before it did."""
    text = path.read_text().strip() if path.exists() else ""
    if not text:
        return ()
    start, end = text.split()
    return int(start), int(end)


# -- one board process ----------------------------------------------------------------------------
async def _board(args: argparse.Namespace) -> dict[str, Any]:
    from desktop.domain.market_data import Tick
    from desktop.domain.quote_book import QuoteBook
    from desktop.domain.symbols import Symbol

    book = QuoteBook()
    symbols = [Symbol.parse(s) for s in benchmark_symbols(args.symbols)]
    latencies: list[int] = []
    hops: list[int] = []
    window = [1 << 62, 1 << 62]  # set once the runner says every board is ready
    feed: Any = None

    def tap(event: object) -> None:
        if type(event) is Tick:
            now_ms = time.time_ns() // 1_000_000
            if window[0] <= now_ms < window[1]:
                latencies.append(now_ms - event.ts_ms)  # type: ignore[attr-defined]
                reader = getattr(feed, "reader", None)
                if reader is not None:
                    hops.append(now_ms - reader.last_recv_ms)

    if args.direct:
        from desktop.feed.service import FeedService
        from desktop.protocol.plans import PLANS, Plan

        feed = FeedService(book, args.direct, "bench", PLANS[Plan.PROFESSIONAL], tap=tap)
    else:
        from desktop.feed.gateway_feed import GatewayFeed, GatewaySettings
        from desktop.feed.redis_link import RedisLink

        feed = GatewayFeed(
            book,
            RedisLink.parse(args.board),
            board_id=f"bench-{os.getpid()}",
            settings=GatewaySettings(count=2000),
            tap=tap,
        )
    feed.set_symbols(symbols, [])
    await feed.start()
    await _poll(lambda: book.counters.ticks >= len(symbols))  # streaming for a while: ready
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    window_file = Path(args.window)
    await _poll(lambda: bool(_read_window(window_file)))
    window[0], window[1] = _read_window(window_file)
    await asyncio.sleep(max(0.0, (window[1] + 200) / 1000 - time.time()))
    await feed.stop()
    seconds = (window[1] - window[0]) / 1000
    return {
        "ticks_per_s": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "missed": getattr(feed, "missed", 0),
        "redis_hop_p50_ms": percentile(hops, 50),
    }


# -- the runner -----------------------------------------------------------------------------------
class Rung:
    """One configuration: redis, simulator, gateway, boards."""

    def __init__(self, workdir: Path, rate: int, boards: int, symbols: int, seconds: float) -> None:
        self.workdir, self.rate, self.boards, self.symbols = workdir, rate, boards, symbols
        self.seconds = seconds
        self.procs: list[subprocess.Popen[bytes]] = []
        self.window = workdir / "window"

    def _spawn(self, command: list[str], **options: Any) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, cwd=ROOT, **options)
        self.procs.append(process)
        return process

    def simulator(self) -> tuple[subprocess.Popen[bytes], ControlBlock, int]:
        control_path = self.workdir / f"control-{self.rate}-{self.boards}"
        control = ControlBlock(control_path, create=True)
        sim = self._spawn(
            [sys.executable, "-m", "benchmarks.sim_process", "--rate", str(self.rate),
             "--depth-rate", "0", "--control", str(control_path)],
            stdout=subprocess.PIPE, stdin=subprocess.PIPE,
        )  # fmt: skip
        assert sim.stdout is not None
        line = sim.stdout.readline().decode()
        return sim, control, int(line.split()[1])

    def boards_for(self, url_args: list[str], count: int) -> list[Any]:
        self.window = self.workdir / f"window-{self.rate}-{self.boards}-{url_args[0]}"
        self.window.unlink(missing_ok=True)
        return [
            self._spawn(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.gateway_bench",
                    *url_args,
                    "--symbols",
                    str(self.symbols),
                    "--window",
                    str(self.window),
                ],
                stdout=subprocess.PIPE,
            )  # fmt: skip
            for _ in range(count)
        ]

    def open_window(self, boards: list[Any]) -> tuple[int, int]:
        """Wait for every board's READY, then measure from half a second later."""
        for board in boards:
            while board.stdout.readline().strip() != b"READY":
                if board.poll() is not None:
                    raise RuntimeError("a board process died before it was ready")
        from_ms = time.time_ns() // 1_000_000 + 500
        to_ms = from_ms + int(self.seconds * 1000)
        self.window.write_text(f"{from_ms} {to_ms}")
        return from_ms, to_ms

    def run_gateway(self) -> dict[str, Any]:
        redis_port = _free_port()
        redis = self._spawn(
            [shutil.which("redis-server") or "redis-server", "--port", str(redis_port), "--bind",
             "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        sim, control, port = self.simulator()
        url = f"redis://127.0.0.1:{redis_port}"
        time.sleep(0.3)
        gateway = self._spawn(
            [str(BIN / "quoteboard-gateway"), "--redis-url", url, "--feed-url",
             f"ws://127.0.0.1:{port}/quote-stock-b-ws-api", "--plan", "professional",
             "--log-level", "WARNING"],
            env={**os.environ, "QUOTEBOARD_TOKEN": "bench", "XDG_DATA_HOME": str(self.workdir)},
        )  # fmt: skip
        boards = self.boards_for(["--board", url], self.boards)
        control.set("go", 1)
        from_ms, to_ms = self.open_window(boards)
        while time.time_ns() // 1_000_000 < from_ms:
            time.sleep(0.01)
        cpu0 = (_cpu_seconds(gateway.pid), _cpu_seconds(redis.pid))
        hsets0 = _hset_calls(redis_port)
        while time.time_ns() // 1_000_000 < to_ms:
            time.sleep(0.01)
        cpu1 = (_cpu_seconds(gateway.pid), _cpu_seconds(redis.pid))
        hsets1 = _hset_calls(redis_port)
        results = [_result(b) for b in boards]
        control.set("stop", 2)
        pushed = control.get("pushed")
        self.close()
        return {
            "boards": self.boards,
            "rate": self.rate,
            "ticks_per_board": float(np.mean([r["ticks_per_s"] for r in results])),
            "p50_ms": float(np.median([r["p50_ms"] or 0 for r in results])),
            "p99_ms": float(max(r["p99_ms"] or 0 for r in results)),
            "missed": sum(r["missed"] for r in results),
            "redis_hop_p50_ms": float(np.median([r.get("redis_hop_p50_ms") or 0 for r in results])),
            "gateway_cpu_pct": 100 * (cpu1[0] - cpu0[0]) / self.seconds,
            "redis_cpu_pct": 100 * (cpu1[1] - cpu0[1]) / self.seconds,
            "hsets_per_s": (hsets1 - hsets0) / self.seconds,
            "pushed": pushed,
        }

    def run_direct(self) -> dict[str, Any]:
        sim, control, port = self.simulator()
        url = f"ws://127.0.0.1:{port}/quote-stock-b-ws-api"
        boards = self.boards_for(["--direct", url], 1)
        control.set("go", 1)
        self.open_window(boards)
        results = [_result(b) for b in boards]
        control.set("stop", 2)
        self.close()
        r = results[0]
        return {"boards": "direct", "rate": self.rate, "ticks_per_board": r["ticks_per_s"],
                "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "missed": 0,
                "gateway_cpu_pct": None, "redis_cpu_pct": None}  # fmt: skip

    def close(self) -> None:
        for process in reversed(self.procs):
            if process.poll() is None:
                process.terminate()
        for process in self.procs:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.procs.clear()


def _hset_calls(port: int) -> int:
    """How many HSETs Redis has served (the latest-value hash writes)."""
    import redis

    client = redis.Redis(port=port)
    try:
        stats: Any = client.info("commandstats")
        return int(stats.get("cmdstat_hset", {}).get("calls", 0))
    finally:
        client.close()


def _result(process: subprocess.Popen[bytes]) -> dict[str, Any]:
    out, _ = process.communicate(timeout=120)
    for line in out.decode().splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])  # type: ignore[no-any-return]
    return {"ticks_per_s": 0.0, "p50_ms": None, "p99_ms": None, "missed": 0}


def _table(rows: list[dict[str, Any]], symbols: int, seconds: float) -> str:
    def cell(value: Any, digits: int = 1) -> str:
        return (
            "—"
            if value is None
            else f"{value:,.{digits}f}"
            if isinstance(value, float)
            else str(value)
        )

    lines = [
        f"{symbols} symbols, {seconds:g} s measured per rung (2 cores shared by everything).",
        "",
        "| boards | ticks/s offered | ticks/s per board | latency p50 ms | p99 ms | missed "
        "| gateway CPU % | Redis CPU % | hash writes/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['boards']} | {r['rate']:,} | {cell(r['ticks_per_board'], 0)} | {cell(r['p50_ms'])} "
            f"| {cell(r['p99_ms'])} | {r['missed']} | {cell(r['gateway_cpu_pct'], 0)} "
            f"| {cell(r['redis_cpu_pct'], 0)} | {cell(r.get('hsets_per_s'), 0)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the ladder (or, with --board/--direct, be one board process)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--boards", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--rates", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--symbols", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--board", help=argparse.SUPPRESS)
    parser.add_argument("--direct", help=argparse.SUPPRESS)
    parser.add_argument("--window", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.board or args.direct:
        result = asyncio.run(_board(args))
        sys.stdout.write("RESULT " + json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for rate in args.rates:
            rows.append(Rung(Path(tmp), rate, 1, args.symbols, args.seconds).run_direct())
            print(json.dumps(rows[-1]), flush=True)
            for boards in args.boards:
                rows.append(Rung(Path(tmp), rate, boards, args.symbols, args.seconds).run_gateway())
                print(json.dumps(rows[-1]), flush=True)
    table = _table(rows, args.symbols, args.seconds)
    print(table)
    out = ROOT / "benchmarks" / "results" / "gateway.md"
    out.write_text(table)


if __name__ == "__main__":
    main()

"""`python -m benchmarks.receive_path`: the receive path alone, websockets against picows.

The same simulator firehose (`benchmarks.sim_process`, its own process) pushes trades on
loopback at an offered rate; a client process subscribes and, for every frame, takes the
payload and decodes it with the app's `AllTickCodec` (the decode is part of the path), nothing
else: no book, no Qt. Per client library it reports frames/s delivered and the client's CPU
(user + system, all threads) per frame over the measured window — at a paced rate the CPU per
frame is the comparison, and an offered rate above what a client can read shows its ceiling.

* websockets: `websockets.asyncio.client.connect`, `async for` over messages (what
  `FeedConnection` does: the library assembles messages and hands them to a task).
* picows: `ws_connect` with a `WSListener` whose `on_ws_frame` is called from the protocol's
  `data_received` (Cython), the payload taken as bytes.

picows is optional (`pip install picows`); without it only websockets runs. Both run on plain
asyncio, not qasync, so the figures are of the library and the decode, not of the GUI loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ControlBlock, benchmark_symbols, wire_code

__all__ = ["main"]

_PATH = "/quote-stock-b-ws-api?token=bench"
LIBRARIES = ("websockets", "picows")


def _subscribe_frame(symbols: int) -> str:
    codes = [{"code": wire_code(s)} for s in benchmark_symbols(symbols)]
    request = {"cmd_id": 22004, "seq_id": 1, "trace": "recv", "data": {"symbol_list": codes}}
    return json.dumps(request)


class _Window:
    """Counts decoded frames; after `warmup_s` from the first, measures CPU and wall for `seconds`."""

    def __init__(self, warmup_s: float, seconds: float) -> None:
        from desktop.protocol.alltick import AllTickCodec

        self.codec = AllTickCodec()
        self.decode = self.codec.decode
        self.frames = 0
        self.decoded = 0
        self.warmup_s = warmup_s
        self.seconds = seconds
        self.first: float | None = None
        self.start: tuple[float, float, int] | None = None
        self.result: dict[str, Any] | None = None
        self.done = asyncio.Event()

    def frame(self, payload: bytes | str) -> None:
        """One frame off the socket: decode it, count it, open or close the window."""
        if self.decode(payload) is not None:
            self.decoded += 1
        self.frames += 1
        if self.frames & 255:
            return
        now = time.monotonic()
        if self.first is None:
            self.first = now
        elif self.start is None and now - self.first >= self.warmup_s:
            self.start = (now, _cpu(), self.frames)
        elif self.start is not None and now - self.start[0] >= self.seconds and not self.result:
            wall, cpu, frames = now - self.start[0], _cpu() - self.start[1], self.frames
            n = frames - self.start[2]
            self.result = {
                "frames_per_s": round(n / wall),
                "cpu_pct": round(100 * cpu / wall, 1),
                "cpu_us_per_frame": round(1e6 * cpu / n, 2) if n else None,
                "decoded": self.decoded,
            }
            self.done.set()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _websockets(url: str, subscribe: str, window: _Window) -> None:
    from websockets.asyncio.client import connect

    async with connect(url, max_size=None, compression=None) as ws:
        await ws.send(subscribe)
        async for message in ws:
            window.frame(message)
            if window.done.is_set():
                return


async def _picows(url: str, subscribe: str, window: _Window) -> None:
    from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

    class Listener(WSListener):
        def on_ws_connected(self, transport: WSTransport) -> None:
            transport.send(WSMsgType.TEXT, subscribe.encode())

        def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
            if frame.msg_type == WSMsgType.TEXT:
                window.frame(frame.get_payload_as_bytes())
            elif frame.msg_type == WSMsgType.PING:
                transport.send_pong(frame.get_payload_as_bytes())

    transport, _listener = await ws_connect(Listener, url, max_frame_size=1 << 24)
    await window.done.wait()
    transport.disconnect()


def client(library: str, port: int, symbols: int, warmup_s: float, seconds: float) -> None:
    """The client process: read and decode until the window closes, print one JSON line."""
    window = _Window(warmup_s, seconds)
    url = f"ws://127.0.0.1:{port}{_PATH}"
    run = _websockets if library == "websockets" else _picows

    async def main() -> None:
        await asyncio.wait_for(run(url, _subscribe_frame(symbols), window), warmup_s + seconds + 60)

    asyncio.run(main())
    print("RESULT " + json.dumps(window.result))


def measure(
    library: str, rate: float, symbols: int, warmup_s: float, seconds: float
) -> dict[str, Any]:
    """A fresh simulator and a fresh client process for one library at one offered rate."""
    with tempfile.TemporaryDirectory(prefix="qb-recv-") as tmp:
        control_path = Path(tmp) / "control"
        control = ControlBlock(control_path, create=True)
        sim = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sim_process", "--rate", str(rate)]
            + ["--control", str(control_path), "--depth-rate", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # its shutdown noise when the client hangs up first
            text=True,
        )
        try:
            assert sim.stdout is not None
            port = int(sim.stdout.readline().split()[1])
            control.set("go", 1)
            command = [sys.executable, "-m", "benchmarks.receive_path", "--client", library]
            command += ["--port", str(port), "--symbols", str(symbols)]
            command += ["--warmup", str(warmup_s), "--seconds", str(seconds)]
            done = subprocess.run(command, capture_output=True, text=True, timeout=180)
            control.set("stop", 2)
            sim.communicate(timeout=30)
        finally:
            if sim.poll() is None:
                sim.kill()
                sim.wait()
            control.close()
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :]) or {}
            return result | {"library": library, "offered": rate}
    return {"library": library, "offered": rate, "error": done.stderr.strip()[-400:]}


def main(argv: list[str] | None = None) -> int:
    """Run each library at each rate; print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.receive_path", description=__doc__)
    parser.add_argument("--rates", default="20000,100000", help="offered trades/s, comma-separated")
    parser.add_argument("--symbols", type=int, default=1000)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--libraries", default=",".join(LIBRARIES))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--client", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        client(args.client, args.port, args.symbols, args.warmup, args.seconds)
        return 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"receive path, {args.symbols} symbols; load average {load}", file=sys.stderr)
    results = []
    for rate in (float(r) for r in args.rates.split(",")):
        for library in args.libraries.split(","):
            result = measure(library, rate, args.symbols, args.warmup, args.seconds)
            results.append(result)
            print(f"  {result}", file=sys.stderr)
    print("| library | offered/s | delivered/s | CPU % | CPU µs / frame |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        if "error" in r:
            print(f"| {r['library']} | {r['offered']:,.0f} | failed: {r['error'][-80:]} | | |")
            continue
        print(
            f"| {r['library']} | {r['offered']:,.0f} | {r['frames_per_s']:,} | {r['cpu_pct']} | "
            f"{r['cpu_us_per_frame']} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"load_before": load, "results": results}, indent=1))
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

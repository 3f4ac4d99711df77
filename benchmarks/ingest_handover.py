"""`python -m benchmarks.ingest_handover`: the worker → GUI hand-over of decoded ticks, measured.

A spawned child makes `Tick`s at a paced rate and sends them over a socket pair, the way the
ingest worker does (`desktop.feed.ingest_wire`); the parent reads them with an asyncio stream
reader and decodes them. Compared: msgspec msgpack batches (what the worker uses), pickled
batches, and one msgpack message per tick (no batching). Reported per rate: delivered events/s,
the parent's and the child's CPU in µs per event, and the hand-over latency p50/p99 (send →
decoded in the parent, both on the system-wide monotonic clock).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import pickle
import socket
import struct
import time
from decimal import Decimal
from typing import Any

import msgspec

from desktop.domain.market_data import Tick, TradeSide
from desktop.feed.ingest_wire import EventBatch

_FRAME = struct.Struct("!Id")
"""Payload length and the send time (monotonic seconds)."""
BATCH_LIMIT = 1000
SLICE_S = 0.002
METHODS = ("msgpack-batch", "pickle-batch", "msgpack-per-tick")


def _encoder(method: str) -> Any:
    if method == "pickle-batch":
        return lambda ticks: pickle.dumps(ticks, protocol=pickle.HIGHEST_PROTOCOL)
    encoder = msgspec.msgpack.Encoder()
    if method == "msgpack-batch":
        return lambda ticks: encoder.encode(EventBatch(bytes(len(ticks)), ticks, []))
    return encoder.encode


def _decoder(method: str) -> Any:
    if method == "pickle-batch":
        return pickle.loads
    if method == "msgpack-batch":
        return msgspec.msgpack.Decoder(EventBatch).decode
    return msgspec.msgpack.Decoder(Tick).decode


def _produce(sock: socket.socket, method: str, rate: float, seconds: float, q: Any) -> None:
    """Child: `rate` ticks a second for `seconds`, sent every `SLICE_S` (or per tick)."""
    encode = _encoder(method)
    sock.setblocking(True)
    cpu0 = time.process_time()
    started = time.monotonic()
    made = 0
    seq = 0
    while (now := time.monotonic()) - started < seconds:
        due = int((now - started) * rate) - made
        ticks = []
        for _ in range(min(due, BATCH_LIMIT)):
            seq += 1
            price = Decimal(100 + seq % 50) / 4
            ticks.append(Tick(f"S{seq % 1000}.US", price, 100, None, TradeSide.BUY, 0, seq))
        made += len(ticks)
        if method == "msgpack-per-tick":
            frames = [(encode(t), now) for t in ticks]
        elif ticks:
            frames = [(encode(ticks), now)]
        else:
            frames = []
        out = b"".join(_FRAME.pack(len(p), sent) + p for p, sent in frames)
        if out:
            sock.sendall(out)
        time.sleep(SLICE_S)
    q.put((made, time.process_time() - cpu0))
    sock.close()


async def _consume(sock: socket.socket, method: str) -> tuple[int, list[float]]:
    decode = _decoder(method)
    reader, writer = await asyncio.open_connection(sock=sock)
    events, delays = 0, []
    try:
        while True:
            size, sent = _FRAME.unpack(await reader.readexactly(_FRAME.size))
            message = decode(await reader.readexactly(size))
            if method == "msgpack-per-tick":
                events += 1
            elif method == "pickle-batch":
                events += len(message)
            else:
                events += len(message.ticks)
            delays.append(time.monotonic() - sent)
    except asyncio.IncompleteReadError:
        pass
    writer.close()
    return events, delays


def measure(method: str, rate: float, seconds: float) -> dict[str, Any]:
    """One run of one method at one rate."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = socket.socketpair()
    results = context.Queue()
    child = context.Process(target=_produce, args=(theirs, method, rate, seconds, results))
    child.start()
    theirs.close()
    cpu0 = time.process_time()
    wall0 = time.monotonic()
    events, delays = asyncio.run(_consume(mine, method))
    parent_cpu = time.process_time() - cpu0
    wall = time.monotonic() - wall0
    made, child_cpu = results.get(timeout=30)
    child.join()
    delays.sort()

    def pick(q: float) -> float:
        return round(1000 * delays[min(len(delays) - 1, int(q * len(delays)))], 2)

    return {
        "method": method,
        "offered": rate,
        "delivered_per_s": round(events / seconds),
        "lost": made - events,
        "parent_us_per_event": round(1e6 * parent_cpu / max(events, 1), 2),
        "child_us_per_event": round(1e6 * child_cpu / max(made, 1), 2),
        "handover_ms_p50": pick(0.5),
        "handover_ms_p99": pick(0.99),
        "wall_s": round(wall, 1),
    }


def main() -> None:
    """Print one row per method and rate (markdown)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest_handover")
    parser.add_argument("--rates", default="20000,60000,100000")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    print("| method | offered/s | delivered/s | lost | GUI-side µs/event | worker µs/event "
          "| hand-over p50 / p99 ms |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for rate in (float(r) for r in args.rates.split(",")):
        for method in args.methods.split(","):
            row = measure(method, rate, args.seconds)
            print(
                f"| {method} | {rate:,.0f} | {row['delivered_per_s']:,} | {row['lost']} "
                f"| {row['parent_us_per_event']} | {row['child_us_per_event']} "
                f"| {row['handover_ms_p50']} / {row['handover_ms_p99']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

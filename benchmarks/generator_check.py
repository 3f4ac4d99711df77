"""Proof that the simulator is not the bottleneck: push the ladder's top rate into a raw sink.

The sink is a bare socket in this process that performs the WebSocket handshake, subscribes,
then only counts frame headers: no websockets library, no JSON, no Qt. If the simulator process
delivers the offered rate to it while using well under one core, every slower client in the
benchmark is measuring itself, not the generator. `python -m benchmarks.generator_check`.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ControlBlock, benchmark_symbols, wire_code

_PATH = "/quote-stock-b-ws-api?token=bench"


def _client_frame(text: str) -> bytes:
    """A masked text frame, as a client must send (RFC 6455 §5.3)."""
    payload = text.encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    if n < 126:
        header = bytes((0x81, 0x80 | n))
    elif n < 1 << 16:
        header = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
    return header + mask + masked


def _handshake(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(4096)
    if b" 101 " not in response.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"handshake refused: {response[:80]!r}")
    return sock


def sink(port: int, symbols: list[str], seconds: float) -> dict[str, Any]:
    """Subscribe `symbols` and count whole frames received for `seconds` after the first one."""
    sock = _handshake(port)
    codes = [{"code": wire_code(s)} for s in symbols]
    request = {"cmd_id": 22004, "seq_id": 1, "trace": "sink", "data": {"symbol_list": codes}}
    sock.sendall(_client_frame(json.dumps(request)))
    buffer = bytearray()
    frames = 0
    started: float | None = None
    while started is None or time.monotonic() - started < seconds:
        chunk = sock.recv(1 << 18)
        if not chunk:
            break
        buffer += chunk
        i, end = 0, len(buffer)
        while end - i >= 2:
            length, head = buffer[i + 1] & 0x7F, 2
            if length == 126:
                if end - i < 4:
                    break
                length, head = int.from_bytes(buffer[i + 2 : i + 4], "big"), 4
            elif length == 127:
                if end - i < 10:
                    break
                length, head = int.from_bytes(buffer[i + 2 : i + 10], "big"), 10
            if end - i < head + length:
                break
            i += head + length
            frames += 1
        del buffer[:i]
        if started is None and frames > 1:
            started, frames = time.monotonic(), 0
    sock.close()
    elapsed = time.monotonic() - (started or time.monotonic())
    return {"frames": frames, "seconds": elapsed, "rate": frames / elapsed if elapsed else 0.0}


def check(rate: float, symbols: int, seconds: float) -> dict[str, Any]:
    """Run the simulator process at `rate` into the sink; the sink's rate and the sim's CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        control_path = Path(tmp) / "control"
        control = ControlBlock(control_path, create=True)
        sim = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sim_process", "--rate", str(rate)]
            + ["--control", str(control_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert sim.stdout is not None and sim.stdin is not None
        port = int(sim.stdout.readline().split()[1])
        control.set("go", 1)
        received = sink(port, benchmark_symbols(symbols), seconds)
        control.set("stop", 2)
        out, _ = sim.communicate(timeout=30)
        sim_result = json.loads(out.split("RESULT ", 1)[1])
        control.close()
    return {"offered": rate, "symbols": symbols, "sink": received, "simulator": sim_result}


def main() -> None:
    """Print the check's figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100_000)
    parser.add_argument("--symbols", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(json.dumps(check(args.rate, args.symbols, args.seconds), indent=2))


if __name__ == "__main__":
    main()

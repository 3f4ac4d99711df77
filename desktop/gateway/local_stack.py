"""`make gateway`: a desk gateway on one machine — Redis (started when none answers), the gateway
on the built-in simulator, and the history writer when a PostgreSQL DSN is given.

Each piece runs as its own process (as on a real desk) and all of them stop together on Ctrl-C
or SIGTERM. A Redis this command started keeps no data on disk (`--save ""`).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

__all__ = ["main", "redis_answers"]


def redis_answers(host: str, port: int) -> bool:
    """Whether something speaking Redis listens at host:port (a PING, any answer)."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith((b"+PONG", b"-NOAUTH", b"-ERR"))
    except OSError:
        return False


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="make gateway",
        description="Redis + the desk gateway on the simulator + the history writer, locally.",
    )
    parser.add_argument("--port", type=int, default=6379, help="Redis port on 127.0.0.1")
    parser.add_argument("--history", metavar="DSN", help="PostgreSQL for the history writer")
    parser.add_argument("--audit-log", type=Path, metavar="FILE", help="the gateway's audit log")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Start what is missing, then wait until interrupted."""
    args = _parse(argv)
    url = f"redis://127.0.0.1:{args.port}"
    children: list[subprocess.Popen[bytes]] = []
    if not redis_answers("127.0.0.1", args.port):
        server = shutil.which("redis-server")
        if server is None:
            print(
                "make gateway: no Redis answers and redis-server is not installed", file=sys.stderr
            )
            return 2
        children.append(
            subprocess.Popen(
                [server, "--port", str(args.port), "--bind", "127.0.0.1", "--save", ""],
                stdout=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + 10
        while not redis_answers("127.0.0.1", args.port):
            if time.monotonic() > deadline or children[0].poll() is not None:
                print(f"make gateway: redis-server did not start on {url}", file=sys.stderr)
                _stop(children)
                return 2
            time.sleep(0.05)
        print(f"make gateway: started redis-server on {url}", flush=True)
    else:
        print(f"make gateway: using the Redis already answering on {url}", flush=True)
    gateway = [sys.executable, "-m", "desktop.gateway.cli", "--redis-url", url]
    if args.audit_log is not None:
        gateway += ["--audit-log", str(args.audit_log)]
    children.append(subprocess.Popen(gateway))
    print("make gateway: gateway started on the built-in simulator", flush=True)
    if args.history:
        writer = [sys.executable, "-m", "desktop.gateway.cli", "--redis-url", url]
        children.append(subprocess.Popen([*writer, "--history", args.history]))
        print("make gateway: history writer started", flush=True)
    else:
        print("make gateway: no HISTORY_DSN given, so no history writer", flush=True)
    print(f"make gateway: boards connect with  quoteboard --gateway {url}", flush=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.2)
        print("make gateway: a process ended; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(children)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.terminate()
    for child in reversed(children):
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    sys.exit(main())

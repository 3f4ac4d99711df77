"""`--smoke` streams from what it is given: a standalone simulator (`--feed-url`) or a recording."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TIMEOUT_S, need_system
from tests.polling import wait_until_blocking

WS_PATH = "/quote-stock-b-ws-api"
SETTLED_S = 4.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class StandaloneSimulator:
    """`quoteboard-sim --port P` as a separate process, killed and restarted on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(Path(sys.executable).with_name("quoteboard-sim")), "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        process = self.process
        wait_until_blocking(
            lambda: process.poll() is not None or listening(self.port),
            "the simulator to listen",
            TIMEOUT_S * 4,
        )
        assert process.poll() is None, "the simulator exited"

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(TIMEOUT_S)
            self.process = None


@pytest.fixture
def simulator() -> Iterator[StandaloneSimulator]:
    sim = StandaloneSimulator(free_port())
    sim.start()
    yield sim
    sim.kill()


def start_smoke(seconds: float, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QUOTEBOARD_TOKEN": "x"}
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "--smoke", str(seconds), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def report_of(process: subprocess.Popen[str]) -> tuple[int, dict[str, Any], str]:
    out, err = process.communicate(timeout=TIMEOUT_S * 12)
    lines = out.strip().splitlines()
    assert lines, err[-2000:]
    report = json.loads(lines[-1])
    assert isinstance(report, dict)
    return process.returncode, report, err


def clients_of(port: int) -> set[int]:
    """Client ports of the established TCP connections to 127.0.0.1:`port` (Linux /proc)."""
    table = Path("/proc/net/tcp")
    need_system(table.exists(), "/proc/net/tcp")
    clients = set()
    for line in table.read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if state == "01" and int(local.split(":")[1], 16) == port:
            clients.add(int(remote.split(":")[1], 16))
    return clients


class BoardConnections:
    """The board's connections to the simulator, and since when each has been open."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.first_seen: dict[int, float] = {}  # client port → when it was first seen
        self.both = False  # the REST client and the WebSocket have both connected

    def settled(self, age_s: float) -> bool:
        """Both have connected, and every connection open now is older than `age_s`."""
        now = time.monotonic()
        self.first_seen = {c: self.first_seen.get(c, now) for c in clients_of(self.port)}
        self.both = self.both or len(self.first_seen) >= 2
        return self.both and bool(self.first_seen) and max(self.first_seen.values()) < now - age_s


@pytest.mark.slow
def test_smoke_streams_from_the_feed_url_and_counts_a_reconnect_across_a_restart(
    simulator: StandaloneSimulator,
) -> None:
    url = f"ws://127.0.0.1:{simulator.port}{WS_PATH}"
    smoke = start_smoke(30, "--feed-url", url, "--log-level", "INFO")
    try:
        # The board streams from OUR simulator: its REST client and its WebSocket connect, and
        # the simulator dies only once every connection is older than the feed's "refused" window
        # (a socket dropped within 3 s of opening backs off for a minute: another behaviour).
        board = BoardConnections(simulator.port)
        wait_until_blocking(
            lambda: smoke.poll() is not None or board.settled(SETTLED_S),
            "the board to connect to --feed-url",
            TIMEOUT_S * 4,
        )
        assert smoke.poll() is None, "the smoke run ended before it connected"
        simulator.kill()
        simulator.start()
    finally:
        code, report, err = report_of(smoke)
    assert report["ticks"] > 0, (report, err[-3000:])
    assert report["reconnects"] >= 1, (report, err[-3000:])
    assert report["rows_with_price"] == report["rows"], report
    assert "DEMO" not in report["status"], report
    assert code in (0, 1)


@pytest.mark.slow
def test_smoke_on_a_replay_streams_the_recording_not_the_simulator(tmp_path: Path) -> None:
    recorded_run = start_smoke(3, "--record", "--seed", "3", "--data-dir", str(tmp_path))
    code, recorded, err = report_of(recorded_run)
    assert code == 0 and recorded["ticks"] == recorded["recorded"] > 0, err[-2000:]
    replayed_run = start_smoke(
        4,
        "--replay",
        str(tmp_path / "ticks.db"),
        "--speed",
        "50",
        "--data-dir",
        str(tmp_path / "r"),
    )
    code, replayed, err = report_of(replayed_run)
    assert code == 0, err[-2000:]
    assert replayed["ticks"] == recorded["ticks"]  # exactly the recording, no simulated trade

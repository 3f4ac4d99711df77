"""`quoteboard status`, run as a user runs it: on a smaller plan than configured, it says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TIMEOUT_S


def _script(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def test_status_shows_codes_sent_accepted_and_ticking_on_a_server_that_drops_extras(
    tmp_path: Path,
) -> None:
    # A free-plan token (5 codes) while the board is configured for Basic: the server accepts
    # the subscribe and silently streams only the first 5 of the 24 default symbols.
    sim = subprocess.Popen(
        [_script("quoteboard-sim"), "--port", "0", "--plan", "free"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        url = ""
        while not url:
            line = sim.stdout.readline()
            assert line, "the simulator exited"
            if "WebSocket:" in line:
                url = line.split("WebSocket:")[1].split("?")[0].strip()
        done = subprocess.run(
            [_script("quoteboard"), "status", "--feed-url", url, "--plan", "basic",
             "--seconds", "3", "--data-dir", str(tmp_path)],
            env={**os.environ, "QUOTEBOARD_TOKEN": "free-token", "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S * 6,
        )  # fmt: skip
    finally:
        sim.terminate()
        sim.wait()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Plan: Basic — up to 1 connection(s) of 100 codes each" in lines
    assert "Connection 1 (live): sent 24, accepted 24, ticking 5" in lines
    assert any(line.startswith("  not ticking: ") for line in lines)
    assert lines[-1].startswith("Depth levels received: ")

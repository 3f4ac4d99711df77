"""`quoteboard-sim --strict`, run as a user runs it: an early request gets 606 and a close."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import TIMEOUT_S


async def test_the_strict_simulator_closes_a_connection_that_sends_too_early() -> None:
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("quoteboard-sim")), "--strict", "--port", "0",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = ""
        lines: list[str] = []
        while not lines or "Ctrl+C" not in lines[-1]:
            line = (await asyncio.wait_for(process.stdout.readline(), TIMEOUT_S)).decode()
            assert line, f"the simulator exited: {lines}"
            lines.append(line)
            if "WebSocket:" in line:
                url = line.split("WebSocket:")[1].split("?")[0].strip()
        assert any("strict" in line for line in lines)
        replies: list[dict[str, object]] = []
        async with connect(f"{url}?token=demo", open_timeout=TIMEOUT_S) as ws:
            beat = {"cmd_id": 22000, "seq_id": 1, "trace": "hb-1", "data": {}}
            sub = {"cmd_id": 22004, "seq_id": 2, "trace": "sub-2",
                   "data": {"symbol_list": [{"code": "AAPL.US"}]}}  # fmt: skip
            await ws.send(json.dumps(beat))  # a heartbeat counts as a request when strict
            await ws.send(json.dumps(sub))
            try:
                async for frame in ws:
                    message = json.loads(frame)
                    if "ret" in message:
                        replies.append(message)
            except ConnectionClosed:
                pass
            closed_by_server = ws.close_code is not None
        assert [r["ret"] for r in replies] == [200, 606] and closed_by_server
    finally:
        process.terminate()
        await process.wait()

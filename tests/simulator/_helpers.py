"""Shared helpers for the simulator tests: one timeout constant, a raw-JSON client, REST GETs."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S
from tests.polling import wait_until

TIMEOUT = TIMEOUT_S

#: A small, fast simulator: no request spacing, quick pushes, a short history.
FAST = SimulatorConfig(
    min_request_interval=0.0,
    enforce_rest_limits=False,  # shape tests send REST back to back; limits have their own
    trades_per_second=400.0,
    depth_per_second=25.0,
    push_interval=0.01,
    history_minutes=5,
)


def fast_config(**changes: Any) -> SimulatorConfig:
    """`FAST` with some fields changed."""
    return replace(FAST, **changes)


class WireClient:
    """A plain websockets connection that keeps every decoded frame it receives, in order."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self.closed = asyncio.Event()
        self._seq = 0
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                self.frames.append(json.loads(message))
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()

    @property
    def close_code(self) -> int | None:
        """The close code the server sent, once closed."""
        return self.ws.close_code

    async def send(self, frame: dict[str, Any] | str) -> None:
        """Send a frame as JSON text (a string is sent as is)."""
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def request(self, cmd_id: int, data: Any, *, trace: str | None = None) -> dict[str, Any]:
        """Send a request with a fresh seq_id and return the reply that echoes it."""
        self._seq += 1
        seq = self._seq
        await self.send(
            {"cmd_id": cmd_id, "seq_id": seq, "trace": trace or f"t-{seq}", "data": data}
        )
        return await self.reply(seq)

    async def reply(self, seq_id: int) -> dict[str, Any]:
        """Wait for the response frame with this seq_id."""
        await wait_until(lambda: self.find_reply(seq_id) is not None, f"reply {seq_id}")
        found = self.find_reply(seq_id)
        assert found is not None
        return found

    def find_reply(self, seq_id: int) -> dict[str, Any] | None:
        """The response with this seq_id, if it arrived."""
        for frame in self.frames:
            if "ret" in frame and frame.get("seq_id") == seq_id:
                return frame
        return None

    def index_of(self, frame: dict[str, Any]) -> int:
        """Position of a received frame (by identity)."""
        return next(i for i, f in enumerate(self.frames) if f is frame)

    def pushes(self, cmd_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The `data` of every push with this cmd_id received at or after index `since`."""
        return [
            f["data"] for f in self.frames[since:] if f.get("cmd_id") == cmd_id and "ret" not in f
        ]

    async def subscribe_trades(self, *codes: str) -> dict[str, Any]:
        """Send 22004 for these codes and return the reply."""
        return await self.request(22004, {"symbol_list": [{"code": c} for c in codes]})

    async def subscribe_depth(self, *entries: tuple[str, int | None]) -> dict[str, Any]:
        """Send 22002 for (code, depth_level or None) entries and return the reply."""
        items = [{"code": c} if n is None else {"code": c, "depth_level": n} for c, n in entries]
        return await self.request(22002, {"symbol_list": items})


@asynccontextmanager
async def open_client(server: SimulatorServer, token: str = "demo") -> AsyncIterator[WireClient]:
    """Connect to the simulator with `token` and read frames in the background."""
    async with connect(f"{server.ws_url}?token={token}", open_timeout=TIMEOUT) as ws:
        client = WireClient(ws)
        try:
            yield client
        finally:
            client._reader.cancel()


def query_url(base: str, endpoint: str, data: dict[str, Any], token: str | None = "demo") -> str:
    """A REST GET URL with the token and the URL-encoded `{"trace","data"}` query."""
    query = urllib.parse.quote(json.dumps({"trace": "rest-1", "data": data}))
    token_part = f"token={token}&" if token is not None else ""
    return f"{base}/{endpoint}?{token_part}query={query}"


async def rest_get(
    server: SimulatorServer, endpoint: str, data: dict[str, Any], token: str | None = "demo"
) -> httpx.Response:
    """GET a REST endpoint of the simulator."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        return await client.get(query_url(server.rest_url, endpoint, data, token))

""" "Test connection": a real handshake and heartbeat against the simulator, every outcome in words."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from desktop.feed.probe import ProbeVerdict, probe_connection
from desktop.simulator.server import ConnectionRecord, Faults, SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S

GOOD = "good-token-1234"
BAD = "bad-token-5678"


def gated(**changes: object) -> SimulatorConfig:
    """A simulator that knows only GOOD and refuses every other token with HTTP 401."""
    return SimulatorConfig(tokens={GOOD: "basic"}, any_token_plan=None, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    async with SimulatorServer(gated()) as running:
        yield running


async def test_a_good_token_connects_and_the_heartbeat_is_answered(server: SimulatorServer) -> None:
    result = await probe_connection(server.ws_url, GOOD, timeout_s=TIMEOUT_S)
    assert result.ok and result.verdict is ProbeVerdict.OK
    host = f"127.0.0.1:{server.port}"
    assert result.message.startswith(f"Connected to {host} in ")
    assert "ms; heartbeat answered in " in result.message and result.message.endswith(" ms")
    assert result.connect_ms is not None and result.heartbeat_ms is not None
    record = server.connections[-1]
    assert [f.cmd_id for f in record.received] == [22000]  # one heartbeat, nothing else
    await asyncio.sleep(0)
    assert server.open_connections(GOOD) == []  # the probe closes its socket


async def test_a_rejected_token_says_401_and_never_shows_the_token(server: SimulatorServer) -> None:
    result = await probe_connection(server.ws_url, BAD, timeout_s=TIMEOUT_S)
    assert result.verdict is ProbeVerdict.TOKEN_REJECTED
    assert result.message == "Token rejected (401)"
    assert BAD not in repr(result)


async def test_a_401_reply_after_the_handshake_is_also_a_rejected_token() -> None:
    class RejectInReply(Faults):
        def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
            if '"cmd_id":22001' in text.replace(" ", ""):
                return '{"ret":401,"msg":"token invalid","cmd_id":22001,"seq_id":1,"trace":"x","data":{}}'
            return text

    async with SimulatorServer(gated(), faults=RejectInReply()) as server:
        result = await probe_connection(server.ws_url, GOOD, timeout_s=TIMEOUT_S)
    assert result.verdict is ProbeVerdict.TOKEN_REJECTED
    assert result.message == "Token rejected (401): token invalid"


async def test_nothing_listening_is_connection_refused() -> None:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    result = await probe_connection(
        f"ws://127.0.0.1:{port}/quote-stock-b-ws-api", GOOD, timeout_s=TIMEOUT_S
    )
    assert result.verdict is ProbeVerdict.UNREACHABLE
    assert result.message == f"Could not reach 127.0.0.1:{port}: connection refused"


async def test_a_host_that_never_answers_times_out_with_the_deadline_in_words() -> None:
    silent: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        silent.append(writer)

    tcp = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = tcp.sockets[0].getsockname()[1]
    try:
        result = await probe_connection(
            f"ws://127.0.0.1:{port}/quote-stock-b-ws-api", GOOD, timeout_s=0.3
        )
    finally:
        for writer in silent:
            writer.close()
        tcp.close()
        await tcp.wait_closed()
    assert result.verdict is ProbeVerdict.TIMED_OUT
    assert result.message == f"Timed out after 0.3 s connecting to 127.0.0.1:{port}"


async def test_a_heartbeat_that_is_never_answered_times_out_after_connecting() -> None:
    class SwallowHeartbeatReplies(Faults):
        def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
            return None if "22001" in text else text

    async with SimulatorServer(gated(), faults=SwallowHeartbeatReplies()) as server:
        result = await probe_connection(server.ws_url, GOOD, timeout_s=0.5)
    assert result.verdict is ProbeVerdict.TIMED_OUT
    assert result.message == "Timed out after 0.5 s for the heartbeat reply"
    assert result.connect_ms is not None


async def test_a_full_connection_limit_is_explained() -> None:
    async with SimulatorServer(gated()) as server:
        first = await probe_connection(server.ws_url, GOOD, timeout_s=TIMEOUT_S)
        assert first.ok
        from websockets.asyncio.client import connect

        async with connect(f"{server.ws_url}?token={GOOD}"):  # the board's one Basic connection
            result = await probe_connection(server.ws_url, GOOD, timeout_s=TIMEOUT_S)
    assert result.verdict is ProbeVerdict.REFUSED
    assert (
        "closed the connection before answering (1008 connection limit exceeded)" in result.message
    )
    assert "connection limit may be in use" in result.message


async def test_too_many_connection_attempts_are_reported_as_rate_limited() -> None:
    async with SimulatorServer(gated(enforce_reconnect_floor=True)) as server:
        assert (await probe_connection(server.ws_url, GOOD, timeout_s=TIMEOUT_S)).ok
        result = await probe_connection(server.ws_url, GOOD, timeout_s=TIMEOUT_S)
    assert result.verdict is ProbeVerdict.REFUSED
    assert "HTTP 429" in result.message and "try again" in result.message


class _EchoesTheToken(Faults):
    """Answers the heartbeat with a 401 whose message repeats the token (a careless server)."""

    def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
        token = "echoed-token-9f8e7d6c"
        return (
            '{"ret":401,"msg":"token ' + token + " invalid (token=" + token + ')",'
            '"cmd_id":22001,"seq_id":1,"trace":"x","data":{}}'
        )


async def test_a_token_echoed_by_the_server_is_redacted_from_the_probe_sentence() -> None:
    async with SimulatorServer(SimulatorConfig(), faults=_EchoesTheToken()) as echoing:
        result = await probe_connection(
            echoing.ws_url, "echoed-token-9f8e7d6c", timeout_s=TIMEOUT_S
        )
    assert result.verdict is ProbeVerdict.TOKEN_REJECTED
    assert "echoed-token-9f8e7d6c" not in result.message
    assert result.message == "Token rejected (401): token *** invalid (token=***)"

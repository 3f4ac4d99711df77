"""The firehose simulator: real AllTick trade pushes from a pre-encoded ring, stamped per write."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import msgspec
from websockets.asyncio.client import ClientConnection, connect

from desktop.domain.market_data import Tick
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick import AllTickCodec
from desktop.simulator.firehose import FirehoseServer, build_trade_ring
from tests.polling import wait_until
from tests.simulator._helpers import TIMEOUT, fast_config

CODES = ["AAPL.US", "MSFT.US", "700.HK", "QZZA.US", "23456.HK"]


def _subscribe(codes: list[str]) -> str:
    data = {"symbol_list": [{"code": c} for c in codes]}
    return msgspec.json.encode({"cmd_id": 22004, "seq_id": 1, "trace": "t", "data": data}).decode()


def test_a_ring_batch_is_the_frames_of_its_slice_with_the_stamp_in_each() -> None:
    server = FirehoseServer(fast_config(synthesise_unknown=True))
    symbols = frozenset(s for c in CODES if (s := server.market.resolve(c, synthesise=True)))
    ring = build_trade_ring(server, symbols, 50, seed=3)
    whole = ring.frames(0, 50, 1_700_000_000_123, 42)
    pieces = b"".join(ring.frames(i, i + 1, 1_700_000_000_123, 42) for i in range(50))
    assert whole == pieces
    first = pieces[: 4 + int.from_bytes(pieces[2:4], "big")]
    assert first[:2] == b"\x81\x7e"
    tick = AllTickCodec().decode(first[4:], 1_700_000_000_123)
    assert isinstance(tick, Tick)
    assert tick.ts_ms == 1_700_000_000_123
    assert tick.seq == 42 * 10**7


async def test_pushes_arrive_at_the_rate_asked_for_with_fresh_stamps_and_rising_seqs() -> None:
    rate = 2000.0
    config = fast_config(synthesise_unknown=True, trades_per_second=rate, min_request_interval=0)
    # A ring smaller than what one second sends: the stream wraps and seqs must still rise.
    async with FirehoseServer(config, ring_size=500) as server:
        codec = AllTickCodec()
        ticks: list[Tick] = []
        async with connect(f"{server.ws_url}?token=t", compression=None) as ws:
            await ws.send(_subscribe(CODES))
            started = time.monotonic()
            while len(ticks) < 3000:
                event = codec.decode(await ws.recv(decode=False), int(time.time() * 1000))
                if isinstance(event, Tick):
                    ticks.append(event)
                    assert abs(time.time() * 1000 - event.ts_ms) < TIMEOUT * 1000
            elapsed = time.monotonic() - started
        await wait_until(lambda: not server.open_connections(), "the connection to close")
    assert codec.stats.bad == 0
    assert {t.symbol for t in ticks} == {str(Symbol.from_wire(c)) for c in CODES}
    assert elapsed > 3000 / rate * 0.8  # not faster than asked (no burst of the whole ring)
    last: dict[str, int] = defaultdict(lambda: -1)
    for tick in ticks:
        assert tick.seq is not None and tick.seq > last[tick.symbol]
        last[tick.symbol] = tick.seq
    assert server.pushed >= 3000 and server.throttled == 0


async def test_nothing_is_pushed_to_a_connection_without_trades_or_after_stop_pushing() -> None:
    config = fast_config(synthesise_unknown=True, trades_per_second=5000.0)
    async with FirehoseServer(config) as server:
        async with connect(f"{server.ws_url}?token=t", compression=None) as ws:
            reader = asyncio.create_task(_drain(ws))
            await wait_until(lambda: len(server.open_connections()) == 1, "the connection")
            await wait_until(lambda: server.rounds > 20, "some push rounds")
            assert server.pushed == 0
            await ws.send(_subscribe(CODES[:2]))
            await wait_until(lambda: server.pushed > 100, "pushes after subscribing")
            server.stop_pushing()
            stopped_at = server.pushed
            rounds = server.rounds
            await wait_until(lambda: server.rounds > rounds + 20, "more push rounds")
            assert server.pushed == stopped_at
        await reader


async def _drain(ws: ClientConnection) -> None:
    async for _ in ws:
        pass

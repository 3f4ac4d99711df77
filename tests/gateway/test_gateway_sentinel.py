"""Redis with Sentinel: the primary dies, the replica is promoted, and the gateway and every
board follow the failover without a restart."""

from __future__ import annotations

import asyncio

from desktop.domain.feed_status import FeedState
from desktop.gateway.service import GatewayConfig
from tests.conftest import TIMEOUT_S
from tests.gateway.conftest import SentinelSetup, make_board, priced
from tests.gateway.test_gateway_boards import SYMBOLS, RunningGateway
from tests.gateway.test_gateway_outages import _advanced, _times
from tests.polling import wait_until


async def test_gateway_and_boards_follow_a_sentinel_failover(sentinel: SentinelSetup) -> None:
    running = RunningGateway(sentinel.url, GatewayConfig())
    gateway = await running.start()
    boards = [make_board(sentinel.url, SYMBOLS, f"board-{i}") for i in range(3)]
    try:
        await asyncio.gather(*(b.start() for b in boards))
        await wait_until(
            lambda: all(priced(b, SYMBOLS) and b.status.state is FeedState.LIVE for b in boards),
            "every board Live and priced through Sentinel",
        )
        before = [_times(b) for b in boards]
        sentinel.primary.kill()
        await wait_until(
            lambda: all(_advanced(b, t) for b, t in zip(boards, before, strict=True)),
            "every board streaming from the promoted replica",
            within=TIMEOUT_S * 4,
        )
        await wait_until(
            lambda: all(b.status.state is FeedState.LIVE for b in boards), "every board Live"
        )
        role = await gateway.redis.execute_command("ROLE")
        assert role[0] == b"master"
        address = await gateway.redis.connection_pool.get_master_address()  # type: ignore[attr-defined]
        assert address == ("127.0.0.1", sentinel.replica.port)
    finally:
        await asyncio.gather(*(b.stop() for b in boards))
        await running.stop()

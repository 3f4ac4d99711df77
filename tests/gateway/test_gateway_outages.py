"""Outages: the gateway killed with -9 and restarted, Redis killed and restarted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from desktop.domain.feed_status import FeedState
from desktop.domain.truth import Truth, TruthJudge
from desktop.feed.gateway_feed import GatewayFeed
from desktop.gateway.service import GatewayConfig
from tests.conftest import TIMEOUT_S
from tests.gateway.conftest import FAST_BOARD, GatewayProcess, RedisServer, make_board, priced
from tests.gateway.test_gateway_boards import SYMBOLS, RunningGateway
from tests.polling import wait_until


def _advanced(board: GatewayFeed, since: dict[str, int]) -> bool:
    """Every symbol has traded since `since` (its subscription survived)."""
    for symbol in SYMBOLS:
        state = board.book.get(symbol)
        if state is None or state.last_time_ms is None or state.last_time_ms <= since[symbol]:
            return False
    return True


def _times(board: GatewayFeed) -> dict[str, int]:
    return {s: board.book.get(s).last_time_ms or 0 for s in SYMBOLS}  # type: ignore[union-attr]


def _every_row_stale(board: GatewayFeed) -> bool:
    """The truth judge's verdict for every symbol of `board`, as the rows would show it."""
    report = TruthJudge(None).judge(
        board.book, SYMBOLS, time.monotonic(), int(time.time() * 1000), board.truth_conditions()
    )
    return all(v.state is Truth.STALE for v in report.verdicts.values())


async def test_a_killed_gateway_turns_every_board_down_and_a_restart_brings_all_back(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    assert FAST_BOARD.check_s + GatewayConfig().beat_ttl_s < 2.0  # "Gateway down" within 2 s
    gateway = GatewayProcess(redis_server.url, tmp_path, "--log-level", "WARNING")
    gateway.start()
    boards = [make_board(redis_server.url, SYMBOLS, f"board-{i}") for i in range(10)]
    try:
        await asyncio.gather(*(b.start() for b in boards))
        await wait_until(
            lambda: all(b.status.state is FeedState.LIVE and priced(b, SYMBOLS) for b in boards),
            "every board Live and priced",
            within=TIMEOUT_S * 3,
        )
        gateway.kill()
        await wait_until(
            lambda: all(b.status.state is FeedState.GATEWAY_DOWN for b in boards),
            "every board showing Gateway down",
        )
        assert all(b.status.text == "Gateway down (no heartbeat)" for b in boards)
        assert all(_every_row_stale(b) for b in boards)  # the rows say it, not only the status bar
        before = [_times(b) for b in boards]
        gateway.start()
        await wait_until(
            lambda: all(b.status.state is FeedState.LIVE for b in boards),
            "every board Live again",
            within=TIMEOUT_S * 3,
        )
        await wait_until(
            lambda: all(_advanced(b, t) for b, t in zip(boards, before, strict=True)),
            "every symbol of every board streaming again",
            within=TIMEOUT_S * 2,
        )
        assert all(b.reconnects == 1 for b in boards)
    finally:
        await asyncio.gather(*(b.stop() for b in boards))
        gateway.stop()


async def test_a_restarted_empty_redis_is_refilled_and_boards_resume(
    redis_server: RedisServer,
) -> None:
    running = RunningGateway(redis_server.url, GatewayConfig())
    await running.start()
    boards = [make_board(redis_server.url, SYMBOLS, f"board-{i}") for i in range(3)]
    try:
        await asyncio.gather(*(b.start() for b in boards))
        await wait_until(lambda: all(priced(b, SYMBOLS) for b in boards), "every board priced")
        redis_server.kill()
        await wait_until(  # a missed heartbeat may say so first on a busy machine
            lambda: all(
                b.status.state is FeedState.GATEWAY_DOWN and "Redis unreachable" in b.status.text
                for b in boards
            ),
            "every board showing Gateway down (Redis unreachable)",
        )
        before = [_times(b) for b in boards]
        redis_server.start()  # same port, no data: no cache, no streams, no interest
        await wait_until(
            lambda: all(b.status.state is FeedState.LIVE for b in boards),
            "every board Live again",
            within=TIMEOUT_S * 2,
        )
        await wait_until(
            lambda: all(_advanced(b, t) for b, t in zip(boards, before, strict=True)),
            "every symbol streaming again",
            within=TIMEOUT_S * 2,
        )
        # A board joining now is priced from the refilled cache alone.
        late = make_board(redis_server.url, SYMBOLS, "late")
        await late.reader.join()
        assert priced(late, SYMBOLS)
        await late.redis.aclose()
    finally:
        await asyncio.gather(*(b.stop() for b in boards))
        await running.stop()

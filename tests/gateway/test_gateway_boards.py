"""One gateway, many headless boards, a real redis-server: late joiners, staleness, catching up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from desktop.domain.feed_status import FeedState
from desktop.feed.gateway_feed import GatewayFeed
from desktop.feed.redis_link import RedisLink
from desktop.gateway.audit import AuditLog
from desktop.gateway.service import GatewayConfig, GatewayService
from desktop.protocol.plans import Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.embedded import EmbeddedSimulator
from tests.conftest import TIMEOUT_S, need_system
from tests.gateway.conftest import REDIS_SERVER, RedisServer, make_board, priced
from tests.polling import wait_until

SYMBOLS = ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US", "00700.HK", "09988.HK"]


class RunningGateway:
    """An in-process gateway on the embedded simulator."""

    def __init__(self, url: str, config: GatewayConfig, token: str | None = None) -> None:
        self.url = url
        self.config = config
        self.token = token
        tokens = {token: config.plan.value} if token else {}
        self.simulator = EmbeddedSimulator(
            SimulatorConfig(seed=7, synthesise_unknown=True, trades_per_second=400.0, tokens=tokens)
        )
        self.service: GatewayService | None = None

    async def start(self) -> GatewayService:
        endpoints = await asyncio.to_thread(self.simulator.start)
        redis = RedisLink.parse(self.url).connect(name="test-gateway")
        token = self.token or endpoints.token
        self.service = GatewayService(redis, endpoints.ws_url, token, self.config)
        await self.service.start()
        return self.service

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()
            await self.service.redis.aclose()
        await asyncio.to_thread(self.simulator.stop)


@pytest.fixture
async def gateway(redis_server: RedisServer, tmp_path: Path) -> AsyncIterator[GatewayService]:
    running = RunningGateway(
        redis_server.url, GatewayConfig(audit_path=tmp_path / "audit.jsonl", maxlen=200)
    )
    service = await running.start()
    yield service
    await running.stop()


async def _stop_all(boards: list[GatewayFeed]) -> None:
    await asyncio.gather(*(board.stop() for board in boards))


async def test_ten_boards_joining_late_are_priced_from_the_cache_at_join(
    redis_server: RedisServer, gateway: GatewayService
) -> None:
    first = make_board(redis_server.url, SYMBOLS, "first")
    await first.start()
    await wait_until(lambda: priced(first, SYMBOLS), "the first board priced")
    boards = [make_board(redis_server.url, SYMBOLS, f"board-{i}") for i in range(9)]
    try:
        for board in boards:
            await board.reader.join()  # the cache alone, no stream read yet
            assert priced(board, SYMBOLS), board.board_id
            assert board.reader.events == 0
        await asyncio.gather(*(board.start() for board in boards))
        await wait_until(
            lambda: all(b.status.state is FeedState.LIVE for b in boards), "every board Live"
        )
        before = [b.reader.events for b in boards]
        await wait_until(
            lambda: all(b.reader.events > n for b, n in zip(boards, before, strict=True)),
            "updates streaming to every board",
        )
        await wait_until(lambda: len(gateway.interest.boards) == 10, "10 boards registered")
    finally:
        await _stop_all([first, *boards])


async def test_a_board_that_stops_reading_catches_up_from_the_cache_without_slowing_others(
    tmp_path: Path,
) -> None:
    need_system(REDIS_SERVER is not None, "redis-server")
    # Small stream nodes and a short MAXLEN: a stall of a few seconds is already trimmed away.
    server = RedisServer(tmp_path, ["--stream-node-max-entries", "5"])
    server.start()
    running = RunningGateway(server.url, GatewayConfig(maxlen=20))
    gateway = await running.start()
    stalled = make_board(server.url, SYMBOLS, "stalled")
    others = [make_board(server.url, SYMBOLS, f"other-{i}") for i in range(3)]
    boards = [stalled, *others]
    probe = RedisLink.parse(server.url).connect()
    try:
        await asyncio.gather(*(b.start() for b in boards))
        await wait_until(lambda: all(priced(b, SYMBOLS) for b in boards), "every board priced")
        stalled.pause_reading()
        await wait_until(lambda: stalled.reading_paused, "the stalled board holding")
        stalled_at = stalled.reader.positions[stalled.keys.trades].number
        assert stalled_at is not None
        others_at = [b.reader.events for b in others]

        async def trimmed_past() -> None:
            """Until the entry after the stalled board's last one is gone from the stream."""
            while True:
                first = await probe.xrange(gateway.keys.trades, count=1)
                if first and int(first[0][1][b"n"]) > stalled_at + 1:
                    return
                await asyncio.sleep(0.05)

        await asyncio.wait_for(trimmed_past(), TIMEOUT_S * 4)  # its last id is gone
        assert all(b.reader.events > n for b, n in zip(others, others_at, strict=True))
        assert all(b.missed == 0 for b in others)
        stalled.resume_reading()
        await wait_until(lambda: stalled.missed == 1, "the stalled board noticing its loss")
        assert "fell behind" in stalled.status.last_error
        reference = others[0]

        def same_prices() -> bool:
            return all(
                stalled.book.get(s).last_time_ms == reference.book.get(s).last_time_ms  # type: ignore[union-attr]
                for s in SYMBOLS
            )

        await wait_until(same_prices, "the stalled board caught up with the others")
        assert all(b.missed == 0 for b in others)
    finally:
        await _stop_all(boards)
        await probe.aclose()
        await running.stop()
        server.stop()


async def test_interest_expiry_frees_the_plans_codes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    running = RunningGateway(
        redis_server.url,
        GatewayConfig(plan=Plan.FREE, audit_path=audit, answer_ttl_s=3.0, forget_after_s=0.5),
    )
    await running.start()
    first_five = SYMBOLS[:5]
    other_five = ["AMD.US", "INTC.US", "META.US", "AMZN.US", "GOOGL.US"]
    hog = make_board(redis_server.url, first_five, "hog")
    late = make_board(redis_server.url, other_five, "late")
    try:
        await hog.start()
        await wait_until(lambda: priced(hog, first_five), "the first board priced")
        await late.start()
        await wait_until(
            lambda: set(late.notes()) == set(other_five), "the late board told: plan limit"
        )
        assert all("plan limit" in note for note in late.notes().values())
        # The first board dies without a goodbye: its interest is no longer refreshed.
        hog._started = False
        await hog._tasks.close()
        await wait_until(
            lambda: priced(late, other_five), "the late board streaming", within=TIMEOUT_S * 2
        )
        await wait_until(lambda: late.notes() == {}, "the late board's notes cleared")
        events = [(r.event, r.board) for r in AuditLog.read(audit)]
        assert ("joined", "hog") in events and ("left", "hog") in events
        assert ("joined", "late") in events
    finally:
        await late.stop()
        await hog.redis.aclose()
        await running.stop()


async def test_boards_over_the_cap_are_refused_and_audited(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    running = RunningGateway(redis_server.url, GatewayConfig(max_boards=2, audit_path=audit))
    await running.start()
    boards = [make_board(redis_server.url, SYMBOLS[:2], f"b{i}") for i in range(3)]
    try:
        for board in boards:
            await board.start()
            await wait_until(lambda b=board: b.status.state is not FeedState.CONNECTING, "status")
        await wait_until(
            lambda: boards[2].status.state is FeedState.OFFLINE, "the third board refused"
        )
        assert "at most 2 boards" in boards[2].status.text
        await wait_until(lambda: boards[0].status.state is FeedState.LIVE, "the first board Live")
        refused = [r for r in AuditLog.read(audit) if r.event == "refused"]
        assert [r.board for r in refused] == ["b2"]
    finally:
        await _stop_all(boards)
        await running.stop()

"""The production client against the real simulator on 127.0.0.1:0."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator

import pytest

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.protocol.alltick_wire import Cmd
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.polling import wait_until

FAST = ConnectionSettings(
    heartbeat_s=0.2,
    dead_after_s=1.0,
    request_spacing_s=0.05,
    reconnect_floor_s=0.05,
    refused_within_s=0.01,
    long_backoff_s=0.2,
)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "NVDA", "700", "9988", "5")]


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    config = SimulatorConfig(
        seed=7, trades_per_second=400.0, depth_per_second=5.0, min_request_interval=0.04
    )
    async with SimulatorServer(config) as running:
        yield running


async def test_the_client_fills_the_book_with_prices_names_and_books(
    server: SimulatorServer,
) -> None:
    book = QuoteBook()
    statuses: list[FeedStatus] = []
    service = FeedService(
        book,
        server.ws_url,
        "any-token",
        PLANS[Plan.PROFESSIONAL],
        settings=FAST,
        on_status=statuses.append,
    )
    service.set_symbols(SYMBOLS, SYMBOLS)
    await service.start()
    try:

        def filled() -> bool:
            states = [book.get(str(s)) for s in SYMBOLS]
            return all(
                st is not None
                and st.last is not None
                and st.prev_close is not None
                and st.name
                and st.bid
                for st in states
            )

        await wait_until(filled)
        await wait_until(lambda: book.counters.ticks > 50)
        assert service.status.state is FeedState.LIVE
        assert statuses and statuses[-1].state is FeedState.LIVE
        stats = service.stats()
        assert stats.bad_frames == 0 and stats.error_replies == 0 and stats.rest_failures == 0
        hk = book.get("00700.HK")
        assert hk is not None and hk.lot_size and hk.depth is not None and len(hk.depth.bids) == 10
    finally:
        await service.stop()


async def test_the_full_set_is_sent_in_one_request_and_edits_coalesce(
    server: SimulatorServer,
) -> None:
    book = QuoteBook()
    settings = ConnectionSettings(
        heartbeat_s=5, dead_after_s=10, request_spacing_s=0.3, reconnect_floor_s=0.05
    )
    service = FeedService(book, server.ws_url, "t", PLANS[Plan.BASIC], settings=settings)
    service.set_symbols(SYMBOLS[:2])
    await service.start()
    try:
        await wait_until(
            lambda: bool(server.connections) and bool(server.connections[0].trade_codes)
        )
        for n in range(3, len(SYMBOLS) + 1):  # a burst of edits while the spacing holds requests
            service.set_symbols(SYMBOLS[:n])
        await wait_until(lambda: len(server.connections[0].trade_codes) == len(SYMBOLS))
        subscribes = server.connections[0].requests(Cmd.SUBSCRIBE_TRADES)
        assert len(subscribes) == 2
        last = subscribes[-1].json
        assert [c["code"] for c in last["data"]["symbol_list"]] == [s.wire for s in SYMBOLS]
        gaps = [b.at - a.at for a, b in itertools.pairwise(server.connections[0].received)]
        assert all(gap >= 0.29 for gap in gaps)
    finally:
        await service.stop()


async def test_a_dropped_connection_reconnects_and_resubscribes_the_full_set(
    server: SimulatorServer,
) -> None:
    book = QuoteBook()
    service = FeedService(book, server.ws_url, "t", PLANS[Plan.PROFESSIONAL], settings=FAST)
    service.set_symbols(SYMBOLS)
    await service.start()
    try:
        await wait_until(
            lambda: (
                bool(server.open_connections())
                and len(server.open_connections()[0].trade_codes) == 6
            )
        )
        await server.drop_all()
        await wait_until(
            lambda: len(server.connections) >= 2 and len(server.connections[-1].trade_codes) == 6
        )
        assert service.stats().reconnects == 1
        resent = server.connections[-1].requests(Cmd.SUBSCRIBE_TRADES)
        assert len(resent) == 1
        assert [c["code"] for c in json.loads(resent[0].text)["data"]["symbol_list"]] == [
            s.wire for s in SYMBOLS
        ]
        ticks_before = book.counters.ticks
        await wait_until(lambda: book.counters.ticks > ticks_before + 20)
        await wait_until(lambda: service.status.state is FeedState.LIVE)
    finally:
        await service.stop()


async def test_a_bad_token_stops_retrying_and_says_token_rejected() -> None:
    config = SimulatorConfig(any_token_plan=None, tokens={"good": "basic"})
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        service = FeedService(book, server.ws_url, "wrong", PLANS[Plan.BASIC], settings=FAST)
        service.set_symbols(SYMBOLS[:1])
        await service.start()
        try:
            await wait_until(lambda: service.status.state is FeedState.TOKEN_REJECTED)
            refused = server.stats.connections_refused
            await asyncio.sleep(0.3)  # would be several retries at this floor if it kept trying
            assert server.stats.connections_refused == refused
            assert "wrong" not in service.status.reason
        finally:
            await service.stop()

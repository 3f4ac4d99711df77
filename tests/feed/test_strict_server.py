"""The production feed against the strict simulator: no early request, no refusal, ever."""

from __future__ import annotations

import asyncio

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.server import SimulatorServer
from tests.polling import wait_until

# Time compressed on both sides alike: the client spaces requests 0.3 s, the server demands 0.25 s
# and counts heartbeats (every 0.5 s) as requests, closing with 606 on any early one.
SETTINGS = ConnectionSettings(
    heartbeat_s=0.5, dead_after_s=2.0, request_spacing_s=0.3, stagger_s=0.3, reconnect_floor_s=0.2
)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "NVDA", "700", "9988", "5", "TSLA", "AMZN")]


async def test_subscribes_heartbeats_and_edits_never_trip_the_strict_limits() -> None:
    config = SimulatorConfig.strict(
        seed=9, min_request_interval=0.25, trades_per_second=60.0, enforce_reconnect_floor=False
    )
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        service = FeedService(
            book, server.ws_url, "t", PLANS[Plan.PREMIUM], settings=SETTINGS, sessions=AlwaysOpen()
        )
        service.set_symbols(SYMBOLS[:5], SYMBOLS[:5])
        await service.start()
        try:
            await wait_until(lambda: book.counters.ticks > 20, "ticks to flow")
            service.set_symbols(SYMBOLS, SYMBOLS[:3])  # edits while heartbeats go out
            await asyncio.sleep(0.1)
            service.set_symbols(SYMBOLS[2:], SYMBOLS[2:])
            await wait_until(
                lambda: (
                    len(server.open_connections()) == 1
                    and set(server.open_connections()[0].trade_codes)
                    == {s.wire for s in SYMBOLS[2:]}
                ),
                "the last edit to be accepted",
            )
            heartbeats = len(server.open_connections()[0].requests(22000))
            await wait_until(
                lambda: len(server.open_connections()[0].requests(22000)) >= heartbeats + 2,
                "two more heartbeats",
            )
        finally:
            await service.stop()
    assert service.stats().error_replies == 0 and service.stats().reconnects == 0
    assert len(server.connections) == 1 and service.rest.refusals == 0

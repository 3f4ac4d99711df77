"""FeedService depth budget against the real simulator: full depth only where a ladder is open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.service import FeedService
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.feed.test_service_e2e import FAST
from tests.polling import wait_until

WATCHLIST = [Symbol.parse(s) for s in ("AAPL", "700", "9988")]


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    config = SimulatorConfig(
        seed=11, trades_per_second=200.0, depth_per_second=20.0, min_request_interval=0.04
    )
    async with SimulatorServer(config) as running:
        yield running


def depth_levels(server: SimulatorServer) -> dict[str, int]:
    connections = server.open_connections()
    return {str(s): n for s, n in connections[0].depth.items()} if connections else {}


def spy_on_books(server: SimulatorServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the `query` of every REST /depth-tick request the server answers."""
    queries: list[str] = []
    answer = server.rest.answer

    def spy(endpoint: str, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if endpoint == "depth-tick":
            queries.append((params.get("query") or [""])[0])
        return answer(endpoint, params)

    monkeypatch.setattr(server.rest, "answer", spy)
    return queries


async def test_only_the_laddered_symbol_is_subscribed_at_full_depth(
    server: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = spy_on_books(server, monkeypatch)
    book = QuoteBook()
    service = FeedService(book, server.ws_url, "t", PLANS[Plan.PROFESSIONAL], settings=FAST)
    service.set_symbols(WATCHLIST, WATCHLIST, full_depth=[Symbol.parse("700")])
    await service.start()
    try:
        wanted = {"AAPL.US": 1, "00700.HK": 10, "09988.HK": 1}
        await wait_until(lambda: depth_levels(server) == wanted)

        def pushed_levels(symbol: str) -> int:
            state = book.get(symbol)
            return len(state.depth.bids) if state and state.depth else -1

        await wait_until(lambda: pushed_levels("09988.HK") == 1 and pushed_levels("00700.HK") == 10)
        # The ladder moves to 09988.HK: its full book is fetched at once, not at the next push.
        await wait_until(lambda: len(books) == 1)  # the first snapshot: every watchlist symbol
        service.set_symbols(WATCHLIST, WATCHLIST, full_depth=[Symbol.parse("9988")])
        await wait_until(lambda: len(books) == 2)
        assert '"9988.HK"' in books[1] and "700.HK" not in books[1]
        await wait_until(lambda: depth_levels(server) == {**wanted, "00700.HK": 1, "09988.HK": 10})
        await wait_until(lambda: pushed_levels("09988.HK") == 10)
    finally:
        await service.stop()


async def test_at_the_plans_limit_the_ladder_keeps_depth_and_a_watchlist_symbol_loses_it(
    server: SimulatorServer,
) -> None:
    book = QuoteBook()
    watchlist = [Symbol.parse(s) for s in ("AAPL", "MSFT", "NVDA", "TSLA", "AMZN")]
    ladder = Symbol.parse("700")
    service = FeedService(book, server.ws_url, "t", PLANS[Plan.FREE], settings=FAST)
    service.set_symbols(watchlist, [*watchlist, ladder], full_depth=[ladder])
    await service.start()
    try:
        await wait_until(lambda: "00700.HK" in depth_levels(server))
        assert depth_levels(server)["00700.HK"] == 10
        assert service.over_limit_depth == {"AMZN.US"}
    finally:
        await service.stop()

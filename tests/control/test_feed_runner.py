"""FeedRunner: one feed at a time; a switch blanks the book so demo and live prices never mix."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from desktop.control.feed_runner import FeedRunner, FeedSource
from desktop.domain.feed_status import FeedStatus
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.protocol.plans import Plan
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S

FAST = ConnectionSettings(
    heartbeat_s=0.2, dead_after_s=1.0, request_spacing_s=0.05, reconnect_floor_s=0.05
)
SIM = SimulatorConfig(seed=3, trades_per_second=400.0, min_request_interval=0.04)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "700")]
GOOD = "good-token-1234"


async def until(condition: Callable[[], bool], within: float = TIMEOUT_S) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def priced(book: QuoteBook) -> bool:
    return all((st := book.get(str(s))) is not None and st.last is not None for s in SYMBOLS)


async def test_a_switch_from_demo_to_live_blanks_every_quote_then_streams_the_provider() -> None:
    book = QuoteBook()
    statuses: list[FeedStatus] = []
    runner = FeedRunner(book, statuses.append, simulator_config=SIM, connection_settings=FAST)
    runner.set_symbols(SYMBOLS, SYMBOLS)
    await runner.switch(FeedSource.simulator())
    try:
        assert runner.simulator is not None and runner.simulator.running
        await until(lambda: priced(book))
        assert statuses and all(status.demo for status in statuses)
        frames_in_demo = runner.frames()
        live_config = SimulatorConfig(
            seed=4, tokens={GOOD: "professional"}, any_token_plan=None, min_request_interval=0.04
        )
        async with SimulatorServer(live_config) as live:
            await runner.switch(
                FeedSource.provider(live.ws_url, GOOD, Plan.PROFESSIONAL, "keyring")
            )
            assert all(book.get(str(s)) is not None for s in SYMBOLS)  # rows stay
            assert not any(book.get(str(s)).last for s in SYMBOLS)  # type: ignore[union-attr]
            assert runner.simulator is None  # the demo market is gone
            await until(lambda: priced(book))
            assert not statuses[-1].demo
            assert [c.token for c in live.connections] == [GOOD]
            assert {s.wire for s in SYMBOLS} <= set(live.connections[0].trade_codes)
            assert runner.frames() >= frames_in_demo  # the rate counter never goes backwards
            await runner.stop()
            await until(lambda: not live.open_connections())
    finally:
        await runner.stop()


async def test_symbols_set_between_switches_reach_the_next_feed() -> None:
    book = QuoteBook()
    runner = FeedRunner(book, lambda status: None, simulator_config=SIM, connection_settings=FAST)
    runner.set_symbols(SYMBOLS[:1])
    await runner.switch(FeedSource.simulator())
    try:
        runner.set_symbols(SYMBOLS)  # while running: reaches the running feed
        await runner.switch(FeedSource.simulator())
        assert runner.switches == 2
        await until(lambda: priced(book))  # all three, in the second feed
    finally:
        await runner.stop()
    assert runner.service is None and runner.simulator is None


def test_a_feed_source_never_shows_its_token() -> None:
    source = FeedSource.provider(
        "wss://quote.alltick.co/quote-stock-b-ws-api?token=abc", GOOD, Plan.BASIC, "keyring"
    )
    assert GOOD not in repr(source) and GOOD not in str(source) and "abc" not in repr(source)
    assert FeedSource.simulator().demo and FeedSource.simulator().plan is Plan.PROFESSIONAL

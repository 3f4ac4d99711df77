"""Under a burst from the simulator the recorder stores exactly what the client received."""

from __future__ import annotations

import asyncio

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S
from tests.persistence._events import stored_digest, trade_digest
from tests.persistence.conftest import SinkFactory
from tests.polling import wait_until

SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "NVDA", "TSLA", "700", "9988", "5", "1810")]
FAST = ConnectionSettings(heartbeat_s=1, dead_after_s=5, request_spacing_s=0.05)


async def test_a_burst_is_stored_tick_for_tick_with_the_same_checksum_per_symbol(
    sink_factory: SinkFactory,
) -> None:
    config = SimulatorConfig(
        seed=11, trades_per_second=6_000, depth_per_second=20, min_request_interval=0.04
    )
    received: list[Tick | DepthSnapshot | ReferenceData] = []
    recorder = Recorder(sink_factory(), timing=RecorderTiming(batch_interval_s=0.05))
    recorder.start()

    def tap(event: Tick | DepthSnapshot | ReferenceData) -> None:
        received.append(event)
        recorder.offer(event)  # noqa

    book = QuoteBook()
    server = SimulatorServer(config)
    await server.start()
    service = FeedService(
        book, server.ws_url, "t", PLANS[Plan.PROFESSIONAL], settings=FAST, tap=tap
    )
    service.set_symbols(SYMBOLS, SYMBOLS)
    await service.start()
    try:
        await wait_until(lambda: book.counters.ticks >= 8_000, "the burst", 4 * TIMEOUT_S)
    finally:
        # The server stops first: a client cancelled mid-burst would first drain its backlog.
        await server.stop()
        await service.stop()
    assert await asyncio.to_thread(recorder.close, 4 * TIMEOUT_S)

    ticks = [e for e in received if isinstance(e, Tick)]
    books = [e for e in received if isinstance(e, DepthSnapshot)]
    assert len(ticks) == book.counters.ticks
    assert recorder.stats.dropped == 0
    assert recorder.stats.ticks == len(ticks) and recorder.stats.depth == len(books)
    reader = sink_factory()
    try:
        rows = [row for s in SYMBOLS for row in reader.rows(str(s), 0, 2**62)]
    finally:
        reader.close()
    assert stored_digest(rows) == trade_digest(ticks)
    assert sum(1 for row in rows if row.kind == 1) == len(books)

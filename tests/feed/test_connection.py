"""FeedConnection's receive loop against the simulator running on its own thread."""

from __future__ import annotations

import asyncio
import time

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.service import FeedService
from desktop.feed.timing import ConnectionSettings
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.server import SimulatorConfig
from tests.polling import wait_until

SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "700", "5")]
BURST = 20_000


async def test_a_burst_is_drained_in_slices_so_other_tasks_keep_running() -> None:
    config = SimulatorConfig(trades_per_second=1.0, depth_per_second=0.1, min_request_interval=0.0)
    with EmbeddedSimulator(config) as simulator:
        endpoints, server = simulator.endpoints, simulator.server
        assert server is not None
        book = QuoteBook()
        settings = ConnectionSettings(request_spacing_s=0.01, heartbeat_s=5.0, dead_after_s=30.0)
        service = FeedService(book, endpoints.ws_url, "t", PLANS[Plan.BASIC], settings=settings)
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            await wait_until(lambda: any(server.open_connections()), "the subscription")
            await wait_until(lambda: all(book.get(str(s)).last for s in SYMBOLS), "prices")  # type: ignore[union-attr]
            start = book.counters.ticks
            seen: list[int] = []

            async def probe() -> None:
                while book.counters.ticks < start + BURST:
                    seen.append(book.counters.ticks)
                    await asyncio.sleep(0)

            loop = simulator._loop
            assert loop is not None
            pushed = asyncio.run_coroutine_threadsafe(server.burst(BURST), loop)
            # Freeze this loop (as a busy GUI would) while the simulator writes the whole burst,
            # so the client wakes up to a deep backlog of queued frames.
            assert pushed.result(timeout=60) == BURST
            time.sleep(0.5)  # noqa: ASYNC251 — the point: a loop that was busy elsewhere
            prober = asyncio.create_task(probe())
            await wait_until(lambda: book.counters.ticks >= start + BURST, "the burst", within=60)
            await prober
            during = sorted(set(seen))
            gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
            assert len(during) > 5, "the probe never ran while the burst was being decoded"
            assert max(gaps) <= 2500, f"the loop ran {max(gaps)} frames without yielding"
        finally:
            await service.stop()


async def test_stopping_says_goodbye_with_a_normal_closure() -> None:
    with EmbeddedSimulator(SimulatorConfig(trades_per_second=5.0)) as simulator:
        server = simulator.server
        assert server is not None
        service = FeedService(QuoteBook(), simulator.endpoints.ws_url, "t", PLANS[Plan.BASIC])
        service.set_symbols(SYMBOLS[:1])
        await service.start()
        # Subscribed: the client finished its opening handshake, so it can send a close frame.
        await wait_until(
            lambda: any(rec.trade_codes for rec in server.open_connections()), "a subscription"
        )
        record = server.open_connections()[0]
        await service.stop()
        await wait_until(lambda: record.closed_at is not None, "the server to see the close")
        assert record.client_close_code == 1000


async def test_frames_received_but_not_decoded_are_counted_as_the_backlog() -> None:
    config = SimulatorConfig(trades_per_second=1.0, depth_per_second=0.1, min_request_interval=0.0)
    with EmbeddedSimulator(config) as simulator:
        server = simulator.server
        assert server is not None
        book = QuoteBook()
        settings = ConnectionSettings(request_spacing_s=0.01, heartbeat_s=5.0, dead_after_s=30.0)
        service = FeedService(
            book, simulator.endpoints.ws_url, "t", PLANS[Plan.BASIC], settings=settings
        )
        service.set_symbols(SYMBOLS)
        await service.start()
        try:
            await wait_until(lambda: all(book.get(str(s)).last for s in SYMBOLS), "prices")  # type: ignore[union-attr]
            assert service.stats().max_backlog <= 1
            start = book.counters.ticks
            loop = simulator._loop
            assert loop is not None
            pushed = asyncio.run_coroutine_threadsafe(server.burst(5000), loop)
            assert pushed.result(timeout=60) == 5000
            time.sleep(0.3)  # noqa: ASYNC251 — a busy loop lets frames pile up unread
            await wait_until(lambda: book.counters.ticks >= start + 5000, "the burst", within=60)
            stats = service.stats()
            assert stats.max_backlog > 1, "the receive loop never saw queued frames"
            await wait_until(lambda: service.stats().backlog == 0, "the backlog to drain")
            assert stats.frames >= 5000
        finally:
            await service.stop()

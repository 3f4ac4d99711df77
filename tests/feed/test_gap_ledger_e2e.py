"""An outage as the feed records it: one gap per connection, closed when its set is back."""

from __future__ import annotations

from desktop.domain.gaps import Gap
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbols import Symbol
from desktop.domain.truth import FeedMode, Truth, TruthJudge
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.server import SimulatorServer
from tests.polling import wait_until

SETTINGS = ConnectionSettings(
    heartbeat_s=0.3,
    dead_after_s=2.0,
    request_spacing_s=0.05,
    reconnect_floor_s=0.3,
    refused_within_s=0.05,  # a drop 1 s after opening is an outage here, not a refusal
)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "700")]


async def test_a_dropped_connection_leaves_one_closed_gap_and_a_row_note() -> None:
    config = SimulatorConfig(seed=4, trades_per_second=80.0, min_request_interval=0.01)
    events: list[Gap] = []
    async with SimulatorServer(config) as server:
        book = QuoteBook()
        service = FeedService(
            book,
            server.ws_url,
            "t",
            PLANS[Plan.PROFESSIONAL],
            settings=SETTINGS,
            sessions=AlwaysOpen(),
            on_gap=events.append,
        )
        service.set_symbols(SYMBOLS, SYMBOLS)
        await service.start()
        try:
            await wait_until(lambda: book.counters.ticks > 10, "ticks")
            assert await server.drop_all() == 1
            await wait_until(
                lambda: bool(events) and events[-1].end_ms is not None, "the gap to end"
            )
            await wait_until(lambda: len(events) >= 3, "the re-snapshot to reconcile the gap")
            judge = TruthJudge(AlwaysOpen())
            report = judge.judge(book, ["AAPL.US"], service.clock(), service._wall_ms(),
                                 service.truth_conditions(FeedMode.LIVE))  # fmt: skip
        finally:
            await service.stop()
    opened, closed = events[0], events[1]
    assert opened.end_ms is None and set(opened.symbols) == {str(s) for s in SYMBOLS}
    assert closed.start_ms == opened.start_ms and closed.end_ms is not None
    assert closed.end_ms >= closed.start_ms and len(service.gaps.recent()) == 1
    verdict = report.verdicts["AAPL.US"]
    assert verdict.state is Truth.LIVE and verdict.gap.startswith("gap ")

"""A board joining the gateway in the middle of a firehose ends with exactly the gateway's state.

Real pieces end to end: the firehose simulator, the gateway (`GatewayService`) publishing into a
real redis-server with hashes lagging the streams by up to a second, and headless boards.
"""

from __future__ import annotations

from pathlib import Path

from desktop.domain.quote_book import QuoteBook
from desktop.feed.redis_link import RedisLink
from desktop.gateway.service import GatewayConfig, GatewayService
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.firehose import FirehoseServer
from tests.gateway.conftest import RedisServer, make_board, priced
from tests.polling import wait_until

SYMBOLS = [f"Q{a}{b}.US" for a in "ABCDE" for b in "ABCDEFGHIJ"]  # 50 synthetic codes


def _state(book: QuoteBook, symbol: str) -> tuple[object, ...]:
    state = book.get(symbol)
    if state is None:
        return ()
    book_seq = None if state.depth is None else state.depth.seq
    return (
        state.last,
        state.last_time_ms,
        state.last_seq,
        state.volume,
        state.open,
        state.high,
        state.low,
        state.bid,
        state.ask,
        book_seq,
    )


async def test_a_board_joining_mid_firehose_ends_with_the_newest_state_and_no_gap(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    config = SimulatorConfig(
        seed=5,
        synthesise_unknown=True,
        trades_per_second=2000.0,
        depth_per_second=2.0,
        min_request_interval=0.0,
        enforce_rest_limits=False,
        history_minutes=5,
    )
    async with FirehoseServer(config) as server:
        redis = RedisLink.parse(redis_server.url).connect(name="test-gateway")
        gateway = GatewayService(
            redis,
            server.ws_url,
            "firehose",
            GatewayConfig(audit_path=tmp_path / "audit.jsonl", hash_every_s=1.0),
        )
        await gateway.start()
        early = make_board(redis_server.url, SYMBOLS, "early")
        late = make_board(redis_server.url, SYMBOLS, "late")
        try:
            await early.start()
            await wait_until(lambda: priced(early, SYMBOLS), "the early board priced")
            streamed = gateway.publisher.stats.ticks
            await wait_until(
                lambda: gateway.publisher.stats.ticks > streamed + 2000, "the firehose flowing"
            )
            await late.start()  # mid-firehose, hashes up to a second behind the streams
            await wait_until(lambda: late.reader.events > 500, "the late board streaming")
            assert late.reader.caught_up > 0
            server.stop_pushing()

            def settled() -> bool:
                return all(
                    _state(board.book, symbol) == _state(gateway.book, symbol)
                    for board in (early, late)
                    for symbol in SYMBOLS
                )

            try:
                await wait_until(settled, "both boards holding the gateway's newest state")
            except AssertionError:
                differ = [
                    (name, symbol, _state(board.book, symbol), _state(gateway.book, symbol))
                    for name, board in (("early", early), ("late", late))
                    for symbol in SYMBOLS
                    if _state(board.book, symbol) != _state(gateway.book, symbol)
                ]
                raise AssertionError(f"{len(differ)} rows differ, e.g. {differ[:3]}") from None
            for board in (early, late):
                counters = board.book.counters
                assert (board.missed, counters.duplicates, counters.out_of_order) == (0, 0, 0)
        finally:
            await early.stop()
            await late.stop()
            await gateway.stop()
            await redis.aclose()

"""History for boards on the desk gateway: the gateway keeps bars in Redis, boards read them.

A real redis-server throughout; the gateway on the embedded simulator for the end-to-end test,
a hand-driven `GatewayBarKeeper` with a stand-in REST client for scheduling and refusals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from redis.asyncio import Redis

from desktop.domain.chart_series import Timeframe
from desktop.domain.daily_stats import DailyStats
from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.sparklines import SparklineStore
from desktop.domain.symbols import Symbol
from desktop.feed.bar_source import GatewayBars, HistoryNotReady
from desktop.feed.chart_history import ChartHistory
from desktop.feed.daily_history import DailyHistory
from desktop.feed.history import IntradayHistory
from desktop.feed.redis_link import RedisLink
from desktop.gateway.bar_keeper import GatewayBarKeeper
from desktop.gateway.service import GatewayConfig
from desktop.protocol.alltick_rest import KLINE_1M, KLINE_DAY, Bar, RestError
from desktop.protocol.gateway_wire import BoardInterest, GatewayCodec, GatewayKeys
from tests.gateway.conftest import RedisServer, make_board
from tests.gateway.test_gateway_boards import RunningGateway
from tests.polling import wait_until

SYMBOLS = ["AAPL.US", "MSFT.US", "00700.HK"]


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A client of this test's redis-server."""
    client = RedisLink.parse(redis_server.url).connect(name="test")
    yield client
    await client.aclose()


async def test_a_board_on_the_gateway_seeds_sparklines_daily_bars_and_charts_from_its_bars(
    redis_server: RedisServer, redis: Redis, tmp_path: Path
) -> None:
    running = RunningGateway(redis_server.url, GatewayConfig(audit_path=tmp_path / "audit.jsonl"))
    gateway = await running.start()
    board = make_board(redis_server.url, SYMBOLS, "charting")
    sparklines, bars = SparklineStore(), MinuteBarStore()
    intraday = IntradayHistory(board.rest, sparklines, bars)
    stats: dict[str, DailyStats] = {}
    daily = DailyHistory(board.rest, lambda symbol, s: stats.__setitem__(symbol, s), after=intraday)
    charts: dict[tuple[str, Timeframe], list[MinuteBar]] = {}
    chart = ChartHistory(board.rest, lambda s, tf, got: charts.__setitem__((s, tf), got))
    workers = (intraday, daily, chart)
    for worker in workers:
        worker.retry_s = 0.1
    try:
        intraday.request(SYMBOLS)
        daily.request(SYMBOLS)
        chart.request("AAPL.US", Timeframe.M15)
        for worker in workers:
            worker.start()
        # The board has not registered yet, so the gateway knows of nothing: "not yet", again later.
        await wait_until(lambda: intraday.retries >= len(SYMBOLS), "every symbol told to wait")
        assert intraday.seeded == 0 and intraday.failures == 0
        await board.start()
        await wait_until(lambda: intraday.seeded == len(SYMBOLS), "sparklines seeded")
        await wait_until(lambda: len(stats) == len(SYMBOLS), "daily bars for relative volume")
        await wait_until(lambda: ("AAPL.US", Timeframe.M15) in charts, "the 15-minute chart")
        assert (intraday.failures, daily.failures, chart.failures) == (0, 0, 0)
        codec, keys = GatewayCodec(), GatewayKeys()
        for symbol in SYMBOLS:
            kept = codec.bars(await redis.get(keys.bars(symbol, KLINE_1M)))
            assert kept is not None and kept.bars and not kept.error
            seeded = bars.bars(symbol)
            assert seeded and seeded[0].start_s in {b.timestamp for b in kept.bars}
            assert sparklines.version(symbol)
            assert stats[symbol].avg_volume is not None
            assert 0 < await redis.pttl(keys.bars(symbol, KLINE_DAY)) <= 900_000  # it expires
        assert charts[("AAPL.US", Timeframe.M15)]
        assert ("AAPL.US", Timeframe.M15.kline_type) in [
            tuple(key) for interest in gateway.interest.boards.values() for key in interest.bars
        ]  # the chart's timeframe was asked for through the board's interest
    finally:
        for worker in workers:
            await worker.stop()
        await board.stop()
        await running.stop()


class FakeRest:
    """A REST client that answers from a dict and refuses unknown codes the provider's way."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    async def klines(self, symbol: Symbol, kline_type: int, count: int) -> list[Bar]:
        self.asked.append((str(symbol), kline_type))
        if str(symbol) == "NOPE.US":
            raise RestError(600, "code invalid")
        one = Decimal("1")
        return [Bar(60 * i, one, one, one, one, i, None) for i in range(count + 5)]


class Clock:
    """A monotonic clock the test sets by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_the_keeper_fetches_charts_first_then_refreshes_and_stores_refusals(
    redis: Redis,
) -> None:
    rest, clock = FakeRest(), Clock()
    boards = [
        BoardInterest("a", ["AAPL.US"], bars=[("MSFT.US", 3)]),
        BoardInterest("b", ["AAPL.US", "NOPE.US"]),
    ]
    keeper = GatewayBarKeeper(
        redis, rest, lambda: boards, refresh_s=100.0, retry_s=10.0, ttl_s=60.0, cap=4, clock=clock
    )
    order = [("MSFT.US", 3), ("AAPL.US", 1), ("NOPE.US", 1), ("AAPL.US", 8), ("NOPE.US", 8)]
    assert keeper.wanted() == order
    while (key := keeper.next_key(clock.now)[0]) is not None:
        await keeper.keep(*key)
    assert rest.asked == order  # each once, most urgent first
    assert keeper.next_key(clock.now) == (None, 0.5)  # nothing due: look again soon
    source = GatewayBars(redis, GatewayKeys(), lambda: (), lambda: None)
    got = await source.klines(Symbol.parse("AAPL.US"), 1, 3)
    assert [b.timestamp for b in got] == [360, 420, 480]  # capped to 4 kept, newest 3 asked
    with pytest.raises(RestError, match="code invalid"):
        await source.klines(Symbol.parse("NOPE.US"), 1, 3)
    with pytest.raises(HistoryNotReady):
        await source.klines(Symbol.parse("TSLA.US"), 1, 3)
    assert 0 < await redis.pttl(GatewayKeys().bars("AAPL.US", 1)) <= 60_000
    clock.now = 10.0  # the refusals are tried again first, the kept bars later
    assert keeper.next_key(clock.now)[0] == ("NOPE.US", 1)
    clock.now = 100.0
    for _ in order:
        key = keeper.next_key(clock.now)[0]
        assert key is not None
        await keeper.keep(*key)
    assert sorted(rest.asked[len(order) :]) == sorted(order)

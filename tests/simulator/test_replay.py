"""Replay of a recording: order, pacing, shifted times, gaps, ranges and REST at the position."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.symbols import Symbol
from desktop.persistence.tick_store import SqliteTickStore
from desktop.simulator.market import BookRecord, TradeRecord
from desktop.simulator.replay import RecordingError, ReplaySource

BASE = 1_714_642_200_000
AAPL = Symbol.parse("AAPL")
TENCENT = Symbol.parse("700")


def _tick(n: int, symbol: str, recv: int) -> Tick:
    return Tick(symbol, Decimal(f"{100 + n}.50"), 100 + n, None, TradeSide.BUY, recv - 3, 1_000 + n)


def _book(n: int, symbol: str, recv: int) -> DepthSnapshot:
    price = Decimal(f"{300 + n}.2")
    return DepthSnapshot(
        symbol,
        (DepthLevel(price, 400),),
        (DepthLevel(price + Decimal("0.2"), 800),),
        recv - 2,
        5_000 + n,
    )


def record(path: Path, recv_times: list[int]) -> list[Tick | DepthSnapshot]:
    """Write trades and books alternating between two symbols, received at `recv_times`."""
    events: list[Tick | DepthSnapshot] = []
    items = []
    for n, recv in enumerate(recv_times):
        symbol = "AAPL.US" if n % 2 == 0 else "00700.HK"
        event = _tick(n, symbol, recv) if n % 3 != 2 else _book(n, symbol, recv)
        events.append(event)
        items.append((recv, event))
    items.append(
        (
            BASE - 1_000,
            ReferenceData(
                "AAPL.US",
                name="Apple Inc.",
                lot_size=1,
                prev_close=Decimal("99.00"),
                open=Decimal("99.50"),
                high=Decimal("101.00"),
                low=Decimal("99.00"),
                volume=5_000,
                turnover=Decimal("500000"),
                last=Decimal("100.00"),
                last_time_ms=BASE - 1_000,
                as_of_ms=BASE - 1_000,
            ),
        )
    )
    store = SqliteTickStore(path)
    store.open()
    store.write(items)
    store.close()
    return events


def as_tuple(push: TradeRecord | BookRecord) -> tuple[object, ...]:
    if isinstance(push, TradeRecord):
        return ("trade", str(push.symbol), push.price, push.volume, push.seq)
    return ("book", str(push.symbol), push.bids, push.asks, push.seq)


def expected(event: Tick | DepthSnapshot) -> tuple[object, ...]:
    if isinstance(event, Tick):
        return ("trade", event.symbol, event.price, event.volume, event.seq)
    bids = tuple((level.price, level.volume) for level in event.bids)
    asks = tuple((level.price, level.volume) for level in event.asks)
    return ("book", event.symbol, bids, asks, event.seq)


def test_events_come_out_in_recorded_order_paced_by_speed_with_times_shifted_to_now(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ticks.db"
    events = record(path, [BASE + 100 * n for n in range(30)])  # 3 s of recording
    clock = [2_000_000_000_000]
    replay = ReplaySource(path, speed=10, start_delay_ms=0, clock=lambda: clock[0])
    assert replay.pushes(clock[0], 0, (), ()) == []  # nobody subscribed: the clock waits
    assert not replay.progress.started
    t0 = clock[0] = clock[0] + 5_000
    first = replay.pushes(t0, 0, {AAPL}, ())
    assert [as_tuple(p) for p in first] == [expected(events[0])]
    assert first[0].tick_time == t0 - 3 // 10  # exchange time kept relative to receipt
    clock[0] = t0 + 100  # 100 ms at 10× = 1 s of recording
    second = replay.pushes(clock[0], 0, {AAPL}, ())
    assert [as_tuple(p) for p in second] == [expected(e) for e in events[1:11]]
    assert second[-1].tick_time == t0 + round((1_000 - 3) / 10)  # ≈ now
    clock[0] = t0 + 10_000
    rest = replay.pushes(clock[0], 0, {AAPL}, ())
    assert [as_tuple(p) for p in first + second + rest] == [expected(e) for e in events]
    assert replay.progress.finished and replay.progress.fraction == 1.0
    assert replay.pushes(clock[0] + 1_000, 0, {AAPL}, ()) == []


def test_long_gaps_in_a_recording_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    record(path, [BASE, BASE + 100, BASE + 3_600_000, BASE + 3_600_100])  # an hour's pause
    replay = ReplaySource(path, speed=1, max_gap_ms=5_000, start_delay_ms=0, clock=lambda: 0)
    assert len(replay.pushes(10_000, 0, {AAPL}, ())) == 1
    assert len(replay.pushes(10_000 + 100, 0, {AAPL}, ())) == 1
    assert len(replay.pushes(10_000 + 5_000, 0, {AAPL}, ())) == 0  # 5 s of the hour, not 60 min
    assert len(replay.pushes(10_000 + 5_100, 0, {AAPL}, ())) == 1
    assert len(replay.pushes(10_000 + 5_200, 0, {AAPL}, ())) == 1


def test_a_time_range_replays_only_what_was_received_in_it(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    events = record(path, [BASE + 1_000 * n for n in range(20)])
    replay = ReplaySource(
        path, start_ms=BASE + 5_000, end_ms=BASE + 9_000, speed=1_000, start_delay_ms=0
    )
    pushes = replay.pushes(0, 0, {AAPL}, ())
    pushes += replay.pushes(1_000_000, 0, {AAPL}, ())
    assert [as_tuple(p) for p in pushes] == [expected(e) for e in events[5:10]]
    with pytest.raises(RecordingError, match="no ticks in the chosen time range"):
        ReplaySource(path, start_ms=BASE + 100_000)


def test_rest_snapshots_follow_the_replay_position(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    events = record(path, [BASE + 1_000 * n for n in range(12)])
    replay = ReplaySource(path, start_ms=BASE + 6_000, speed=1, start_delay_ms=0, clock=lambda: 0)
    before = replay.last_trade(AAPL)
    assert before.price == events[4].price  # type: ignore[union-attr]  # last AAPL trade before
    assert replay.book(TENCENT).bids == ((Decimal("305.2"), 400),)
    assert replay.instrument(AAPL).name_en == "Apple Inc."
    assert replay.previous_day_bar(AAPL).close == Decimal("99.00")
    day = replay.day_bar(AAPL)
    # The recorded day bar, plus the AAPL trades between it and the replay's start (0 and 4).
    assert day.volume == 5_000 + 100 + 104 and day.high == Decimal("104.50")
    replay.pushes(0, 0, {AAPL}, ())
    replay.pushes(10_000, 0, {AAPL}, ())
    last_aapl = [e for e in events[6:] if isinstance(e, Tick) and e.symbol == "AAPL.US"][-1]
    assert replay.last_trade(AAPL).price == last_aapl.price
    assert replay.day_bar(AAPL).volume == day.volume + sum(
        e.volume for e in events[6:] if isinstance(e, Tick) and e.symbol == "AAPL.US"
    )
    assert sum(bar.volume for bar in replay.minute_bars(AAPL)) > 0
    assert replay.resolve("AAPL.US") == AAPL and replay.resolve("MSFT.US") is None
    assert replay.resolve("00700.HK") is None  # only exact wire codes, as the real server


def test_a_file_that_is_not_a_recording_is_refused_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="does not exist"):
        ReplaySource(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    with pytest.raises(RecordingError, match="cannot be read|not a Quote Board"):
        ReplaySource(junk)
    with pytest.raises(ValueError, match="speed"):
        ReplaySource(junk, speed=0)


async def test_a_recorded_session_replays_over_the_protocol_in_the_same_order(
    tmp_path: Path,
) -> None:
    import asyncio

    from desktop.domain.quote_book import QuoteBook
    from desktop.feed.connection import ConnectionSettings
    from desktop.feed.service import FeedService
    from desktop.persistence.recorder import Recorder, RecorderTiming
    from desktop.protocol.plans import PLANS, Plan
    from desktop.simulator.server import SimulatorConfig, SimulatorServer
    from tests.conftest import TIMEOUT_S
    from tests.polling import wait_until

    symbols = [Symbol.parse(s) for s in ("AAPL", "NVDA", "700", "9988")]
    settings = ConnectionSettings(heartbeat_s=1, dead_after_s=5, request_spacing_s=0.05)
    config = SimulatorConfig(
        seed=5, trades_per_second=600, depth_per_second=8, min_request_interval=0.04
    )
    path = tmp_path / "ticks.db"

    async def stream(
        server: SimulatorServer, enough: int
    ) -> list[Tick | DepthSnapshot | ReferenceData]:
        got: list[Tick | DepthSnapshot | ReferenceData] = []
        await server.start()
        service = FeedService(
            QuoteBook(),
            server.ws_url,
            "t",
            PLANS[Plan.PROFESSIONAL],
            settings=settings,
            tap=got.append,
        )
        service.set_symbols(symbols, symbols)
        await service.start()
        await wait_until(
            lambda: sum(isinstance(e, Tick) for e in got) >= enough, "the ticks", 4 * TIMEOUT_S
        )
        await server.stop()
        await service.stop()
        return got

    recorder = Recorder(SqliteTickStore(path), timing=RecorderTiming(batch_interval_s=0.05))
    recorder.start()
    recorded = await stream(SimulatorServer(config), 1_500)
    for event in recorded:
        recorder.offer(event)
    assert await asyncio.to_thread(recorder.close)
    live = [e for e in recorded if not isinstance(e, ReferenceData)]

    replay = ReplaySource(path, speed=20)
    replay_config = SimulatorConfig(us_depth_levels=10, min_request_interval=0.04)
    server = SimulatorServer(replay_config, market=replay)
    replayed = await stream(server, sum(isinstance(e, Tick) for e in live))
    again = [e for e in replayed if not isinstance(e, ReferenceData)]

    def same(e: Tick | DepthSnapshot | ReferenceData) -> tuple[object, ...]:
        if isinstance(e, Tick):
            return ("trade", e.symbol, e.seq, e.price, e.volume, e.turnover, e.side)
        assert isinstance(e, DepthSnapshot)
        return ("book", e.symbol, e.seq, e.bids, e.asks)

    last_tick = max(i for i, e in enumerate(live) if isinstance(e, Tick))
    assert len(again) >= last_tick + 1
    assert [same(e) for e in again] == [same(e) for e in live[: len(again)]]


def test_the_replay_waits_a_moment_after_the_first_subscription_for_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ticks.db"
    record(path, [BASE + 100 * n for n in range(5)])
    replay = ReplaySource(path, speed=1, start_delay_ms=1_500, clock=lambda: 0)
    assert replay.pushes(10_000, 0, {AAPL}, ()) == []
    assert replay.pushes(11_000, 0, {AAPL}, {TENCENT}) == []
    assert len(replay.pushes(11_500, 0, {AAPL}, {TENCENT})) == 1
    assert replay.progress.started

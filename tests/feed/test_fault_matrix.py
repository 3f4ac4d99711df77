"""The fault matrix: every simulator fault against the production client on compressed timing."""

from __future__ import annotations

import asyncio
import gc
import json
import random
from pathlib import Path

import pytest

from benchmarks.fault_matrix import BOUND_S, RECONNECTING, SERVER_DOWN, FaultRig, run_case, until
from benchmarks.fault_report import write_json
from benchmarks.fault_rig import INGEST_WORKERS_ENV, compressed_settings
from desktop.domain.feed_status import FeedState
from desktop.domain.sessions import AlwaysOpen, SessionPhase
from desktop.simulator.faults import FaultKind
from tests.conftest import TIMEOUT_SCALE


@pytest.mark.parametrize("kind", list(FaultKind), ids=lambda k: k.value)
async def test_every_fault_is_recovered_within_the_bound_with_nothing_lost(
    kind: FaultKind,
) -> None:
    result = await run_case(kind)
    assert result.recovered, result
    assert result.recovery_s < BOUND_S * TIMEOUT_SCALE
    assert result.lost == 0
    assert result.resubscribes_ok, "a new connection must send its full set exactly once"
    assert result.spacing_ok, result.problems
    if kind is FaultKind.REJECT_401:
        assert result.final_state == FeedState.TOKEN_REJECTED.value
    else:
        assert result.fresh and result.final_state == "Live"
    if kind in RECONNECTING:  # the board showed the outage, then showed it was over
        assert result.time_to_stale_s is not None and result.time_to_live_s is not None, result
        assert result.time_to_first_live_s is not None, result
    elif kind is not FaultKind.REJECT_401:  # a fault the board rides out needs no warning
        assert result.time_to_live_s is not None, result


async def test_the_server_going_away_is_written_with_both_truth_columns(tmp_path: Path) -> None:
    result = await run_case(SERVER_DOWN)
    assert result.recovered and result.lost == 0 and result.final_state == "Live"
    write_json([result], tmp_path / "matrix.json", timing="compressed")
    (row,) = json.loads((tmp_path / "matrix.json").read_text(encoding="utf-8"))["rows"]
    assert row["fault"] == SERVER_DOWN
    for column in ("time_to_stale_s", "time_to_live_s", "time_to_first_live_s"):
        assert isinstance(row[column], float), (column, row)
    assert not row["stayed_live"]
    # All three connections came back, so the last one waited out two subscribe staggers.
    assert row["stagger_s"] == pytest.approx(2 * compressed_settings().stagger_s)
    assert "stagger" in row["deliberate_wait"]


async def test_a_fault_the_board_rides_out_reads_live_throughout() -> None:
    result = await run_case(FaultKind.GARBAGE)
    assert result.stayed_live, result.first_not_live
    assert result.time_to_stale_s is None
    assert result.time_to_live_s is not None and result.time_to_first_live_s is None


async def test_out_of_order_pushes_are_counted_and_not_applied() -> None:
    async with FaultRig() as rig:
        await rig.warm_up()
        applied = rig.book.counters.ticks
        rig.injector.inject(FaultKind.OUT_OF_ORDER, count=20)
        # A held push that reaches a symbol after a newer one of that symbol is out of order.
        assert await until(lambda: rig.book.counters.out_of_order >= 1, 3.0 * TIMEOUT_SCALE)
        held = rig.injector.extra_frames
        assert await until(lambda: rig.book.counters.ticks > applied + held, 3.0 * TIMEOUT_SCALE)
        for symbol in rig.symbols:  # no late push rewound a price: it ends on the newest trade
            state = rig.book.get(str(symbol))
            assert state is not None
            if state.push_trade is not None:  # quiet names may not have traded yet
                assert state.last_src is not None and state.last_src.seq == state.push_trade.seq


async def test_garbage_and_truncated_frames_are_counted_and_never_raise() -> None:
    async with FaultRig() as rig:
        await rig.warm_up()
        rig.injector.inject(FaultKind.GARBAGE, count=4)
        rig.injector.inject(FaultKind.TRUNCATED, count=4)
        assert await until(lambda: rig.feed.stats().bad_frames >= 8 * 3, 3.0)
        assert rig.feed.status.state is FeedState.LIVE


async def test_under_a_burst_every_tick_sent_reaches_the_book() -> None:
    # Muting below must not reconnect, and a simulator busy pushing 10,000 trades answers
    # heartbeats late at compressed timing: this test is about loss, not the watchdog.
    async with FaultRig(mute_after_s=0.0, dead_after_s=5.0, server_heartbeat_timeout=30.0) as rig:
        await rig.warm_up()
        rig.injector.inject(FaultKind.DUPLICATE_SEQ, count=3)
        for _ in range(5):
            await rig.server.burst(2000)
        await asyncio.sleep(0.2)
        server, book = rig.server, rig.book
        # Stop pushing, then let the socket drain: sent == applied, duplicates counted apart.
        rig.injector.inject(FaultKind.MUTE, duration=60)
        assert await until(
            lambda: book.counters.ticks == server.stats.trade_pushes, 5.0 * TIMEOUT_SCALE
        ), (book.counters.ticks, server.stats.trade_pushes)
        assert 1 <= book.counters.duplicates <= rig.injector.extra_frames  # depth dups aside
        assert rig.feed.stats().reconnects == 0


async def test_a_soak_of_random_faults_ends_with_every_subscription_back_and_bounded_memory() -> (
    None
):
    rng = random.Random(2026)
    kinds = [k for k in FaultKind if k is not FaultKind.REJECT_401]  # 401 stops by design
    async with FaultRig() as rig:
        await rig.warm_up()
        loop = asyncio.get_running_loop()
        gc.collect()
        objects_before = len(gc.get_objects())
        for _ in range(300):
            rig.injector.inject(rng.choice(kinds), duration=0.3, count=2)
            await asyncio.sleep(rng.uniform(0.0, 0.1))
        rig.injector.clear()
        t_end = loop.time()
        assert await until(lambda: rig.healthy_since(t_end), 10.0 * TIMEOUT_SCALE), sorted(
            rig.lost()
        )
        assert not rig.lost()
        assert not rig.spacing_problems()
        feed = rig.feed
        assert all(len(c.session.pending) <= 64 for c in feed.connections())
        assert len(rig.book) == len(rig.symbols)
        gc.collect()
        # Client state must not grow with faults; the simulator's own per-connection records do.
        server_records = sum(len(r.received) for r in rig.server.connections)
        growth = len(gc.get_objects()) - objects_before
        assert growth < 20_000 + server_records * 4, growth


class _AllClosed:
    def phase(self, market: object, epoch_ms: int) -> SessionPhase:
        return SessionPhase.CLOSED

    def phase_start(self, market: object, epoch_ms: int) -> int | None:
        return None


async def test_a_mute_feed_is_not_reconnected_while_the_markets_are_closed() -> None:
    async with FaultRig() as rig:
        await rig.warm_up()
        rig.feed.set_sessions(_AllClosed())  # type: ignore[arg-type]
        rig.injector.inject(FaultKind.MUTE, duration=60)
        await asyncio.sleep(rig.settings.mute_after_s * 2.5)
        assert rig.feed.stats().mute_reconnects == 0
        rig.feed.set_sessions(AlwaysOpen())
        assert await until(lambda: rig.feed.stats().mute_reconnects > 0, BOUND_S)


@pytest.mark.parametrize("kind", [SERVER_DOWN, FaultKind.CLOSE_1006, FaultKind.RATE_LIMIT], ids=str)
async def test_faults_are_recovered_with_the_feed_over_two_worker_processes(
    kind: FaultKind | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INGEST_WORKERS_ENV, "2")
    result = await run_case(kind)
    assert result.recovered and result.lost == 0, result
    assert result.final_state == "Live" and result.fresh
    assert result.resubscribes_ok, "a new connection must send its full set exactly once"
    assert result.spacing_ok, result.problems  # the stagger holds across the two workers


async def test_the_rig_spreads_its_feed_over_the_workers_the_environment_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(INGEST_WORKERS_ENV, "2")
    async with FaultRig() as rig:
        started = await until(
            lambda: sum(1 for w in rig.feed.workers if w.pid is not None) == 2, 30 * TIMEOUT_SCALE
        )
        assert started, [w.pid for w in rig.feed.workers]
        assert len(rig.feed.connections()) == 3  # 24 symbols, 10 a connection: 0 and 2 share one
        assert sorted(rig.feed.workers[0].connections) == [0, 2]

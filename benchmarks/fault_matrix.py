"""The reliability fault matrix: every simulator fault against the production feed client.

The tests compress all timing `SCALE`× on both sides (`benchmarks/fault_rig.py`), so a full
matrix runs in seconds. `make
reliability` (`python -m benchmarks.fault_matrix`) runs the client on its production timing
(heartbeat, watchdogs, reconnect floor, back-off, request spacing, subscribe stagger), so its two
truth columns are real seconds:
time to stale (fault → every affected quote Stale) and time to live (server answering again →
every quote Live). It prints the README table and writes every row to
`benchmarks/results/fault_matrix.json` (`benchmarks/fault_report.py`), and fails when a fault
misses the bar beyond its named deliberate waits.
"""

from __future__ import annotations

import asyncio
import os
import sys

from benchmarks.fault_report import (
    DOWN_S,
    SERVER_DOWN,
    CaseResult,
    bar_problems,
    format_table,
    write_json,
)
from benchmarks.fault_rig import BOUND_S, INGEST_ENV, INGEST_WORKERS_ENV, SCALE, FaultRig, until
from benchmarks.truth_timer import TruthTimer
from desktop.domain.feed_status import FeedState
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.truth import TruthJudge
from desktop.protocol.alltick_wire import Cmd
from desktop.simulator.faults import FaultKind

__all__ = [
    "BOUND_S",
    "RECONNECTING",
    "SCALE",
    "SERVER_DOWN",
    "CaseResult",
    "FaultRig",
    "run_case",
    "run_matrix",
    "until",
]

RECONNECTING = {
    FaultKind.CLOSE_1000,
    FaultKind.CLOSE_1006,
    FaultKind.CLOSE_1011,
    FaultKind.STALL,
    FaultKind.MUTE,
    FaultKind.NO_HEARTBEAT,
    FaultKind.CLOSE_606,
    FaultKind.CONNECTION_LIMIT,
}
"""Faults the client must notice and answer with a reconnect."""


REAL_BOUND_S = 90.0
"""Recovery bound with real waits: a refusal's deliberate back-off is up to 60 s."""


async def run_case(
    kind: FaultKind | str, scale: float = SCALE, *, real_waits: bool = False
) -> CaseResult:
    """Inject `kind` into a healthy rig and measure how it recovers and what the board showed."""
    async with FaultRig(scale, real_waits=real_waits) as rig:
        await rig.warm_up()
        judge = TruthJudge(AlwaysOpen()) if real_waits else _judge(scale)
        timer = TruthTimer(rig.book, rig.feed, [str(s) for s in rig.symbols], judge)
        try:
            result = await _run(rig, kind, timer, REAL_BOUND_S if real_waits else BOUND_S)
        finally:
            await timer.stop()
        return result


def _judge(scale: float) -> TruthJudge:
    """The board's judge, with its silence floors compressed like the rig's detectors."""
    return TruthJudge(AlwaysOpen(), quiet_floor_s=10.0 / scale, stale_floor_s=60.0 / scale)


async def _run(rig: FaultRig, kind: FaultKind | str, timer: TruthTimer, bound: float) -> CaseResult:
    loop = asyncio.get_running_loop()
    before = {rec.id for rec in rig.server.connections}
    reconnects = rig.feed.stats().reconnects
    timer.start()
    t0 = loop.time()
    back_at: float | None = None
    if kind == SERVER_DOWN:
        await rig.server.stop()  # every socket closes and nothing listens
        await asyncio.sleep(DOWN_S)
        await rig.server.start()  # same port: the server answers again
        back_at = loop.time()
        fault = FaultKind.CLOSE_1006
    else:
        assert isinstance(kind, FaultKind)
        fault = kind
        rig.inject(kind)
        timer.symbols = [str(s) for s in rig.symbols]  # an edit (rate-limit) changes the set
    name = kind if isinstance(kind, str) else ""
    if fault is FaultKind.REJECT_401:
        stopped = await until(lambda: rig.feed.status.state is FeedState.TOKEN_REJECTED, bound)
        elapsed = loop.time() - t0
        attempts = sum(len(c.attempts) for c in rig.feed.connections())
        await asyncio.sleep(rig.settings.reconnect_cap_s)  # would retry by now if it did
        retried = sum(len(c.attempts) for c in rig.feed.connections()) != attempts
        return CaseResult(
            fault,
            stopped and not retried,
            elapsed,
            rig.feed.stats().reconnects - reconnects,
            0,
            True,
            not rig.spacing_problems(),
            False,
            rig.feed.status.text,
            [] if stopped and not retried else ["kept retrying after 401"],
            time_to_stale_s=timer.time_to_stale(t0),
        )
    if fault in RECONNECTING:
        # Recovered means: the fault was noticed (a reconnect) and then everything healed.
        def healed() -> bool:
            return rig.feed.stats().reconnects > reconnects and rig.healthy_since(t0)
    else:

        def healed() -> bool:
            return rig.healthy_since(t0)

    recovered = await until(healed, bound)
    elapsed = loop.time() - t0
    await until(lambda: timer.all_live_since is not None, 2.0)  # the views catch up
    problems = rig.spacing_problems()
    records = rig.new_records(before)
    once = rig.resubscribed_once(records)
    if fault is FaultKind.RATE_LIMIT:
        once = all(len(r.requests(Cmd.SUBSCRIBE_TRADES)) <= 3 for r in rig.server.connections)
    fresh = rig.fresh_since(t0)  # against the same start as `healed`
    if fault is FaultKind.CLOSE_606:
        # Armed for the next request: the fault happens when the server answers 606 and closes.
        t0 = min(
            (
                r.closed_at
                for r in rig.server.connections
                if r.id in before and r.closed_at and r.closed_at >= t0
            ),
            default=t0,
        )
    if back_at is None:
        # The simulator answers new connections throughout: "back" is when the board knew.
        back_at = timer.went_stale_at() or t0
    reconnected = sum(any(at >= t0 for at in c.attempts) for c in rig.feed.connections())
    return CaseResult(
        fault,
        recovered,
        elapsed,
        rig.feed.stats().reconnects - reconnects,
        len(rig.lost()),
        once,
        not problems,
        fresh,
        rig.feed.status.text,
        problems,
        time_to_stale_s=timer.time_to_stale(t0),
        time_to_live_s=timer.time_to_live(back_at),
        time_to_first_live_s=timer.time_to_first_live(back_at),
        stagger_s=rig.settings.stagger_s * max(0, reconnected - 1),
        stayed_live=timer.stayed_live(),
        first_not_live=timer.first_not_live,
        name=name,
    )


async def run_matrix(scale: float = SCALE, *, real_waits: bool = False) -> list[CaseResult]:
    """Every fault once (and the server going away), each against a fresh rig."""
    cases: list[FaultKind | str] = [*FaultKind, SERVER_DOWN]
    return [await run_case(kind, scale, real_waits=real_waits) for kind in cases]


def main(argv: list[str] | None = None) -> int:
    """Run the matrix with real waits, print the table, write the JSON; 1 if any fault failed."""
    args = argv if argv is not None else sys.argv[1:]
    compressed = "--compressed" in args
    if "--ingest-process" in args:  # the same matrix with the feed in a worker process
        os.environ[INGEST_ENV] = "process"
    if "--ingest-workers" in args:  # … or with its connections over N worker processes
        os.environ[INGEST_WORKERS_ENV] = args[args.index("--ingest-workers") + 1]
    results = asyncio.run(run_matrix(real_waits=not compressed))
    timing = f"compressed x{SCALE:g}" if compressed else "real waits"
    print(format_table(results, timing=timing))
    write_json(results, timing=timing)
    for r in results:
        for problem in r.problems:
            print(f"  {r.label}: {problem}")
    healthy = all(r.recovered and r.lost == 0 for r in results)
    # The bar is about real seconds: compressed timing only proves the columns are measured.
    return 0 if healthy and (compressed or not any(bar_problems(r) for r in results)) else 1


if __name__ == "__main__":
    raise SystemExit(main())

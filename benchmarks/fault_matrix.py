"""The reliability fault matrix: every simulator fault against the production feed client.

The tests compress all timing `SCALE`× (heartbeat 10 s → 0.4 s, watchdog 20 s → 0.8 s,
reconnect floor 3 s → 0.12 s, …) on both sides, so a full matrix runs in seconds. `make
reliability` (`python -m benchmarks.fault_matrix`) runs the client on its production timing
(heartbeat, watchdogs, reconnect floor, back-off, request spacing, subscribe stagger), so its two
truth columns are real seconds:
time to stale (fault → every affected quote Stale) and time to live (server answering again →
every quote Live). It prints the README table and writes every row to
`benchmarks/results/fault_matrix.json`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import msgspec

from benchmarks.truth_timer import TruthTimer
from desktop.domain.feed_status import FeedState
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbols import Symbol
from desktop.domain.truth import TruthJudge
from desktop.feed.service import FeedService
from desktop.feed.timing import ConnectionSettings
from desktop.protocol.alltick_wire import Cmd
from desktop.protocol.plans import Plan, PlanProfile
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.connections import ConnectionRecord
from desktop.simulator.faults import FaultInjector, FaultKind
from desktop.simulator.server import SimulatorServer
from desktop.simulator.universe import DEFAULT_INSTRUMENTS

__all__ = [
    "SCALE",
    "CaseResult",
    "FaultRig",
    "compressed_settings",
    "format_table",
    "run_case",
    "run_matrix",
]

SCALE = 25.0
TOKEN = "qb-reliability"
SYMBOLS: list[Symbol] = [inst.symbol for inst in DEFAULT_INSTRUMENTS[:24]]
EXTRA = DEFAULT_INSTRUMENTS[30].symbol
PROFILE = PlanProfile(Plan.PREMIUM, 3, 10, 10, 1, 3.0 / SCALE, 0.0, 50)
"""Premium-like: 3 connections of 10 symbols, so 24 symbols need all three."""
BOUND_S = 6.0
"""Stated recovery bound in compressed seconds (×SCALE = 150 s at real timing)."""


def compressed_settings(scale: float = SCALE) -> ConnectionSettings:
    """The production defaults divided by `scale`."""
    real = ConnectionSettings()
    return ConnectionSettings(
        heartbeat_s=real.heartbeat_s / scale,
        dead_after_s=real.dead_after_s / scale,
        request_spacing_s=real.request_spacing_s / scale,
        stagger_s=real.stagger_s / scale,
        open_timeout_s=2.0,
        reconnect_floor_s=real.reconnect_floor_s / scale,
        reconnect_cap_s=real.reconnect_cap_s / scale,
        healthy_reset_s=real.healthy_reset_s / scale,
        refused_within_s=real.refused_within_s / scale,
        long_backoff_s=real.long_backoff_s / scale,
        mute_after_s=real.mute_after_s / scale,
        rate_limit_first_s=real.rate_limit_first_s / scale,
        rate_limit_cap_s=real.rate_limit_cap_s / scale,
    )


def real_recovery_settings(scale: float = SCALE) -> ConnectionSettings:
    """The production timing, unchanged (the reliability benchmark measures real seconds)."""
    return ConnectionSettings(open_timeout_s=2.0)


def simulator_config(scale: float = SCALE, request_scale: float | None = None) -> SimulatorConfig:
    """The simulator with the same compression: request interval and heartbeat timeout."""
    request_scale = scale if request_scale is None else request_scale
    return SimulatorConfig(
        seed=11,
        tokens={TOKEN: "premium"},
        any_token_plan=None,
        heartbeat_timeout=30.0 / scale,
        min_request_interval=0.9 / request_scale,  # the client spaces 1.2/scale: jitter margin
        trades_per_second=600.0,
        depth_per_second=6.0,
        push_interval=0.02,
    )


@dataclass
class CaseResult:
    """One fault's outcome."""

    fault: FaultKind
    recovered: bool
    recovery_s: float
    reconnects: int
    lost: int
    """Desired symbols not subscribed on any open connection at the end."""
    resubscribes_ok: bool
    spacing_ok: bool
    fresh: bool
    final_state: str
    problems: list[str] = field(default_factory=list)
    stale_s: float | None = None
    """Fault → every affected quote Stale, seconds (None: no quote went Stale)."""
    live_s: float | None = None
    """Server answering again → every quote Live, seconds (None: never all Live again)."""
    name: str = ""
    """The case's name when it is not a simulator fault (`server-down`)."""

    @property
    def label(self) -> str:
        """The fault's name in the table."""
        return self.name or self.fault.value


async def until(condition: Callable[[], bool], within: float) -> bool:
    """Poll `condition` on the loop for up to `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


class FaultRig:
    """A simulator with an injector and a `FeedService` on compressed timing, plus the checks."""

    def __init__(
        self,
        scale: float = SCALE,
        *,
        server_heartbeat_timeout: float | None = None,
        real_waits: bool = False,
        **overrides: float,
    ) -> None:
        base = real_recovery_settings(scale) if real_waits else compressed_settings(scale)
        self.settings = replace(base, **overrides)
        self.scale = scale
        self.real_waits = real_waits
        self.injector = FaultInjector(heartbeat_delay=self.settings.dead_after_s / 2)
        config = simulator_config(scale, 1.0 if real_waits else None)
        if real_waits:
            config = replace(config, heartbeat_timeout=30.0)
        if server_heartbeat_timeout is not None:
            config = replace(config, heartbeat_timeout=server_heartbeat_timeout)
        self.server = SimulatorServer(config, faults=self.injector)
        self.book = QuoteBook()
        self.symbols = list(SYMBOLS)
        self.service: FeedService | None = None

    async def __aenter__(self) -> FaultRig:
        await self.server.start()
        profile = (
            msgspec.structs.replace(PROFILE, reconnect_floor_s=3.0) if self.real_waits else PROFILE
        )
        self.service = FeedService(
            self.book,
            self.server.ws_url,
            TOKEN,
            profile,
            settings=self.settings,
            sessions=AlwaysOpen(),
        )
        self.service.set_symbols(self.symbols, self.symbols)
        await self.service.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.service is not None:
            await self.service.stop()
        await self.server.stop()

    @property
    def feed(self) -> FeedService:
        """The running service."""
        assert self.service is not None
        return self.service

    def wanted(self) -> set[str]:
        """Wire codes the plan wants streamed."""
        return {s.wire for s in self.symbols}

    def lost(self) -> set[str]:
        """Wanted subscriptions (trade and depth) that no open connection holds."""
        records = self.server.open_connections()
        trades = {code for rec in records for code in rec.trade_codes}
        depth = {code for rec in records for code in rec.depth_codes}
        wanted = self.wanted()
        return {f"{c} trades" for c in wanted - trades} | {f"{c} depth" for c in wanted - depth}

    def fresh_since(self, t0: float) -> bool:
        """Every symbol has a price and an update after `t0`."""
        for symbol in self.symbols:
            state = self.book.get(str(symbol))
            if state is None or state.last is None or state.updated_at <= t0:
                return False
        return True

    def healthy_since(self, t0: float) -> bool:
        """Live, nothing lost, and fresh prices everywhere."""
        return self.feed.status.state is FeedState.LIVE and not self.lost() and self.fresh_since(t0)

    def new_records(self, before: set[int]) -> list[ConnectionRecord]:
        """Connections the server accepted (not refused) after a snapshot of ids."""
        return [r for r in self.server.connections if r.id not in before and not r.over_limit]

    def resubscribed_once(self, records: list[ConnectionRecord]) -> bool:
        """Each new connection still open had its trade set and its depth set accepted exactly once.

        A request the server refused for spacing (its arrival clock jitters against the client's
        send clock) and the client then re-sent is one subscription, not a duplicate.
        """
        for rec in records:
            if rec.closed_at is not None:
                continue
            if rec.accepted(Cmd.SUBSCRIBE_TRADES) != 1 or rec.accepted(Cmd.SUBSCRIBE_DEPTH) != 1:
                return False
        return True

    def spacing_problems(self) -> list[str]:
        """Request spacing per connection, subscribe stagger across them, reconnect spacing.

        Timed where the client sends (`FeedConnection.sent_log`): the server's arrival times
        carry its own scheduling jitter, which under a burst exceeds the compressed spacing.
        """
        tol = 0.001
        settings = self.settings
        problems = []
        conns = self.feed.connections()
        for conn in conns:
            for (ta, _), (tb, _) in itertools.pairwise(conn.sent_log):
                if tb - ta < settings.request_spacing_s - tol:
                    problems.append(f"connection {conn.index}: requests {tb - ta:.4f} s apart")
                    break
        subs = sorted(
            (at, conn.index)
            for conn in conns
            for at, cmd in conn.sent_log
            if cmd in (Cmd.SUBSCRIBE_TRADES, Cmd.SUBSCRIBE_DEPTH)
        )
        for (ta, ia), (tb, ib) in itertools.pairwise(subs):
            if ia != ib and tb - ta < settings.stagger_s - tol:
                problems.append(f"subscribes of connections {ia}/{ib} {tb - ta:.4f} s apart")
                break
        for conn in conns:
            for a, b in itertools.pairwise(conn.attempts):
                if b - a < settings.reconnect_floor_s - tol:
                    problems.append(f"connection {conn.index} retried after {b - a:.4f} s")
                    break
        return problems

    async def warm_up(self, within: float = 10.0) -> None:
        """Wait until every symbol streams on all three connections."""
        if self.real_waits:
            within = max(within, 30.0)  # three connections subscribe 3 s apart, for real
        ok = await until(lambda: self.healthy_since(0.0), within)
        if not ok:
            raise AssertionError(f"the rig never became healthy: lost {sorted(self.lost())}")
        if self.real_waits:  # a fault right after the last subscribe would inherit its stagger
            await asyncio.sleep(self.settings.stagger_s)

    def inject(self, kind: FaultKind) -> None:
        """Apply one fault the way the matrix defines it."""
        injector, server = self.injector, self.server
        if kind is FaultKind.REJECT_401:
            injector.inject(kind, count=10)
            injector.inject(FaultKind.CLOSE_1006)
        elif kind is FaultKind.CONNECTION_LIMIT:
            injector.inject(kind, count=1)
            server.abort(server.open_connections()[0])
        elif kind is FaultKind.RATE_LIMIT:
            injector.inject(kind, count=1)
            self.symbols = [*SYMBOLS[:-1], EXTRA]  # an edit: the next subscribe is refused
            self.feed.set_symbols(self.symbols, self.symbols)
        elif kind is FaultKind.LATE_HEARTBEAT or kind is FaultKind.MUTE:
            injector.inject(kind, duration=self.settings.mute_after_s * 3)
        else:
            injector.inject(kind, duration=self.settings.mute_after_s * 3, count=5)


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


SERVER_DOWN = "server-down"
"""Not a simulator fault: the server process goes away for `DOWN_S` and comes back."""
DOWN_S = 4.0
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
            stale_s=timer.time_to_stale(t0),
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
    if back_at is None:
        # The simulator answers new connections throughout: "back" is when the board knew.
        back_at = timer.went_stale_at() or t0
    went_stale = bool(timer.first_stale)
    return CaseResult(
        fault,
        recovered,
        elapsed,
        rig.feed.stats().reconnects - reconnects,
        len(rig.lost()),
        once,
        not problems,
        rig.fresh_since(t0),
        rig.feed.status.text,
        problems,
        stale_s=timer.time_to_stale(t0),
        live_s=timer.time_to_live(back_at) if went_stale else None,
        name=name,
    )


async def run_matrix(scale: float = SCALE, *, real_waits: bool = False) -> list[CaseResult]:
    """Every fault once (and the server going away), each against a fresh rig."""
    cases: list[FaultKind | str] = [*FaultKind, SERVER_DOWN]
    return [await run_case(kind, scale, real_waits=real_waits) for kind in cases]


_EXPECT = {
    FaultKind.REJECT_401: "stops: Token rejected",
    FaultKind.LATE_HEARTBEAT: "stays live",
    FaultKind.GARBAGE: "counted, dropped",
    FaultKind.TRUNCATED: "counted, dropped",
    FaultKind.DUPLICATE_SEQ: "duplicate ignored",
    FaultKind.OUT_OF_ORDER: "counted, not applied",
    FaultKind.SEQ_GAP: "applied",
    FaultKind.BURST: "every tick applied",
    FaultKind.RATE_LIMIT: "backs off, re-sends",
}


_NAMED_WAITS = {
    FaultKind.STALL: "a silent socket is noticed by the 20 s heartbeat watchdog",
    FaultKind.NO_HEARTBEAT: "a silent socket is noticed by the 20 s heartbeat watchdog",
    FaultKind.LATE_HEARTBEAT: "late replies are waited for (the watchdog's 20 s)",
    FaultKind.MUTE: "a socket that answers heartbeats but sends no data is given 60 s",
    FaultKind.CLOSE_606: "606 is a refusal: deliberate 30–60 s back-off",
    FaultKind.CONNECTION_LIMIT: "a refusal: deliberate 30–60 s back-off",
}
"""Faults whose waits are deliberate (detection windows, refusal back-offs), named in the table."""


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def format_table(
    results: list[CaseResult], scale: float = SCALE, *, real_waits: bool = False
) -> str:
    """The README's Markdown table."""
    timing = "real waits" if real_waits else f"compressed ×{scale:g}"
    lines = [
        f"| fault injected | client behaviour | recovered | recovery ({timing}) | time to stale "
        "| time to live | reconnects | full set once | spacing ok | subscriptions lost |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        behaviour = _EXPECT.get(r.fault, "reconnects, resubscribes")
        if r.name == SERVER_DOWN:
            behaviour = f"server gone {DOWN_S:g} s: probes, reconnects when it answers"
        lines.append(
            f"| `{r.label}` | {behaviour} | {'yes' if r.recovered else 'NO'} "
            f"| {r.recovery_s:.2f} s | {_seconds(r.stale_s)} | {_seconds(r.live_s)} "
            f"| {r.reconnects} | {'yes' if r.resubscribes_ok else 'NO'} "
            f"| {'yes' if r.spacing_ok else 'NO'} | {r.lost} |"
        )
    stale = [r.stale_s for r in results if r.stale_s is not None]
    live = [r.live_s for r in results if r.live_s is not None and r.fault not in _NAMED_WAITS]
    lines.append("")
    lines.append(
        f"{len(results)} faults injected, {sum(r.recovered for r in results)} recovered, "
        f"worst time to stale {max(stale, default=0.0):.2f} s, worst time to live "
        f"{max(live, default=0.0):.2f} s (deliberate waits aside), "
        f"subscriptions lost = {sum(r.lost for r in results)}."
    )
    named = [f"`{f.value}`: {why}" for f, why in _NAMED_WAITS.items()]
    lines.append(
        "Deliberate waits: " + "; ".join(named) + "; and the rig's three connections send their "
        "subscribes 3 s apart (reference §1.7), so the last one is Live ≈ 6 s after the first."
    )
    return "\n".join(lines)


RESULTS = Path(__file__).resolve().parent / "results" / "fault_matrix.json"


def write_json(results: list[CaseResult], path: Path = RESULTS, *, real_waits: bool) -> None:
    """Every row, machine-readable, with the timing mode it was measured in."""
    rows = []
    for r in results:
        row = {k: v for k, v in asdict(r).items() if k not in ("fault", "name")}
        rows.append({"fault": r.label, **row, "deliberate_wait": _NAMED_WAITS.get(r.fault, "")})
    payload = {"timing": "real waits" if real_waits else f"compressed x{SCALE:g}", "rows": rows}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the matrix with real waits, print the table, write the JSON; 1 if any fault failed."""
    compressed = "--compressed" in (argv if argv is not None else sys.argv[1:])
    results = asyncio.run(run_matrix(real_waits=not compressed))
    print(format_table(results, real_waits=not compressed))
    write_json(results, real_waits=not compressed)
    for r in results:
        for problem in r.problems:
            print(f"  {r.label}: {problem}")
    return 0 if all(r.recovered and r.lost == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

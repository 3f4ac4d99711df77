"""The fault matrix's rig: a simulator with a fault injector and the production feed client.

The tests compress all timing `SCALE`× on both sides (heartbeat 10 s → 0.4 s, watchdog 20 s →
0.8 s, reconnect floor 3 s → 0.12 s, …); `real_waits` keeps the client's production timing so
the benchmark measures real seconds. The checks a fault case asks of the rig (nothing lost, the
full set sent once per connection, spacing held, fresh prices) live here too.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Callable
from dataclasses import replace

import msgspec

from desktop.domain.feed_status import FeedState
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbols import Symbol
from desktop.feed.service import FeedService
from desktop.feed.timing import ConnectionSettings, IngestMode
from desktop.protocol.alltick_wire import Cmd
from desktop.protocol.plans import Plan, PlanProfile
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.connections import ConnectionRecord
from desktop.simulator.faults import FaultInjector, FaultKind
from desktop.simulator.server import SimulatorServer
from desktop.simulator.universe import DEFAULT_INSTRUMENTS

__all__ = [
    "BOUND_S",
    "SCALE",
    "FaultRig",
    "compressed_settings",
    "simulator_config",
    "until",
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


INGEST_ENV = "QB_FAULT_INGEST"
"""`process` runs every rig's feed with `--ingest process` (the worker process)."""
INGEST_WORKERS_ENV = "QB_FAULT_INGEST_WORKERS"
"""N runs every rig's feed with `--ingest-workers N` (its connections over N worker processes)."""


def ingest_from_env() -> tuple[IngestMode, int]:
    """Where the rigs' feeds ingest, from `QB_FAULT_INGEST` and `QB_FAULT_INGEST_WORKERS`."""
    workers = os.environ.get(INGEST_WORKERS_ENV)
    if workers:
        return IngestMode.PROCESS, int(workers)
    return IngestMode(os.environ.get(INGEST_ENV, "loop")), 1


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
        ingest, workers = ingest_from_env()
        self.service = FeedService(
            self.book,
            self.server.ws_url,
            TOKEN,
            profile,
            settings=self.settings,
            sessions=AlwaysOpen(),
            ingest=ingest,
            ingest_workers=workers,
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

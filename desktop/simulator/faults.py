"""Fault injection for the simulator: the hooks the server consults and a switchable injector.

The faults: close with 1000/1006/1011, half-open stall, mute but answering
heartbeats, late or missing 22001, garbage and truncated frames, duplicate / out-of-order /
gapped `seq`, bursts, 401 on connect, 606 then close, connection-limit and rate-limit refusals.
`FaultInjector.inject()` is the in-process API; `quoteboard-sim --faults …` drives it on a timer.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

from desktop.protocol.alltick_wire import Cmd
from desktop.simulator.connections import ConnectionRecord

if TYPE_CHECKING:
    from desktop.simulator.server import SimulatorServer

__all__ = ["FaultInjector", "FaultKind", "Faults", "run_fault_schedule"]

_SEQ = re.compile(r'"seq":"(\d+)"')
_HEARTBEAT_REPLY = f'"cmd_id":{Cmd.HEARTBEAT_REPLY},'
_SUBSCRIBES = (f'"cmd_id":{Cmd.SUBSCRIBE_TRADES},', f'"cmd_id":{Cmd.SUBSCRIBE_DEPTH},')


class Faults:
    """Hooks consulted on every handshake, frame in and frame out; this default changes nothing."""

    def bind(self, server: SimulatorServer) -> None:
        """Called once by the server at start, so hooks can act on it."""

    def refuse_handshake(self, token: str) -> int | None:
        """An HTTP status to refuse this WebSocket handshake with, or None to go on."""
        return None

    def refuse_connection(self, connection: ConnectionRecord) -> bool:
        """True: accept the socket and close it at once, as an over-the-limit server does."""
        return False

    def incoming(self, connection: ConnectionRecord, text: str) -> str | None:
        """The frame to process instead of `text`; None ignores it (it is still recorded)."""
        return text

    def forced_reply(self, connection: ConnectionRecord, text: str) -> tuple[int, bool] | None:
        """(ret, close) to answer this request with instead of processing it, or None."""
        return None

    def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
        """The reply to send instead of `text`; None drops it."""
        return text

    def push(self, connection: ConnectionRecord, text: str) -> Sequence[tuple[str | bytes, bool]]:
        """Frames to send for one push: (frame, genuine); only genuine ones count as pushes.
        A `bytes` frame goes out as a binary WebSocket message (a hostile server's)."""
        return ((text, True),)


class FaultKind(Enum):
    """Every fault the simulator can inject; the value is its name on the command line."""

    CLOSE_1000 = "close-1000"
    CLOSE_1006 = "close-1006"
    CLOSE_1011 = "close-1011"
    STALL = "stall"
    MUTE = "mute"
    LATE_HEARTBEAT = "late-heartbeat"
    NO_HEARTBEAT = "no-heartbeat"
    GARBAGE = "garbage"
    TRUNCATED = "truncated"
    DUPLICATE_SEQ = "duplicate-seq"
    OUT_OF_ORDER = "out-of-order"
    SEQ_GAP = "seq-gap"
    BURST = "burst"
    REJECT_401 = "reject-401"
    CLOSE_606 = "606-close"
    CONNECTION_LIMIT = "connection-limit"
    RATE_LIMIT = "rate-limit"

    @classmethod
    def parse_list(cls, text: str) -> list[FaultKind]:
        """`"stall,mute"` or `"all"` → kinds; ValueError names the unknown one and the choices."""
        if text.strip() == "all":
            return list(cls)
        kinds = []
        for name in filter(None, (part.strip() for part in text.split(","))):
            try:
                kinds.append(cls(name))
            except ValueError:
                choices = ", ".join(kind.value for kind in cls)
                raise ValueError(f"unknown fault {name!r}; faults are: all, {choices}") from None
        return kinds


_CLOSE_CODES = {FaultKind.CLOSE_1000: 1000, FaultKind.CLOSE_1011: 1011}
# Faults armed for the next handshakes / connections / requests rather than the open sockets.
_ARMED = {
    FaultKind.REJECT_401,
    FaultKind.CONNECTION_LIMIT,
    FaultKind.CLOSE_606,
    FaultKind.RATE_LIMIT,
}
# Faults that alter the next `count` pushes of each open connection.
_PER_FRAME = {
    FaultKind.GARBAGE,
    FaultKind.TRUNCATED,
    FaultKind.DUPLICATE_SEQ,
    FaultKind.OUT_OF_ORDER,
    FaultKind.SEQ_GAP,
}


class FaultInjector(Faults):
    """Switchable faults: `inject(kind)` applies one to the open connections or arms it.

    Timed faults (stall, mute, late/no heartbeat) last `duration` seconds on the connections that
    are open now; a reconnect gets a clean socket, which is what lets a healthy client recover.
    """

    def __init__(self, *, heartbeat_delay: float = 0.5, burst_size: int = 500) -> None:
        self.heartbeat_delay = heartbeat_delay
        self.burst_size = burst_size
        self.injected: Counter[FaultKind] = Counter()
        self.extra_frames = 0
        """Frames sent that are not genuine pushes (duplicates, garbage, truncated)."""
        self._server: SimulatorServer | None = None
        self._timed: dict[int, dict[FaultKind, float]] = {}
        self._frames: dict[int, dict[FaultKind, int]] = {}
        self._held: dict[int, str] = {}
        self._armed: Counter[FaultKind] = Counter()

    def bind(self, server: SimulatorServer) -> None:
        """Remember the server to act on (close, abort, delayed sends, bursts)."""
        self._server = server

    @property
    def server(self) -> SimulatorServer:
        """The bound server (RuntimeError before the server started)."""
        if self._server is None:
            raise RuntimeError("the fault injector is not bound to a running server")
        return self._server

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    # -- the in-process API -------------------------------------------------------------------
    def inject(self, kind: FaultKind, *, duration: float = 3600.0, count: int = 1) -> int:
        """Apply `kind` now; returns how many open connections it hit (armed faults: 0).

        `duration` bounds timed faults; `count` is how many handshakes/requests an armed fault
        refuses, or how many pushes per connection a frame fault alters.
        """
        server = self.server
        self.injected[kind] += 1
        if kind in _ARMED:
            self._armed[kind] += count
            return 0
        if kind is FaultKind.BURST:
            server.spawn(server.burst(self.burst_size))
            return len(server.open_connections())
        records = server.open_connections()
        for record in records:
            if kind is FaultKind.CLOSE_1006:
                server.abort(record)
            elif kind in _CLOSE_CODES:
                server.spawn(server.close_record(record, _CLOSE_CODES[kind], f"fault {kind.value}"))
            elif kind in _PER_FRAME:
                self._frames.setdefault(record.id, {})[kind] = count
            else:
                self._timed.setdefault(record.id, {})[kind] = self._now() + duration
        return len(records)

    def clear(self) -> None:
        """End every active or armed fault."""
        self._timed.clear()
        self._frames.clear()
        self._held.clear()
        self._armed.clear()

    def active(self, connection: ConnectionRecord, kind: FaultKind) -> bool:
        """Whether a timed fault is on for this connection now."""
        until = self._timed.get(connection.id, {}).get(kind)
        return until is not None and self._now() < until

    def _take(self, kind: FaultKind) -> bool:
        if self._armed[kind] <= 0:
            return False
        self._armed[kind] -= 1
        return True

    def _take_frame(self, connection: ConnectionRecord, kind: FaultKind) -> bool:
        left = self._frames.get(connection.id, {})
        if left.get(kind, 0) <= 0:
            return False
        left[kind] -= 1
        return True

    # -- hooks --------------------------------------------------------------------------------
    def refuse_handshake(self, token: str) -> int | None:
        """401 while a `reject-401` is armed."""
        return 401 if self._take(FaultKind.REJECT_401) else None

    def refuse_connection(self, connection: ConnectionRecord) -> bool:
        """Close at once while a `connection-limit` is armed."""
        return self._take(FaultKind.CONNECTION_LIMIT)

    def incoming(self, connection: ConnectionRecord, text: str) -> str | None:
        """A stalled connection reads nothing."""
        return None if self.active(connection, FaultKind.STALL) else text

    def forced_reply(self, connection: ConnectionRecord, text: str) -> tuple[int, bool] | None:
        """606 + close for the next request, 429 for the next subscribe, when armed."""
        if self._take(FaultKind.CLOSE_606):
            return 606, True
        if any(marker in text for marker in _SUBSCRIBES) and self._take(FaultKind.RATE_LIMIT):
            return 429, False
        return None

    def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
        """Stalls send nothing; heartbeat replies can go missing or arrive late."""
        if self.active(connection, FaultKind.STALL):
            return None
        if _HEARTBEAT_REPLY in text:
            if self.active(connection, FaultKind.NO_HEARTBEAT):
                return None
            if self.active(connection, FaultKind.LATE_HEARTBEAT):
                self.server.send_later(connection, text, self.heartbeat_delay)
                return None
        return text

    def push(self, connection: ConnectionRecord, text: str) -> Sequence[tuple[str | bytes, bool]]:
        """Mute and stall drop pushes; frame faults garble, repeat, reorder or renumber them."""
        if self.active(connection, FaultKind.STALL) or self.active(connection, FaultKind.MUTE):
            return ()
        if not self._frames.get(connection.id):
            held = self._held.pop(connection.id, None)
            return ((text, True),) if held is None else ((text, True), (held, True))
        key = connection.id
        if self._take_frame(connection, FaultKind.GARBAGE):
            self.extra_frames += 1
            return (("\x00{not json at all", False), (text, True))
        if self._take_frame(connection, FaultKind.TRUNCATED):
            self.extra_frames += 1
            return ((text[: len(text) // 2], False), (text, True))
        if self._take_frame(connection, FaultKind.DUPLICATE_SEQ):
            self.extra_frames += 1
            return ((text, True), (text, False))
        if self._take_frame(connection, FaultKind.SEQ_GAP):
            return ((_SEQ.sub(lambda m: f'"seq":"{int(m.group(1)) + 1000}"', text, 1), True),)
        if key not in self._held and self._take_frame(connection, FaultKind.OUT_OF_ORDER):
            self._held[key] = text  # sent right after the next push
            return ()
        held = self._held.pop(key, None)
        return ((text, True),) if held is None else ((text, True), (held, True))


async def run_fault_schedule(
    injector: FaultInjector,
    kinds: Sequence[FaultKind],
    interval: float,
    *,
    duration: float = 15.0,
    seed: int = 0,
) -> None:
    """Inject one of `kinds`, chosen at random, every `interval` seconds (the CLI's `--faults`)."""
    rng = random.Random(seed)
    while True:
        await asyncio.sleep(interval)
        kind = rng.choice(list(kinds))
        hit = injector.inject(kind, duration=duration, count=3)
        print(f"fault: {kind.value} ({hit} connection{'s' if hit != 1 else ''})", flush=True)

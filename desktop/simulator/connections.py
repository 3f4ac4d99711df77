"""What the simulator records about each client connection, so tests can assert what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from desktop.domain.symbols import Symbol
from desktop.protocol.plans import PlanProfile

__all__ = ["ConnectionRecord", "ReceivedFrame", "ServerStats"]


@dataclass(frozen=True, slots=True)
class ReceivedFrame:
    """A frame a client sent, with the loop time `at` (monotonic s) and clock `at_ms` it arrived."""

    at: float
    at_ms: int
    text: str

    @property
    def json(self) -> Any:
        """The decoded frame, or None when it is not JSON."""
        try:
            return msgspec.json.decode(self.text)
        except msgspec.DecodeError:
            return None

    @property
    def cmd_id(self) -> int | None:
        """The frame's integer `cmd_id`, if any."""
        frame = self.json
        cmd = frame.get("cmd_id") if isinstance(frame, dict) else None
        return cmd if type(cmd) is int else None


@dataclass(slots=True, eq=False)
class ConnectionRecord:
    """What the server knows and recorded about one accepted connection (for tests)."""

    id: int
    token: str
    plan: PlanProfile
    path: str
    opened_at: float
    last_heartbeat: float
    received: list[ReceivedFrame] = field(default_factory=list)
    trades: dict[Symbol, int] = field(default_factory=dict)
    depth: dict[Symbol, int] = field(default_factory=dict)
    """Depth-subscribed symbols → levels pushed."""
    over_limit: bool = False
    closed_at: float | None = None
    close_reason: str = ""
    client_close_code: int | None = None
    """The code of the close frame the client sent, if it sent one (1000 when it said goodbye)."""
    trade_pushes: int = 0
    depth_pushes: int = 0
    last_request: float | None = None
    answers: list[tuple[int, int]] = field(default_factory=list)
    """(request cmd_id, ret) of every request answered, in order."""

    def accepted(self, cmd_id: int) -> int:
        """How many requests with `cmd_id` the server answered with success."""
        return sum(1 for cmd, ret in self.answers if cmd == cmd_id and ret == 200)

    @property
    def trade_codes(self) -> list[str]:
        """Wire codes of the current trade subscription, in request order."""
        return [symbol.wire for symbol in self.trades]

    @property
    def depth_codes(self) -> list[str]:
        """Wire codes of the current depth subscription, in request order."""
        return [symbol.wire for symbol in self.depth]

    def requests(self, cmd_id: int | None = None) -> list[ReceivedFrame]:
        """Received frames, optionally only those with one cmd_id."""
        return [f for f in self.received if cmd_id is None or f.cmd_id == cmd_id]


@dataclass(slots=True)
class ServerStats:
    """Counters since start."""

    connections_accepted: int = 0
    connections_refused: int = 0
    connections_over_limit: int = 0
    heartbeat_timeouts: int = 0
    requests: int = 0
    requests_rejected: int = 0
    trade_pushes: int = 0
    depth_pushes: int = 0
    rest_requests: int = 0

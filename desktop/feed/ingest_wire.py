"""What the ingest worker and the GUI process say to each other over their two sockets.

Every message is one length-prefixed frame. Decoded trades and books travel in an `EventBatch`,
encoded with msgspec msgpack (≈ 0.4 µs to encode and 0.7 µs to decode a trade; README
"Performance"); the rare messages about a connection (its state, replies, counters) and the
commands to the worker are pickled dataclasses. The first byte of a payload says which.
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass, field

import msgspec

from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.symbols import Market, Symbol
from desktop.feed.timing import ConnectionSettings
from desktop.protocol.alltick import DecodeStats
from desktop.protocol.alltick_session import ServerError
from desktop.protocol.subscriptions import ConnectionPlan

__all__ = [
    "Command",
    "ConnCounters",
    "ConnMessage",
    "EventBatch",
    "Markets",
    "Message",
    "Start",
    "WireCodec",
]

HEADER = struct.Struct("!I")
"""The length of the payload that follows, big-endian."""
TICK, DEPTH = 0, 1
"""`EventBatch.kinds` entries: the order in which ticks and books were decoded."""
_BATCH, _PICKLED = b"B", b"P"


class EventBatch(msgspec.Struct, array_like=True, gc=False):
    """Decoded trades and books in the order the worker decoded them (`kinds`: TICK or DEPTH)."""

    kinds: bytes
    ticks: list[Tick]
    depths: list[DepthSnapshot]


# -- worker → GUI: about one connection ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConnCounters:
    """A connection's numbers, sent whenever they change and before each of its events."""

    index: int
    frames: int
    data_frames: int
    backlog: int
    max_backlog: int
    connects: int
    reconnects: int
    mute_reconnects: int
    dead_reconnects: int
    failed_opens: int
    attempt: int
    restarts: int
    stats: DecodeStats
    accepted_trades: tuple[Symbol, ...] | None
    """The trade set the server accepted, when `accepted_changed` (else None, to stay small)."""
    accepted_changed: bool
    pending: tuple[int, ...] = ()
    """seq_ids of the requests whose replies the session still waits for (at most 64)."""
    new_attempts: tuple[float, ...] = ()
    """Clock times of connection attempts since the previous counters."""
    new_sent: tuple[tuple[float, int], ...] = ()
    """(clock time, cmd_id) of requests sent since the previous counters."""


@dataclass(frozen=True, slots=True)
class ConnMessage:
    """One `ConnectionEvents` callback of a worker's connection: `kind` names it."""

    kind: str
    """state, opened, error, subscribed, bad_frame or stopped."""
    index: int
    state: str = ""
    reason: str = ""
    retry_in: float | None = None
    is_reconnect: bool = False
    error: ServerError | None = None
    count: int = 0


# -- GUI → worker ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Start:
    """Host connection `index` (if new) and start it; counts continue from a crashed worker's."""

    index: int
    url: str
    settings: ConnectionSettings
    connects: int = 0
    reconnects: int = 0


@dataclass(frozen=True, slots=True)
class Command:
    """set_plan (with `plan`), resend, stop or reconnect_now for connection `index`."""

    kind: str
    index: int
    plan: ConnectionPlan | None = None


@dataclass(frozen=True, slots=True)
class Markets:
    """The markets open now (the worker judges "connected but mute" by them)."""

    open: frozenset[Market] = field(default_factory=frozenset)


Message = EventBatch | ConnCounters | ConnMessage | Start | Command | Markets


class WireCodec:
    """Encodes messages into frames and decodes payloads back (one per side of a socket)."""

    def __init__(self) -> None:
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(EventBatch)

    def encode(self, message: Message) -> bytes:
        """One frame: header and payload."""
        if type(message) is EventBatch:
            payload = _BATCH + self._encoder.encode(message)
        else:
            payload = _PICKLED + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        return HEADER.pack(len(payload)) + payload

    def decode(self, payload: bytes) -> Message:
        """The message in one payload (the frame without its header)."""
        view = memoryview(payload)
        if payload[:1] == _BATCH:
            return self._decoder.decode(view[1:])
        message: Message = pickle.loads(view[1:])
        return message

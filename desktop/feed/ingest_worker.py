"""The ingest worker process: real `FeedConnection`s on a plain asyncio loop, off the GUI process.

Socket I/O, the `AllTickSession` (heartbeats, pacing, replies) and decoding run here; every
decoded trade and book goes, in order and in batches, to the GUI process, whose `QuoteBook`
decides what is accepted (so its ordering rules and the recorder tap stay where they are). A
batch is sent when the connections hand the loop back (the inbox is empty or a 4 ms slice is
over) or when it holds `BATCH_LIMIT` events, so a quiet feed is passed on at once and a busy one
in few, large messages. Connection callbacks and counters follow in the same ordered stream.

The data socket is written with blocking sends: a GUI that falls behind stops this process's
reading, and websockets' flow control pushes back on the server, as on the GUI's own loop. The
worker exits when the GUI process's end of the control socket closes (the GUI quit or died).
Never imports Qt: it is started with the "spawn" method from a process that has Qt loaded.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket

from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.quote_book import BookCounters
from desktop.domain.symbols import Market
from desktop.feed.connection import ConnectionEvents, FeedConnection
from desktop.feed.ingest_wire import (
    DEPTH,
    HEADER,
    TICK,
    Command,
    ConnCounters,
    ConnMessage,
    EventBatch,
    Markets,
    Start,
    WireCodec,
)
from desktop.protocol.alltick_session import ServerError
from desktop.protocol.pacing import Stagger, SubscribeStagger

__all__ = ["BATCH_LIMIT", "IngestWorker", "RelayBook", "worker_main"]

log = logging.getLogger(__name__)

BATCH_LIMIT = 1000
"""Events in one batch at most (the GUI applies a batch in slices of a few milliseconds)."""


class RelayBook:
    """Accepts every event a connection decodes into the pending batch (the GUI's book judges)."""

    def __init__(self, index: int, worker: IngestWorker) -> None:
        self.counters = BookCounters()
        self._tick = (index << 1) | TICK
        self._depth = (index << 1) | DEPTH
        self._kinds = worker.kinds
        self._ticks = worker.ticks
        self._depths = worker.depths
        self._added = worker.added

    def apply_tick(self, tick: Tick, now: float) -> None:
        """Queue a trade for the GUI."""
        self._ticks.append(tick)
        self._kinds.append(self._tick)
        self.counters.ticks += 1
        self._added()

    def apply_depth(self, book: DepthSnapshot, now: float) -> bool:
        """Queue a book for the GUI."""
        self._depths.append(book)
        self._kinds.append(self._depth)
        self.counters.depth_updates += 1
        self._added()
        return True


class IngestWorker:
    """Hosts connections for the GUI process and streams their events and state back to it."""

    def __init__(
        self, control: socket.socket, data: socket.socket, stagger: Stagger | None = None
    ) -> None:
        self.control = control
        self.data = data
        self.data.setblocking(True)
        self.codec = WireCodec()
        self.connections: dict[int, FeedConnection] = {}
        self.open_markets: frozenset[Market] = frozenset()
        self.stagger = stagger
        """Shared with the other workers' connections (`--ingest-workers`), else made here."""
        self.kinds = bytearray()
        """Per pending event: its connection and kind, `(index << 1) | TICK or DEPTH`."""
        self.ticks: list[Tick] = []
        self.depths: list[DepthSnapshot] = []
        self._flush_scheduled = False
        self._sent: dict[int, tuple[object, ...]] = {}
        self._accepted: dict[int, object] = {}
        self._forwarded: dict[int, tuple[float, float]] = {}
        """Per connection: clock time of the last attempt and the last request forwarded."""
        self._gone = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(self) -> None:
        """Serve commands until the GUI process goes away, then close every connection."""
        self._loop = asyncio.get_running_loop()
        reader, _writer = await asyncio.open_connection(sock=self.control)
        commands = asyncio.create_task(self._commands(reader))
        gone = asyncio.create_task(self._gone.wait())
        try:
            await asyncio.wait([commands, gone], return_when=asyncio.FIRST_COMPLETED)
        finally:
            commands.cancel()
            gone.cancel()
            self._gone.set()  # nothing more is sent: the GUI process is not listening
            await asyncio.gather(
                *(conn.stop() for conn in self.connections.values()), return_exceptions=True
            )
        if commands.done() and not commands.cancelled() and commands.exception() is not None:
            raise commands.exception()  # type: ignore[misc]  # a bug: exit non-zero, visibly

    async def _commands(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
                message = self.codec.decode(await reader.readexactly(size))
                if isinstance(message, Start):
                    self._start(message)
                elif isinstance(message, Command):
                    await self._command(message)
                elif isinstance(message, Markets):
                    self.open_markets = message.open
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            log.info("ingest worker: the GUI process closed the control socket (%r)", exc)

    def _start(self, start: Start) -> None:
        conn = self.connections.get(start.index)
        if conn is None:
            if self.stagger is None:  # the only worker: its connections are all the token's
                self.stagger = SubscribeStagger(start.settings.stagger_s)
            conn = FeedConnection(
                start.index,
                start.url,
                RelayBook(start.index, self),
                self._events(),
                start.settings,
                stagger=self.stagger,
                market_open=lambda market: market in self.open_markets,
            )
            conn.connects, conn.reconnects = start.connects, start.reconnects
            self.connections[start.index] = conn
        conn.start()

    async def _command(self, command: Command) -> None:
        conn = self.connections.get(command.index)
        if conn is None:
            return  # a connection never started: its plan comes with its Start
        if command.kind == "set_plan" and command.plan is not None:
            conn.set_plan(command.plan)
        elif command.kind == "resend":
            conn.resend()
        elif command.kind == "reconnect_now":
            conn.reconnect_now()
        elif command.kind == "stop":
            await conn.stop()
            self._send_message(ConnMessage("stopped", command.index))

    def _events(self) -> ConnectionEvents:
        def state(index: int, state: str, reason: str, retry_in: float | None) -> None:
            self._send_message(ConnMessage("state", index, state, reason, retry_in))

        def opened(index: int, is_reconnect: bool) -> None:
            self._send_message(ConnMessage("opened", index, is_reconnect=is_reconnect))

        def error(index: int, error: ServerError) -> None:
            self._send_message(ConnMessage("error", index, error=error))

        def subscribed(index: int, count: int) -> None:
            self._send_message(ConnMessage("subscribed", index, count=count))

        def bad_frame(index: int, kind: str) -> None:
            self._send_message(ConnMessage("bad_frame", index, reason=kind))

        return ConnectionEvents(state, opened, error, subscribed, bad_frame)

    # -- sending ----------------------------------------------------------------------------------
    def added(self) -> None:
        """An event was queued: send the batch when full, else once the loop is free."""
        if len(self.kinds) >= BATCH_LIMIT:
            self.flush()
        elif not self._flush_scheduled and self._loop is not None:
            self._flush_scheduled = True
            self._loop.call_soon(self.flush)

    def _send_message(self, message: ConnMessage) -> None:
        """Whatever was decoded before it, and the connection's counters, go first."""
        self.flush(self.codec.encode(message))

    def flush(self, after: bytes = b"") -> None:
        """Send the pending batch, changed counters and then `after`, in one write."""
        self._flush_scheduled = False
        if self._gone.is_set():
            return
        parts = []
        if self.kinds:
            parts.append(self.codec.encode(EventBatch(bytes(self.kinds), self.ticks, self.depths)))
            self.kinds.clear()
            self.ticks.clear()
            self.depths.clear()
        for conn in self.connections.values():
            counters = self._counters(conn)
            if counters is not None:
                parts.append(self.codec.encode(counters))
        if after:
            parts.append(after)
        if not parts:
            return
        try:
            self.data.sendall(b"".join(parts))
        except OSError as exc:  # the GUI process is gone: stop, do not count bad frames
            log.info("ingest worker: the GUI process went away (%s)", exc)
            self._gone.set()

    def _counters(self, conn: FeedConnection) -> ConnCounters | None:
        """The connection's counters when they changed since the last ones sent, else None."""
        stats = conn.session.stats
        attempt_at = conn.attempts[-1] if conn.attempts else 0.0
        sent_at = conn.sent_log[-1][0] if conn.sent_log else 0.0
        key = (
            conn.frames,
            conn.data_frames,
            conn.backlog,
            conn.max_backlog,
            conn.connects,
            conn.reconnects,
            conn.mute_reconnects,
            conn.dead_reconnects,
            conn.failed_opens,
            conn.backoff.attempt,
            conn.restarts,
            stats.frames,
            stats.bad,
            stats.replies,
            stats.unknown_cmd,
            attempt_at,
            sent_at,
            id(conn.session.accepted_trades),
            len(conn.session.pending),
        )
        if self._sent.get(conn.index) == key:
            return None
        self._sent[conn.index] = key
        last_attempt, last_sent = self._forwarded.get(conn.index, (-1e18, -1e18))
        self._forwarded[conn.index] = (attempt_at, sent_at)
        accepted = conn.session.accepted_trades
        accepted_changed = self._accepted.get(conn.index, ()) is not accepted
        self._accepted[conn.index] = accepted
        return ConnCounters(
            index=conn.index,
            frames=conn.frames,
            data_frames=conn.data_frames,
            backlog=conn.backlog,
            max_backlog=conn.max_backlog,
            connects=conn.connects,
            reconnects=conn.reconnects,
            mute_reconnects=conn.mute_reconnects,
            dead_reconnects=conn.dead_reconnects,
            failed_opens=conn.failed_opens,
            attempt=conn.backoff.attempt,
            restarts=conn.restarts,
            stats=stats,
            accepted_trades=accepted if accepted_changed else None,
            accepted_changed=accepted_changed,
            pending=tuple(conn.session.pending),
            new_attempts=tuple(at for at in conn.attempts if at > last_attempt),
            new_sent=tuple(entry for entry in conn.sent_log if entry[0] > last_sent),
        )


def worker_main(
    control: socket.socket, data: socket.socket, log_level: int, stagger: Stagger | None = None
) -> None:
    """Entry point of the worker process (multiprocessing "spawn")."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the GUI process, which stops us
    logging.basicConfig(level=log_level, format="%(asctime)s ingest %(levelname)s %(message)s")
    asyncio.run(IngestWorker(control, data, stagger).run())

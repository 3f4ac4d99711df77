"""The GUI process's side of the ingest worker: starts it, feeds its batches into the `QuoteBook`.

One worker process hosts a group of a `FeedService`'s connections (every one of them with
`--ingest process`; `feed.ingest_pool` spreads them over several). It is started
with multiprocessing's "spawn" method (a fresh interpreter: a process with Qt loaded is never
forked) and talks over two socket pairs: commands to it, decoded events and connection state
from it, read here by an asyncio stream reader (no polling, the loop never blocks). Each batch
is applied in order, in slices of a few milliseconds, exactly as a connection on the GUI's loop
applies frames: the book's ordering rules decide, and the recorder tap sees what it accepted.

A worker that dies is started again after the reconnect floor, its connections re-sent with
their plans; the status says why ("internal error (the ingest worker exited …)"). The worker
exits by itself when this process closes its end of the sockets, or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import socket
import time
from collections.abc import Callable

from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market
from desktop.feed.connection import ConnectionEvents, FeedTap
from desktop.feed.ingest_wire import (
    HEADER,
    TICK,
    ConnCounters,
    ConnMessage,
    EventBatch,
    Markets,
    Message,
    WireCodec,
)
from desktop.feed.ingest_worker import worker_main
from desktop.feed.remote_connection import RemoteConnection
from desktop.feed.shared_stagger import SharedStagger
from desktop.feed.timing import ConnectionSettings, IngestMode

__all__ = ["IngestMode", "IngestProcess"]

log = logging.getLogger(__name__)

_SLICE_S = 0.004
"""Longest run of a batch applied before the GUI's loop gets a turn (as `FeedConnection`)."""
_MARKETS_EVERY_S = 1.0
"""How often the open markets are looked up for the worker's "connected but mute" check."""
_JOIN_S = 5.0


class IngestProcess:
    """Runs the ingest worker for one service's connections and applies what it decodes."""

    def __init__(
        self,
        book: QuoteBook,
        tap: FeedTap | None,
        market_open: Callable[[Market], bool],
        restart_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        name: str = "quoteboard-ingest",
        stagger: Callable[[], SharedStagger | None] = lambda: None,
        on_exit: Callable[[int], None] = lambda pid: None,
    ) -> None:
        self.book = book
        self.tap = tap
        self.market_open = market_open
        self.restart_delay_s = restart_delay_s
        self.clock = clock
        self.name = name
        """The process's name, and the worker's in logs and status texts."""
        self.stagger = stagger
        """The stagger shared with the other workers (None: the worker keeps its own)."""
        self.on_exit = on_exit
        """Called with the pid of a worker that exited, before it is started again."""
        self.connections: dict[int, RemoteConnection] = {}
        self.process: multiprocessing.process.BaseProcess | None = None
        self.restarts = 0
        """Times the worker died and was started again."""
        self._codec = WireCodec()
        self._writer: asyncio.StreamWriter | None = None
        self._data_writer: asyncio.StreamWriter | None = None
        self._control_reader: asyncio.StreamReader | None = None
        self._queued: list[bytes] = []
        """Frames sent before the worker's control socket is open."""
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._markets: frozenset[Market] | None = None
        self._slice = (0.0, 0.0)
        """When the current run of applying began and the last batch ended (the loop gets a
        turn every `_SLICE_S`)."""

    def connection(
        self, index: int, url: str, events: ConnectionEvents, settings: ConnectionSettings
    ) -> RemoteConnection:
        """The stand-in for connection `index`, hosted by this worker."""
        conn = RemoteConnection(index, url, events, settings, self)
        self.connections[index] = conn
        return conn

    @property
    def alive(self) -> bool:
        """True while the worker runs (or is being started again)."""
        return self._task is not None and not self._task.done()

    @property
    def connected(self) -> bool:
        """True while a worker runs and its sockets are open."""
        return self._writer is not None

    @property
    def pid(self) -> int | None:
        """The worker's process id (None before it started)."""
        return self.process.pid if self.process is not None else None

    def ensure_started(self) -> None:
        """Start the worker unless it runs."""
        if not self.alive and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    def send(self, message: Message) -> None:
        """Send a command to the worker (queued until its socket is open)."""
        frame = self._codec.encode(message)
        if self._writer is None:
            self._queued.append(frame)
        else:
            self._writer.write(frame)

    async def close(self) -> None:
        """Stop the worker: its connections close, then it exits (killed if it does not)."""
        self._closing = True
        if self._writer is not None:
            self._writer.close()  # end of file for the worker: it closes its sockets and exits
        process = self.process
        if process is not None:
            await asyncio.to_thread(process.join, _JOIN_S)
            if process.exitcode is None:
                log.warning("the ingest worker did not exit; killing it")
                process.kill()
                await asyncio.to_thread(process.join, _JOIN_S)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._closing = False  # a service started again starts a new worker

    # -- the worker's life ------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            reader = await self._spawn()
            markets = asyncio.create_task(self._send_markets())
            reason = ""
            try:
                await self._read(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass  # the worker closed its end: it exited or died
            except Exception as exc:  # noqa: BLE001 - a bug here restarts the worker, visibly
                log.exception("reading from the ingest worker failed; restarting it")
                reason = f"internal error ({type(exc).__name__}: {exc}); restarted the worker"
            finally:
                markets.cancel()
                for writer in (self._writer, self._data_writer):
                    if writer is not None:
                        writer.close()
                self._writer = self._data_writer = None
            if self._closing:
                return
            process = self.process
            assert process is not None
            if process.exitcode is None and reason:
                process.kill()
            await asyncio.to_thread(process.join, _JOIN_S)
            code = process.exitcode
            if process.pid is not None:
                self.on_exit(process.pid)
            reason = reason or (
                f"internal error (the ingest worker {self._label}exited with code {code}); "
                "restarted it"
            )
            log.error("ingest worker %s stopped (exit code %s); restarting it", self.name, code)
            self.restarts += 1
            for conn in self.connections.values():
                conn.worker_lost(reason, self.restart_delay_s)
            await asyncio.sleep(self.restart_delay_s)
            self._queued.clear()  # what was wanted is sent again, whole
            for conn in self.connections.values():
                if conn.running:
                    conn.send_start()

    async def _spawn(self) -> asyncio.StreamReader:
        """Start a worker process; returns the reader of its data socket."""
        parent_control, child_control = socket.socketpair()
        parent_data, child_data = socket.socketpair()
        context = multiprocessing.get_context("spawn")  # never fork a process with Qt loaded
        level = logging.getLogger().getEffectiveLevel()
        process = context.Process(
            target=worker_main,
            args=(child_control, child_data, level, self.stagger()),
            name=self.name,
            daemon=True,
        )
        process.start()
        child_control.close()
        child_data.close()
        self.process = process
        self._markets = None
        log.info("ingest worker %s started (pid %s)", self.name, process.pid)
        # Keep both stream pairs: a StreamWriter that is collected closes its socket.
        reader, self._data_writer = await asyncio.open_connection(sock=parent_data)
        self._control_reader, writer = await asyncio.open_connection(sock=parent_control)
        self._writer = writer
        queued, self._queued = self._queued, []
        for frame in queued:
            writer.write(frame)
        return reader

    @property
    def _label(self) -> str:
        """The worker's number and a space when there are several ("2 "), else nothing."""
        number = self.name.rpartition("-")[2]
        return f"{number} " if number.isdigit() else ""

    async def _send_markets(self) -> None:
        """Tell the worker which markets are open, now and whenever that changes."""
        while True:
            open_now = frozenset(market for market in Market if self.market_open(market))
            if open_now != self._markets:
                self._markets = open_now
                self.send(Markets(open_now))
            await asyncio.sleep(_MARKETS_EVERY_S)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        codec = self._codec
        conns = self.connections
        header = HEADER
        while True:
            (size,) = header.unpack(await reader.readexactly(header.size))
            message = codec.decode(await reader.readexactly(size))
            kind = type(message)
            if kind is EventBatch:
                await self._apply(message)  # type: ignore[arg-type]
            elif kind is ConnCounters:
                conns[message.index].take_counters(message)  # type: ignore[union-attr,arg-type]
            elif kind is ConnMessage:
                conns[message.index].take_message(message)  # type: ignore[union-attr,arg-type]

    async def _apply(self, batch: EventBatch) -> None:
        """Apply a batch in order, as a connection applies frames; hand the loop back every
        few milliseconds."""
        book = self.book
        counters = book.counters
        tap = self.tap
        ticks = iter(batch.ticks)
        depths = iter(batch.depths)
        # A slice spans batches read back to back (a buffered batch is read without a loop turn);
        # after a pause as long as a slice, a new one starts.
        started, ended = self._slice
        at = time.perf_counter()
        if at - ended > _SLICE_S:
            started = at
        elif at - started > _SLICE_S:
            await asyncio.sleep(0)
            started = time.perf_counter()
        now = self.clock()
        for count, code in enumerate(batch.kinds, 1):
            if not count & 63 and time.perf_counter() - started > _SLICE_S:
                await asyncio.sleep(0)
                now = self.clock()
                started = time.perf_counter()
            if code & 1 == TICK:
                tick = next(ticks)
                try:
                    applied = counters.ticks
                    book.apply_tick(tick, now)
                    if tap is not None and counters.ticks != applied:  # accepted, once
                        tap(tick)
                except Exception as exc:  # noqa: BLE001 - a bad frame, counted by kind
                    self.connections[code >> 1].apply_failed(exc)
            else:
                depth = next(depths)
                try:
                    applied = counters.depth_updates
                    book.apply_depth(depth, now)
                    if tap is not None and counters.depth_updates != applied:
                        tap(depth)
                except Exception as exc:  # noqa: BLE001 - a bad frame, counted by kind
                    self.connections[code >> 1].apply_failed(exc)
        self._slice = (started, time.perf_counter())

"""The ingest worker's side of the wire, run on a thread of the test so every line is measured:
commands in, batches of decoded events and the connection's callbacks and counters out."""

from __future__ import annotations

import asyncio
import socket
import threading

from desktop.domain.market_data import Tick
from desktop.domain.symbols import Market, Symbol
from desktop.feed.ingest_wire import (
    HEADER,
    TICK,
    Command,
    ConnCounters,
    ConnMessage,
    EventBatch,
    Markets,
    Message,
    Start,
    WireCodec,
)
from desktop.feed.ingest_worker import IngestWorker
from desktop.feed.timing import ConnectionSettings
from desktop.protocol.subscriptions import ConnectionPlan
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.conftest import TIMEOUT_S

SYMBOLS = (Symbol.parse("AAPL"), Symbol.parse("700"))
FAST = ConnectionSettings(heartbeat_s=0.2, dead_after_s=1.0, request_spacing_s=0.05)


class FakeGui:
    """The GUI process's end of the two socket pairs, kept as plain asyncio streams."""

    def __init__(self) -> None:
        self.codec = WireCodec()
        self.control, self.worker_control = socket.socketpair()
        self.data, self.worker_data = socket.socketpair()
        self.messages: list[Message] = []
        self.ticks: list[Tick] = []
        self.kinds = bytearray()

    async def open(self) -> None:
        self.reader, self._data_writer = await asyncio.open_connection(sock=self.data)
        self._control_reader, self.writer = await asyncio.open_connection(sock=self.control)

    def send(self, message: Message) -> None:
        self.writer.write(self.codec.encode(message))

    async def read_until(self, done: object, what: str) -> None:
        async def read() -> None:
            while not done():  # type: ignore[operator]
                (size,) = HEADER.unpack(await self.reader.readexactly(HEADER.size))
                message = self.codec.decode(await self.reader.readexactly(size))
                self.messages.append(message)
                if isinstance(message, EventBatch):
                    self.ticks.extend(message.ticks)
                    self.kinds += message.kinds

        try:
            await asyncio.wait_for(read(), TIMEOUT_S)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    def of(self, kind: str) -> list[ConnMessage]:
        return [m for m in self.messages if isinstance(m, ConnMessage) and m.kind == kind]


async def test_the_worker_streams_a_connections_events_and_state_and_stops_with_its_gui() -> None:
    config = SimulatorConfig(trades_per_second=200.0, min_request_interval=0.04)
    async with SimulatorServer(config) as server:
        gui = FakeGui()
        worker = IngestWorker(gui.worker_control, gui.worker_data)
        thread = threading.Thread(target=asyncio.run, args=(worker.run(),), daemon=True)
        thread.start()
        await gui.open()
        gui.send(Command("set_plan", 3, ConnectionPlan(3, SYMBOLS)))  # not started: ignored
        gui.send(Markets(frozenset({Market.US})))
        gui.send(Start(3, server.ws_url + "?token=t", FAST, connects=2, reconnects=1))
        gui.send(Command("set_plan", 3, ConnectionPlan(3, SYMBOLS)))
        await gui.read_until(lambda: len(gui.ticks) >= 50, "fifty trades")
        states = [m.state for m in gui.of("state")]
        assert states[0] == "reconnecting"  # connects carried over from a crashed worker
        assert gui.of("opened")[0].is_reconnect and gui.of("subscribed")[0].count == 2
        assert all(kind == (3 << 1) | TICK for kind in gui.kinds)  # connection 3's trades
        assert {t.symbol for t in gui.ticks} <= {"AAPL.US", "00700.HK"}
        # Before each callback the counters went out: the subscribe was counted as sent.
        first = gui.messages.index(gui.of("subscribed")[0])
        counters = [m for m in gui.messages[:first] if isinstance(m, ConnCounters)]
        assert counters and counters[-1].connects == 3 and counters[-1].new_sent
        assert worker.open_markets == frozenset({Market.US})

        gui.send(Command("resend", 3))
        gui.send(Command("reconnect_now", 3))
        gui.send(Command("stop", 3))
        await gui.read_until(lambda: bool(gui.of("stopped")), "the connection to stop")
        gui.writer.close()  # the GUI goes away: the worker closes its sockets and returns
        await asyncio.to_thread(thread.join, TIMEOUT_S)
        assert not thread.is_alive()
        assert not any(conn.running for conn in worker.connections.values())


async def test_a_worker_whose_gui_stopped_reading_sends_nothing_more() -> None:
    gui = FakeGui()
    worker = IngestWorker(gui.worker_control, gui.worker_data)
    gui.data.close()  # the GUI's end of the data socket is gone
    worker.ticks.append(Tick("AAPL.US", 1, 1, None, 0, 1))  # type: ignore[arg-type]
    worker.kinds.append(TICK)
    worker.flush()  # the send fails: the worker notes the GUI is gone instead of raising
    assert worker._gone.is_set()
    worker.flush()  # and never tries again
    gui.control.close()
    gui.worker_control.close()
    gui.worker_data.close()

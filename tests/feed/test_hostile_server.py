"""A hostile server: the simulator sends impossible, deeply nested and binary frames, and echoes
the token in an error, into a running FeedService. The feed keeps streaming every genuine trade,
the status stays honest and the token never reaches the status text."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.protocol.alltick_wire import Cmd
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.connections import ConnectionRecord
from desktop.simulator.faults import Faults
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from desktop.widgets.status_bar import FeedStatusBar
from tests.polling import wait_until

FAST = ConnectionSettings(
    heartbeat_s=0.2,
    dead_after_s=1.0,
    request_spacing_s=0.05,
    reconnect_floor_s=0.05,
    refused_within_s=0.01,
    long_backoff_s=0.2,
)
SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "700")]
TOKEN = "sekrit-token-4f9a2c"


def _trade(**fields: object) -> str:
    data: dict[str, object] = {
        "code": "AAPL.US",
        "seq": "1",
        "tick_time": str(time.time_ns() // 1_000_000),
        "price": "190.5",
        "volume": "100",
        "turnover": "19050",
        "trade_direction": 1,
    }
    data.update(fields)
    return json.dumps({"cmd_id": Cmd.PUSH_TRADE, "data": data})


HOSTILE: dict[str, str | bytes] = {
    "year 10000 (ms)": _trade(tick_time="253402300800000"),
    "year 10000 (s)": _trade(tick_time="253402300800"),
    "microseconds": _trade(tick_time=str(3 * 10**17)),
    "2286": _trade(tick_time="9999999999999"),
    "1970": _trade(tick_time="1000"),
    "price 1e-400": _trade(price="1e-400"),
    "price 9e18": _trade(price="9e18"),
    "volume 1e19": _trade(volume="9999999999999999999"),
    "negative turnover": _trade(turnover="-1"),
    "nested 5000 deep": '{"cmd_id":22998,"data":' + "[" * 5000 + "]" * 5000 + "}",
    "binary": _trade().encode(),
}


class HostileFrames(Faults):
    """After each genuine push, sends whatever hostile frames are queued (not counted as pushes)."""

    def __init__(self) -> None:
        self.queued: list[str | bytes] = []
        self.echo_token = False

    def push(self, connection: ConnectionRecord, text: str) -> Sequence[tuple[str | bytes, bool]]:
        frames: list[tuple[str | bytes, bool]] = [(text, True)]
        while self.queued:
            frames.append((self.queued.pop(0), False))
        return frames

    def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
        reply = json.loads(text)
        if self.echo_token and reply.get("cmd_id") == Cmd.SUBSCRIBE_DEPTH_REPLY:
            reply.update(ret=400, msg=f"request data param invalid for token={TOKEN} ({TOKEN})")
            return json.dumps(reply)
        return text


@pytest.fixture
async def hostile() -> AsyncIterator[tuple[SimulatorServer, HostileFrames]]:
    faults = HostileFrames()
    config = SimulatorConfig(
        seed=3, trades_per_second=300.0, depth_per_second=2.0, min_request_interval=0.04
    )
    async with SimulatorServer(config, faults=faults) as server:
        yield server, faults


async def test_impossible_nested_and_binary_frames_are_counted_and_the_feed_keeps_its_rate(
    hostile: tuple[SimulatorServer, HostileFrames],
) -> None:
    server, faults = hostile
    book = QuoteBook()
    statuses: list[FeedStatus] = []
    service = FeedService(
        book, server.ws_url, TOKEN, PLANS[Plan.PROFESSIONAL], settings=FAST,
        on_status=statuses.append,
    )  # fmt: skip
    service.set_symbols(SYMBOLS)
    await service.start()
    try:
        await wait_until(lambda: book.counters.ticks > 100)
        last_before = book.get("AAPL.US")
        assert last_before is not None
        for frame in HOSTILE.values():
            faults.queued.append(frame)
        await wait_until(lambda: not faults.queued)
        sent = server.stats.trade_pushes
        # Every genuine trade sent after the hostile frames still arrives, on the same socket.
        await wait_until(lambda: service.stats().data_frames >= sent + 200)
        stats = service.stats()
        assert stats.bad_frames == len(HOSTILE)
        assert stats.reconnects == 0 and service.status.state is FeedState.LIVE
        kinds = service.connections()[0].session.stats.bad_by_reason
        assert kinds["binary frame"] == 1 and kinds["RecursionError"] == 1
        assert kinds["tick_time is in the future"] == 4
        # Honest status: still Live (it is), and the tooltip says frames were dropped.
        assert "dropped a bad frame from the server" in service.status.last_error
        state = book.get("AAPL.US")
        assert state is not None and state.last is not None
        assert state.last_time_ms is not None and state.last_time_ms < 253402300800000
        assert state.low is not None and state.low > 1  # no 1970 trade at 1e-400 sets the Low
        assert state.high is not None and state.high < 10**9
    finally:
        await service.stop()


async def test_a_token_echoed_in_a_server_error_never_reaches_the_status_text(
    hostile: tuple[SimulatorServer, HostileFrames], qtbot: QtBot
) -> None:
    server, faults = hostile
    faults.echo_token = True
    book = QuoteBook()
    statuses: list[FeedStatus] = []
    service = FeedService(
        book, server.ws_url, TOKEN, PLANS[Plan.PROFESSIONAL], settings=FAST,
        on_status=statuses.append,
    )  # fmt: skip
    service.set_symbols(SYMBOLS, SYMBOLS)
    await service.start()
    try:
        await wait_until(lambda: any("400" in s.last_error for s in statuses))
    finally:
        await service.stop()
    shown = [s.last_error for s in statuses] + [s.reason for s in statuses]
    assert any("request data param invalid" in text for text in shown)
    assert not any(TOKEN in text for text in shown), shown
    assert TOKEN not in service.health.last_error
    bar = FeedStatusBar()  # the tooltip the user hovers
    qtbot.addWidget(bar)
    indicator = bar.findChild(QWidget, "feedIndicator")
    assert indicator is not None
    for status in statuses:
        bar.set_status(status)
        assert TOKEN not in indicator.toolTip()
    assert "request data param invalid" in indicator.toolTip()


def _service(server: SimulatorServer, book: QuoteBook, **kwargs: object) -> FeedService:
    return FeedService(
        book, server.ws_url, TOKEN, PLANS[Plan.PROFESSIONAL], settings=FAST,
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


async def test_an_exception_while_applying_a_frame_is_a_bad_frame_and_the_feed_goes_on(
    hostile: tuple[SimulatorServer, HostileFrames], caplog: pytest.LogCaptureFixture
) -> None:
    server, _faults = hostile
    book = QuoteBook()
    failures = 0

    def sparkline_with_a_bug(tick: Tick) -> None:  # what a year-10000 trade did on main
        nonlocal failures
        if tick.seq is not None and tick.seq % 7 == 0:
            failures += 1
            raise ValueError("year 10000 is out of range")

    book.add_trade_listener(sparkline_with_a_bug)
    service = _service(server, book)
    service.set_symbols(SYMBOLS)
    await service.start()
    try:
        await wait_until(lambda: failures >= 20, "twenty failing applies")
        applied = book.counters.ticks
        await wait_until(lambda: book.counters.ticks >= applied + 300, "trades after them")
        connection = service.connections()[0]
        assert connection.session.stats.bad_by_reason["ValueError"] == failures
        assert service.stats().reconnects == 0 and connection.restarts == 0
        assert service.status.state is FeedState.LIVE
        assert "(ValueError)" in service.status.last_error
    finally:
        await service.stop()
    logged = [r for r in caplog.records if "could not apply" in r.getMessage()]
    assert len(logged) == 1  # once per kind, not once per frame


async def test_an_unexpected_error_in_the_connection_restarts_it_and_is_shown(
    hostile: tuple[SimulatorServer, HostileFrames],
) -> None:
    server, _faults = hostile
    book = QuoteBook()
    statuses: list[FeedStatus] = []
    service = _service(server, book, on_status=statuses.append)
    service.set_symbols(SYMBOLS)
    await service.start()
    try:
        await wait_until(lambda: book.counters.ticks > 50, "the first trades")
        connection = service.connections()[0]
        session = connection.session
        real = session.data_to_send
        broken = [True]

        def data_to_send(now: float) -> list[object]:
            if broken[0]:
                broken[0] = False
                raise RuntimeError("a bug in the timers")
            return real(now)  # type: ignore[return-value]

        session.data_to_send = data_to_send  # type: ignore[method-assign]
        await wait_until(lambda: connection.restarts == 1, "the restart")
        await wait_until(lambda: service.stats().reconnects >= 1, "the reconnect")
        ticks = book.counters.ticks
        await wait_until(lambda: book.counters.ticks > ticks + 50, "trades after the restart")
        assert any("internal error (RuntimeError: a bug in the timers)" in s.last_error
                   for s in statuses)  # fmt: skip
        assert service.status.state is FeedState.LIVE
    finally:
        await service.stop()


async def test_only_books_the_board_accepted_are_recorded(
    hostile: tuple[SimulatorServer, HostileFrames],
) -> None:
    server, faults = hostile
    book = QuoteBook()
    tapped: list[object] = []
    service = _service(server, book, tap=tapped.append)
    service.set_symbols(SYMBOLS, SYMBOLS)
    await service.start()
    try:
        await wait_until(lambda: book.counters.depth_updates > 3, "the first books")
        stranger = (
            '{"cmd_id":22999,"data":{"code":"%d.HK","seq":"1","tick_time":"%d",'
            '"bids":[{"price":"1.5","volume":"100"}],"asks":[]}}'
        )
        now_ms = time.time_ns() // 1_000_000
        faults.queued.extend(stranger % (n, now_ms) for n in range(3000, 3200))
        await wait_until(lambda: book.counters.unknown_symbol >= 200, "the strangers' books")
    finally:
        await service.stop()
    recorded = {e.symbol for e in tapped if isinstance(e, DepthSnapshot)}  # type: ignore[attr-defined]
    assert recorded <= {str(s) for s in SYMBOLS}

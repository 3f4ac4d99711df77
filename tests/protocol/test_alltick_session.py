"""AllTickSession driven with literal frames and a fake clock: no sockets, no sleeps."""

from __future__ import annotations

import json

import pytest

from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick import AllTickCodec, OutgoingRequest
from desktop.protocol.alltick_session import (
    AllTickSession,
    ErrorDecision,
    HeartbeatAck,
    ServerError,
    SessionTiming,
    Subscribed,
)
from desktop.protocol.backoff import CloseKind
from desktop.protocol.pacing import SubscribeStagger
from desktop.protocol.subscriptions import ConnectionPlan

AAPL, TENCENT, MSFT = Symbol.parse("AAPL"), Symbol.parse("700"), Symbol.parse("MSFT")
TIMING = SessionTiming(heartbeat_s=10.0, dead_after_s=20.0, request_spacing_s=1.2)

WALL = 1677831545217 + 1000
"""The wall clock in ms the session decodes at (pushes must be within a day of it)."""


def opened(plan: ConnectionPlan | None = None, now: float = 100.0) -> AllTickSession:
    session = AllTickSession(0, TIMING, codec=AllTickCodec("t"))
    session.set_plan(plan or ConnectionPlan(0, trades=(AAPL, TENCENT)))
    session.connection_opened(now)
    return session


def frame(request: OutgoingRequest) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(request.text)
    return decoded


def codes(request: OutgoingRequest) -> list[str]:
    data = frame(request)["data"]
    assert isinstance(data, dict)
    return [item["code"] for item in data["symbol_list"]]


def reply(request: OutgoingRequest, ret: int = 200, msg: str = "ok") -> str:
    return json.dumps(
        {
            "ret": ret,
            "msg": msg,
            "cmd_id": request.cmd_id + 1,
            "seq_id": request.seq_id,
            "trace": request.trace,
            "data": {},
        }
    )


def only(requests: list[OutgoingRequest]) -> OutgoingRequest:
    assert len(requests) == 1, requests
    return requests[0]


def test_a_fresh_socket_is_sent_the_full_trade_set_then_the_depth_set_paced() -> None:
    plan = ConnectionPlan(0, trades=(AAPL, TENCENT), depth=((TENCENT, 10),))
    session = opened(plan)
    trades = only(session.data_to_send(100.0))
    assert frame(trades)["cmd_id"] == 22004
    assert codes(trades) == ["AAPL.US", "700.HK"]  # wire codes only at the encoder
    assert trades.symbols == (AAPL, TENCENT)
    assert session.data_to_send(100.5) == []  # one request per 1.2 s
    assert session.next_deadline() == pytest.approx(101.2)
    depth = only(session.data_to_send(101.2))
    assert frame(depth)["cmd_id"] == 22002
    assert frame(depth)["data"] == {"symbol_list": [{"code": "700.HK", "depth_level": 10}]}
    assert session.data_to_send(103.0) == []  # nothing more is due


def test_a_plan_change_sends_the_whole_new_set_because_a_subscribe_replaces() -> None:
    session = opened()
    only(session.data_to_send(100.0))
    session.set_plan(ConnectionPlan(0, trades=(AAPL, TENCENT, MSFT)))
    assert session.data_to_send(100.1) == []
    again = only(session.data_to_send(101.3))
    assert codes(again) == ["AAPL.US", "700.HK", "MSFT.US"]


def test_an_empty_plan_on_a_fresh_socket_sends_nothing_but_emptying_a_set_does() -> None:
    session = opened(ConnectionPlan(0))
    assert session.data_to_send(100.0) == []
    session.set_plan(ConnectionPlan(0, trades=(AAPL,)))
    only(session.data_to_send(100.0))
    session.set_plan(ConnectionPlan(0))
    emptied = only(session.data_to_send(102.0))
    assert codes(emptied) == []


def test_a_reopened_socket_is_sent_the_full_set_again() -> None:
    session = opened()
    only(session.data_to_send(100.0))
    session.connection_closed()
    assert session.data_to_send(200.0) == []
    session.connection_opened(300.0)
    assert codes(only(session.data_to_send(300.0))) == ["AAPL.US", "700.HK"]


def test_a_heartbeat_goes_out_every_ten_seconds_before_a_due_subscribe() -> None:
    session = opened(ConnectionPlan(0))
    assert session.next_deadline() == pytest.approx(110.0)
    assert session.data_to_send(109.9) == []
    beat = only(session.data_to_send(110.0))
    assert frame(beat)["cmd_id"] == 22000
    session.receive_text(reply(beat), 110.2, WALL)
    assert session.events() == [HeartbeatAck(110.2)]
    assert session.last_heartbeat_ok == 110.2
    session.set_plan(ConnectionPlan(0, trades=(AAPL,)))
    assert frame(only(session.data_to_send(120.0)))["cmd_id"] == 22000  # the beat first
    assert frame(only(session.data_to_send(121.2)))["cmd_id"] == 22004


def test_no_heartbeat_reply_for_twenty_seconds_means_dead() -> None:
    session = opened(ConnectionPlan(0))
    only(session.data_to_send(110.0))
    assert not session.heartbeat_timed_out(129.9)
    assert session.next_deadline() == pytest.approx(120.0)  # the next beat comes first
    only(session.data_to_send(120.0))  # a second beat does not restart the wait
    assert session.next_deadline() == pytest.approx(130.0)
    assert session.heartbeat_timed_out(130.0)


def test_replies_are_matched_to_their_requests_by_seq_id() -> None:
    plan = ConnectionPlan(0, trades=(AAPL,), depth=((TENCENT, 10),))
    session = opened(plan)
    trades = only(session.data_to_send(100.0))
    depth = only(session.data_to_send(101.2))
    assert set(session.pending) == {trades.seq_id, depth.seq_id}
    session.receive_text(reply(depth), 101.5, WALL)
    session.receive_text(reply(trades), 101.6, WALL)
    assert session.events() == [
        Subscribed(22002, (TENCENT,)),
        Subscribed(22004, (AAPL,)),
    ]
    assert session.accepted_trades == (AAPL,)
    assert session.accepted_depth == (TENCENT,)
    assert session.pending == {}


def test_pushes_come_out_as_typed_ticks_and_books_with_canonical_symbols() -> None:
    session = opened()
    session.receive_text(
        '{"cmd_id":22998,"data":{"code":"700.HK","seq":"1","tick_time":"1677831545217",'
        '"price":"651.12","volume":"300","turnover":"195336.0","trade_direction":1}}',
        105.0,
        WALL,
    )
    session.receive_text(
        b'{"cmd_id":22999,"data":{"code":"700.HK","seq":"2","tick_time":1677831545,'
        b'"bids":[{"price":"651.00","volume":"1200"}],"asks":[]}}',
        105.1,
        WALL,
    )
    tick, book = session.events()
    assert isinstance(tick, Tick) and tick.symbol == "00700.HK"
    assert isinstance(book, DepthSnapshot) and book.ts_ms == 1677831545000
    assert session.last_data_at == 105.1
    assert session.events() == []


def test_malformed_frames_are_counted_not_raised() -> None:
    session = opened()
    for text in ("not json", "[]", '{"cmd_id":22998,"data":{"code":"AAPL.US"}}', "{"):
        session.receive_text(text, 101.0, WALL)
    session.receive_text(
        '{"cmd_id":22998,"data":{"code":"??","price":"1","tick_time":1}}', 101.0, WALL
    )
    assert session.events() == []
    assert session.stats.bad == 5


@pytest.mark.parametrize(
    ("ret", "decision", "close"),
    [
        (401, ErrorDecision.STOP, CloseKind.FATAL),
        (606, ErrorDecision.RECONNECT_LATER, CloseKind.RATE_LIMITED),
        (600, ErrorDecision.FIND_REFUSED, None),
        (604, ErrorDecision.FIND_REFUSED, None),
        (605, ErrorDecision.HOLD_AND_RESEND, None),
        (429, ErrorDecision.HOLD_AND_RESEND, None),
        (400, ErrorDecision.REPORT, None),
    ],
)
def test_each_error_code_comes_with_its_decision(
    ret: int, decision: ErrorDecision, close: CloseKind | None
) -> None:
    session = opened()
    request = only(session.data_to_send(100.0))
    session.receive_text(reply(request, ret, "nope"), 100.5, WALL)
    (error,) = session.events()
    assert isinstance(error, ServerError)
    assert error.decision is decision
    assert error.request == request
    assert error.symbols == (AAPL, TENCENT)  # the request's Symbols, not re-parsed text
    assert (error.close[0] if error.close else None) is close


def test_a_rate_limit_holds_requests_then_resends_the_full_set() -> None:
    session = opened()
    request = only(session.data_to_send(100.0))
    session.receive_text(reply(request, 605, "too many requests"), 100.5, WALL)
    session.events()
    assert session.data_to_send(101.5) == []  # held 2 s from the answer, not 1.2 s
    assert session.next_deadline() == pytest.approx(102.5)
    again = only(session.data_to_send(102.5))
    assert codes(again) == ["AAPL.US", "700.HK"]
    session.receive_text(reply(again, 605), 102.6, WALL)
    session.events()
    assert session.data_to_send(105.0) == []  # the hold doubles to 4 s
    assert len(session.data_to_send(106.6)) == 1


def test_the_pending_replies_are_bounded() -> None:
    session = opened(ConnectionPlan(0))
    for beat in range(100):
        only(session.data_to_send(110.0 + 10 * beat))
    assert len(session.pending) == 64


def test_subscribes_of_two_connections_are_staggered() -> None:
    stagger = SubscribeStagger(3.0)
    first = AllTickSession(0, TIMING, stagger)
    second = AllTickSession(1, TIMING, stagger)
    for session, symbol in ((first, AAPL), (second, MSFT)):
        session.set_plan(ConnectionPlan(session.index, trades=(symbol,)))
        session.connection_opened(100.0)
    only(first.data_to_send(100.0))
    assert second.data_to_send(101.0) == []
    assert second.next_deadline() == pytest.approx(103.0)
    assert codes(only(second.data_to_send(103.0))) == ["MSFT.US"]
    assert stagger.waits == 1


def test_a_closed_session_asks_for_nothing() -> None:
    session = opened()
    session.connection_closed()
    assert session.data_to_send(500.0) == []
    assert session.next_deadline() is None

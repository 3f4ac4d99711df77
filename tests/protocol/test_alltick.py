from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.market_data import DepthSnapshot, Tick, TradeSide
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick import AllTickCodec, Reply, normalise_time_ms
from desktop.protocol.alltick_wire import CancelType, Cmd

TRADE_PUSH = (
    '{"cmd_id":22998,"data":{"code":"700.HK","seq":"1605509068000001","tick_time":"1677831545217",'
    '"price":"651.12","volume":"300","turnover":"195336.0","trade_direction":1}}'
)
DEPTH_PUSH = (
    '{"cmd_id":22999,"data":{"code":"700.HK","seq":"1605509068000002","tick_time":"1677831545300",'
    '"bids":[{"price":"651.00","volume":"1200"},{"price":"650.50","volume":"300"}],'
    '"asks":[{"price":"651.20","volume":"800"}]}}'
)


def test_a_trade_push_decodes_to_a_typed_tick_with_the_canonical_symbol() -> None:
    tick = AllTickCodec().decode(TRADE_PUSH)
    assert tick == Tick(
        symbol="00700.HK",
        price=Decimal("651.12"),
        volume=300,
        turnover=Decimal("195336.0"),
        side=TradeSide.BUY,
        ts_ms=1677831545217,
        seq=1605509068000001,
    )


def test_a_depth_push_decodes_to_a_full_snapshot_best_level_first() -> None:
    book = AllTickCodec().decode(DEPTH_PUSH.encode())
    assert isinstance(book, DepthSnapshot)
    assert [level.price for level in book.bids] == [Decimal("651.00"), Decimal("650.50")]
    assert [level.volume for level in book.asks] == [800]


def test_quirks_int_or_string_seq_seconds_or_millis_and_numbers_are_tolerated() -> None:
    codec = AllTickCodec()
    frame = (
        '{"cmd_id":22998,"data":{"code":"AAPL.US","seq":42,"tick_time":1605509068,'
        '"price":187.5,"volume":10,"trade_direction":"2"}}'
    )
    tick = codec.decode(frame)
    assert isinstance(tick, Tick)
    assert tick.seq == 42 and tick.ts_ms == 1605509068000
    assert tick.price == Decimal("187.5") and tick.side is TradeSide.SELL
    assert tick.turnover is None


def test_one_sided_and_empty_books_are_legal() -> None:
    codec = AllTickCodec()
    frame = (
        '{"cmd_id":22999,"data":{"code":"5.HK","tick_time":"1677831545300","bids":[],"asks":[]}}'
    )
    book = codec.decode(frame)
    assert isinstance(book, DepthSnapshot)
    assert book.symbol == "00005.HK" and book.bids == () and book.asks == ()
    assert codec.stats.bad == 0


def test_replies_carry_ret_seq_and_trace_back() -> None:
    codec = AllTickCodec()
    reply = codec.decode(
        '{"ret":200,"msg":"ok","cmd_id":22001,"seq_id":"7","trace":"x-hb-7","data":{}}'
    )
    assert reply == Reply(cmd_id=22001, seq_id=7, trace="x-hb-7", ret=200, msg="ok")
    error = codec.decode(
        '{"ret":400,"msg":"request data param invalid","cmd_id":22005,"seq_id":2,"trace":"t","data":{}}'
    )
    assert isinstance(error, Reply) and error.ret == 400


def test_bad_frames_are_counted_and_dropped_never_raised() -> None:
    codec = AllTickCodec()
    bad = [
        "",
        "not json",
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"abc","volume":"1"}}',
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"-1","volume":"1"}}',
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"NaN","volume":"1"}}',
        '{"cmd_id":22998,"data":{"code":"$$$","tick_time":1,"price":"1","volume":"1"}}',
        '{"cmd_id":22998,"data":{"code":"700.HK","price":"1"}}',
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"1","volume":"-5"}}',
        '{"cmd_id":22998,"data":[1,2]}',
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"pric":"1"}}',
        "[1,2,3]",
        '{"data":{}}',
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"1","volume":"1"',
    ]
    for frame in bad:
        assert codec.decode(frame) is None
    assert codec.stats.bad == len(bad)
    assert codec.stats.frames == len(bad)
    assert codec.stats.last_error


def test_unknown_pushes_are_ignored_but_counted() -> None:
    codec = AllTickCodec()
    assert codec.decode('{"cmd_id":12345,"data":{}}') is None
    assert codec.stats.unknown_cmd == 1 and codec.stats.bad == 0


def test_requests_are_numbered_with_unique_traces_and_send_the_full_set() -> None:
    codec = AllTickCodec("conn")
    symbols = [Symbol.parse("AAPL"), Symbol.parse("700")]
    first, second = codec.heartbeat(), codec.subscribe_trades(symbols)
    depth = codec.subscribe_depth([(symbols[1], 10)])
    cancel = codec.cancel(CancelType.TRADES)
    assert json.loads(first.text) == {
        "cmd_id": 22000,
        "seq_id": 1,
        "trace": first.trace,
        "data": {},
    }
    body = json.loads(second.text)
    assert body["cmd_id"] == Cmd.SUBSCRIBE_TRADES
    assert body["data"]["symbol_list"] == [{"code": "AAPL.US"}, {"code": "700.HK"}]
    assert json.loads(depth.text)["data"]["symbol_list"] == [{"code": "700.HK", "depth_level": 10}]
    assert json.loads(cancel.text)["data"] == {"cancel_type": 2}
    traces = {r.trace for r in (first, second, depth, cancel)}
    assert len(traces) == 4 and all(len(t) <= 64 for t in traces)
    assert [r.seq_id for r in (first, second, depth, cancel)] == [1, 2, 3, 4]


def test_two_codecs_never_share_a_trace() -> None:
    assert AllTickCodec().heartbeat().trace != AllTickCodec().heartbeat().trace


def test_time_normalisation_by_magnitude() -> None:
    assert normalise_time_ms(1605509068) == 1605509068000
    assert normalise_time_ms("1677831545217") == 1677831545217
    assert normalise_time_ms(1677831545217123) == 1677831545217


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_arbitrary_input_never_raises_and_is_counted(frame: str | bytes) -> None:
    codec = AllTickCodec()
    codec.decode(frame)
    assert codec.stats.frames == 1
    assert (
        codec.stats.bad
        + codec.stats.unknown_cmd
        + codec.stats.replies
        + codec.stats.trades
        + (codec.stats.depths)
        == 1
    )


_values = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers()),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["code", "seq", "tick_time", "price", "volume", "turnover", "trade_direction"]),
    _values,
)
def test_mutated_valid_frames_never_raise(field: str, value: object) -> None:
    frame = json.loads(TRADE_PUSH)
    frame["data"][field] = value
    codec = AllTickCodec()
    result = codec.decode(json.dumps(frame))
    assert result is None or isinstance(result, Tick)
    if result is None:
        assert codec.stats.bad == 1


def test_absurd_exponents_are_rejected_instead_of_building_huge_numbers() -> None:
    codec = AllTickCodec()
    frame = (
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"1","volume":"1e999999999"}}'
    )
    assert codec.decode(frame) is None and codec.stats.last_error == "volume is out of range"

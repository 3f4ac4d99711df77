from __future__ import annotations

import json
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.market_data import DepthSnapshot, Tick, TradeSide
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick import AllTickCodec, Reply, normalise_time_ms
from desktop.protocol.alltick_wire import CancelType, Cmd, TradeData

TRADE_PUSH = (
    '{"cmd_id":22998,"data":{"code":"700.HK","seq":"1605509068000001","tick_time":"1677831545217",'
    '"price":"651.12","volume":"300","turnover":"195336.0","trade_direction":1}}'
)
DEPTH_PUSH = (
    '{"cmd_id":22999,"data":{"code":"700.HK","seq":"1605509068000002","tick_time":"1677831545300",'
    '"bids":[{"price":"651.00","volume":"1200"},{"price":"650.50","volume":"300"}],'
    '"asks":[{"price":"651.20","volume":"800"}]}}'
)
NOW = 1677831545217 + 1000
"""The wall clock the tests decode at: a second after the sample frames' tick_time."""


def test_a_trade_push_decodes_to_a_typed_tick_with_the_canonical_symbol() -> None:
    tick = AllTickCodec().decode(TRADE_PUSH, NOW)
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
    book = AllTickCodec().decode(DEPTH_PUSH.encode(), NOW)
    assert isinstance(book, DepthSnapshot)
    assert [level.price for level in book.bids] == [Decimal("651.00"), Decimal("650.50")]
    assert [level.volume for level in book.asks] == [800]


def test_quirks_int_or_string_seq_seconds_or_millis_and_numbers_are_tolerated() -> None:
    codec = AllTickCodec()
    frame = (
        '{"cmd_id":22998,"data":{"code":"AAPL.US","seq":42,"tick_time":1677831545,'
        '"price":187.5,"volume":10,"trade_direction":"2"}}'
    )
    tick = codec.decode(frame, NOW)
    assert isinstance(tick, Tick)
    assert tick.seq == 42 and tick.ts_ms == 1677831545000
    assert tick.price == Decimal("187.5") and tick.side is TradeSide.SELL
    assert tick.turnover is None


def test_one_sided_and_empty_books_are_legal() -> None:
    codec = AllTickCodec()
    frame = (
        '{"cmd_id":22999,"data":{"code":"5.HK","tick_time":"1677831545300","bids":[],"asks":[]}}'
    )
    book = codec.decode(frame, NOW)
    assert isinstance(book, DepthSnapshot)
    assert book.symbol == "00005.HK" and book.bids == () and book.asks == ()
    assert codec.stats.bad == 0


def test_replies_carry_ret_seq_and_trace_back() -> None:
    codec = AllTickCodec()
    reply = codec.decode(
        '{"ret":200,"msg":"ok","cmd_id":22001,"seq_id":"7","trace":"x-hb-7","data":{}}', NOW
    )
    assert reply == Reply(cmd_id=22001, seq_id=7, trace="x-hb-7", ret=200, msg="ok")
    error = codec.decode(
        '{"ret":400,"msg":"request data param invalid","cmd_id":22005,"seq_id":2,"trace":"t","data":{}}',
        NOW,
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
        '{"cmd_id":22998,"data":' + "[" * 5000 + "]" * 5000 + "}",
        '{"cmd_id":22998,"junk":' + '{"a":' * 3000 + "1" + "}" * 3000 + ',"data":{}}',
    ]
    for frame in bad:
        assert codec.decode(frame, NOW) is None
    assert codec.stats.bad == len(bad)
    assert codec.stats.frames == len(bad)
    assert codec.stats.last_error


def test_unknown_pushes_are_ignored_but_counted() -> None:
    codec = AllTickCodec()
    assert codec.decode('{"cmd_id":12345,"data":{}}', NOW) is None
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
    codec.decode(frame, NOW)
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
    result = codec.decode(json.dumps(frame), NOW)
    assert result is None or isinstance(result, Tick)
    if result is None:
        assert codec.stats.bad == 1


def test_absurd_exponents_are_rejected_instead_of_building_huge_numbers() -> None:
    codec = AllTickCodec()
    frame = (
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":1,"price":"1","volume":"1e999999999"}}'
    )
    assert codec.decode(frame, NOW) is None and codec.stats.last_error == "volume is out of range"


def _trade(**fields: object) -> str:
    data = json.loads(TRADE_PUSH)
    data["data"].update(fields)
    return json.dumps(data)


def _book(bids: object, asks: object = ()) -> str:
    data = json.loads(DEPTH_PUSH)
    data["data"].update(bids=bids, asks=list(asks))  # type: ignore[call-overload]
    return json.dumps(data)


IMPOSSIBLE = {
    "year 10000 in ms": (_trade(tick_time="253402300800000"), "tick_time is in the future"),
    "year 10000 in seconds": (_trade(tick_time="253402300800"), "tick_time is in the future"),
    "microseconds past 2.5e17": (_trade(tick_time=str(2 * 10**17)), "tick_time is in the future"),
    "2286": (_trade(tick_time="9999999999999"), "tick_time is in the future"),
    "1970": (_trade(tick_time="1000"), "tick_time is too old"),
    "two days old": (_trade(tick_time=str(NOW - 2 * 86_400_000)), "tick_time is too old"),
    "price 1e-400": (_trade(price="1e-400"), "price is out of range"),
    "price 9e18": (_trade(price="9e18"), "price is out of range"),
    "price zero": (_trade(price="0"), "price is not positive"),
    "price infinite": (_trade(price="Infinity"), "price is not finite"),
    "price float overflow": (
        '{"cmd_id":22998,"data":{"code":"700.HK","tick_time":"' + str(NOW) + '","price":1e999}}',
        "ValidationError",
    ),
    "volume 1e19": (_trade(volume="9999999999999999999"), "volume is out of range"),
    "volume 2^63": (_trade(volume=str(2**63)), "volume is out of range"),
    "seq 2^63": (_trade(seq=str(2**63)), "seq is out of range"),
    "seq negative": (_trade(seq=-1), "seq is out of range"),
    "negative turnover": (_trade(turnover="-5"), "turnover is negative"),
    "book price 9e18": (_book([{"price": "9e18", "volume": "1"}]), "level price is out of range"),
    "book volume 1e19": (
        _book([{"price": "1", "volume": "9999999999999999999"}]),
        "level volume is out of range",
    ),
    "book far future": (
        DEPTH_PUSH.replace("1677831545300", "253402300800000"),
        "tick_time is in the future",
    ),
}


@pytest.mark.parametrize("name", sorted(IMPOSSIBLE))
def test_impossible_values_are_refused_as_bad_frames_with_their_kind(name: str) -> None:
    frame, kind = IMPOSSIBLE[name]
    codec = AllTickCodec()
    assert codec.decode(frame, NOW) is None
    assert codec.stats.bad == 1
    assert codec.stats.bad_by_reason == {kind: 1}


def test_sane_edges_still_decode() -> None:
    codec = AllTickCodec()
    for frame in (
        _trade(tick_time=str(NOW + 86_000_000)),  # clocks disagree by almost a day
        _trade(tick_time=str(NOW - 86_000_000)),
        _trade(price="1000000000", volume=str(2**63 - 1), seq=str(2**63 - 1)),
        _trade(price="0.00000001", turnover="0"),
    ):
        assert isinstance(codec.decode(frame, NOW), Tick), codec.stats.last_error


def test_a_binary_frame_is_refused_even_when_it_holds_a_valid_push() -> None:
    codec = AllTickCodec()
    assert codec.decode(TRADE_PUSH.encode(), NOW, binary=True) is None
    assert codec.stats.bad_by_reason == {"binary frame": 1}


def test_a_frame_nested_thousands_deep_is_a_bad_frame_of_its_own_kind() -> None:
    codec = AllTickCodec()
    frame = '{"cmd_id":22998,"data":{"code":"A.US","price":' + "[" * 3000 + "]" * 3000 + "}}"
    assert codec.decode(frame, NOW) is None
    assert codec.stats.bad_by_reason == {"RecursionError": 1}


def test_a_rest_latest_trade_may_be_old_but_never_from_the_future() -> None:
    codec = AllTickCodec()
    old = msgspec.json.decode(json.dumps(json.loads(TRADE_PUSH)["data"]), type=TradeData)
    assert codec.decode_trade(old, NOW + 30 * 86_400_000).ts_ms == 1677831545217
    future = msgspec.structs.replace(old, tick_time="253402300800000")
    with pytest.raises(ValueError, match="future"):
        codec.decode_trade(future, NOW)
    ancient = msgspec.structs.replace(old, tick_time="1000")
    with pytest.raises(ValueError, match="too old"):
        codec.decode_trade(ancient, NOW)

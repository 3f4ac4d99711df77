from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest

from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick_rest import Bar, RestError, RestQueries, StaticInfo, reference_from

HK = ZoneInfo("Asia/Hong_Kong")


def stamp(day: int, hour: int = 9, minute: int = 30) -> int:
    return int(datetime(2026, 11, day, hour, minute, tzinfo=HK).timestamp())


def answer(data: object, ret: int = 200) -> bytes:
    return json.dumps({"ret": ret, "msg": "ok", "trace": "t", "data": data}).encode()


def test_queries_carry_wire_codes_in_the_json_envelope() -> None:
    path, query = RestQueries().trade_tick([Symbol.parse("700"), Symbol.parse("aapl")])
    assert path == "/trade-tick"
    body = json.loads(query)
    assert body["data"] == {"symbol_list": [{"code": "700.HK"}, {"code": "AAPL.US"}]}
    assert body["trace"]


def test_trade_ticks_parse_and_skip_malformed_entries() -> None:
    body = answer(
        {
            "tick_list": [
                {
                    "code": "700.HK",
                    "seq": "1",
                    "tick_time": "1677831545217",
                    "price": "651.12",
                    "volume": "300",
                    "turnover": "195336.0",
                    "trade_direction": 1,
                },
                {"code": "AAPL.US", "tick_time": "1677831545217", "price": "oops"},
            ]
        }
    )
    ticks = RestQueries().parse_trade_ticks(body)
    assert [t.symbol for t in ticks] == ["00700.HK"]


def test_error_answers_raise_with_the_servers_words() -> None:
    with pytest.raises(RestError) as info:
        RestQueries().parse_trade_ticks(json.dumps({"ret": 401, "msg": "token invalid"}).encode())
    assert info.value.ret == 401 and "token invalid" in str(info.value)
    with pytest.raises(RestError):
        RestQueries().parse_kline(b"<html>bad gateway</html>")


def test_batch_kline_and_static_info_map_to_canonical_symbols() -> None:
    queries = RestQueries()
    bars = queries.parse_batch_kline(
        answer(
            {
                "kline_list": [
                    {
                        "code": "700.HK",
                        "kline_type": 8,
                        "kline_data": [
                            {
                                "timestamp": str(stamp(21)),
                                "open_price": "480",
                                "close_price": "485",
                                "high_price": "490",
                                "low_price": "478",
                                "volume": "100",
                                "turnover": "48000",
                            },
                            {
                                "timestamp": str(stamp(20)),
                                "open_price": "470",
                                "close_price": "480",
                                "high_price": "481",
                                "low_price": "469",
                                "volume": "90",
                                "turnover": "43000",
                            },
                        ],
                    }
                ]
            }
        )
    )
    assert [b.close for b in bars["00700.HK"]] == [Decimal("480"), Decimal("485")]  # oldest first
    info = queries.parse_static_info(
        answer(
            {"static_info_list": [{"symbol": "700.HK", "name_en": "Tencent", "lot_size": "100"}]}
        )
    )
    assert info == [StaticInfo("00700.HK", "Tencent", 100)]


def bar(ts: int, close: str) -> Bar:
    c = Decimal(close)
    return Bar(ts, c - 1, c + 2, c - 3, c, 1000, None)


def test_todays_bar_gives_the_day_and_the_one_before_gives_the_previous_close() -> None:
    last = Tick("00700.HK", Decimal("486"), 100, None, TradeSide.BUY, stamp(21, 10) * 1000)
    ref = reference_from(
        Symbol.parse("700"), [bar(stamp(20, 0, 0), "480"), bar(stamp(21, 0, 0), "485")], last, None
    )
    assert ref.prev_close == Decimal("480") and ref.open == Decimal("484") and ref.volume == 1000
    assert ref.as_of_ms == last.ts_ms and ref.last == Decimal("486")


def test_before_the_first_trade_of_the_day_the_newest_bar_is_the_previous_session() -> None:
    last = Tick("00700.HK", Decimal("485"), 100, None, TradeSide.BUY, stamp(20, 15) * 1000)
    ref = reference_from(Symbol.parse("700"), [bar(stamp(20, 0, 0), "485")], None, None)
    assert ref.prev_close == Decimal("485") and ref.open is None and ref.volume is None
    ref2 = reference_from(Symbol.parse("700"), [bar(stamp(19, 0, 0), "480")], last, None)
    assert ref2.prev_close == Decimal("480")


def test_query_strings_are_plain_get_parameters() -> None:
    path, query = RestQueries().kline(Symbol.parse("AAPL"), 8, 2)
    url = urlparse(f"http://h{path}?query={query}")
    assert url.path == "/kline"
    assert json.loads(parse_qs(url.query)["query"][0])["data"]["kline_type"] == 8

"""The simulator server against a plain websockets client and httpx: AllTick conformance."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from desktop.domain.symbols import Market
from desktop.domain.tick_grid import tick_size
from desktop.simulator.cli import build_config, parse_args
from desktop.simulator.config import ExchangeHours
from desktop.simulator.embedded import EmbeddedSimulator
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.simulator._helpers import (
    TIMEOUT,
    fast_config,
    open_client,
    query_url,
    rest_get,
    wait_until,
)

FREE = {"free-token": "free", "basic-token": "basic"}


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    async with SimulatorServer(fast_config()) as running:
        yield running


async def start(**changes: object) -> SimulatorServer:
    running = SimulatorServer(fast_config(**changes))
    await running.start()
    return running


def codes_of(pushes: list[dict[str, object]]) -> set[object]:
    return {p["code"] for p in pushes}


# ------------------------------------------------------------------------- envelope and heartbeat
async def test_a_heartbeat_is_answered_with_22001_echoing_seq_id_and_trace(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as client:
        reply = await client.request(22000, {}, trace="hb-abc")
    assert reply == {
        "ret": 200,
        "msg": "ok",
        "cmd_id": 22001,
        "seq_id": 1,
        "trace": "hb-abc",
        "data": {},
    }


async def test_bad_envelopes_are_answered_with_ret_400_and_the_right_message(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as client:
        await client.send({"cmd_id": 22000, "seq_id": 1, "data": {}})  # no trace
        await client.send({"cmd_id": 22004, "seq_id": 2, "trace": "x" * 65, "data": {}})
        await client.send({"cmd_id": 22004, "seq_id": 3, "trace": "t", "data": "AAPL.US"})
        await client.send({"cmd_id": 22004, "seq_id": 4, "trace": "t", "data": {"symbol_list": 5}})
        await client.send({"cmd_id": 22006, "seq_id": 5, "trace": "t", "data": {"cancel_type": 9}})
        await client.send({"cmd_id": 22000, "seq_id": 6, "trace": "php", "data": []})
        await client.send("not json")
        replies = [await client.reply(seq) for seq in range(1, 7)]
        await wait_until(lambda: any(f.get("cmd_id") == 0 for f in client.frames), "junk reply")
    assert [r["ret"] for r in replies] == [400, 400, 400, 400, 400, 200]
    assert [r["cmd_id"] for r in replies] == [22001, 22005, 22005, 22005, 22007, 22001]
    assert [r["msg"] for r in replies[:5]] == ["request header param invalid"] * 3 + [
        "request data param invalid"
    ] * 2
    assert replies[1]["trace"] == "x" * 65 and replies[0]["seq_id"] == 1


async def test_missing_heartbeats_close_the_socket_after_the_timeout() -> None:
    running = await start(heartbeat_timeout=0.5)
    try:
        async with open_client(running) as client:
            loop = asyncio.get_running_loop()
            opened = loop.time()
            await asyncio.wait_for(client.closed.wait(), TIMEOUT)
            assert loop.time() - opened >= 0.45
            assert client.close_code == 1000
        assert running.connections[0].close_reason == "heartbeat timeout"
        assert running.stats.heartbeat_timeouts == 1
    finally:
        await running.stop()


async def test_heartbeats_keep_a_connection_open_past_the_timeout() -> None:
    running = await start(heartbeat_timeout=0.6)
    try:
        async with open_client(running) as client:
            for _ in range(5):  # 1.0 s of heartbeats every 0.2 s
                await asyncio.sleep(0.2)
                assert (await client.request(22000, {}))["ret"] == 200
            assert not client.closed.is_set()
    finally:
        await running.stop()


# ------------------------------------------------------------------------- subscriptions
async def test_a_trade_subscribe_replaces_the_previous_set(server: SimulatorServer) -> None:
    async with open_client(server) as client:
        await client.subscribe_trades("AAPL.US", "700.HK")
        await wait_until(
            lambda: codes_of(client.pushes(22998)) == {"AAPL.US", "700.HK"}, "A and B pushes"
        )
        reply = await client.subscribe_trades("5.HK")
        after = client.index_of(reply)
        await wait_until(lambda: len(client.pushes(22998, after)) >= 30, "30 pushes after")
        assert codes_of(client.pushes(22998, after)) == {"5.HK"}
    assert server.connections[0].trade_codes == ["5.HK"]


async def test_trade_and_depth_sets_are_independent_and_cancel_types_clear_each(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as client:
        await client.subscribe_trades("700.HK")
        await client.subscribe_depth(("700.HK", 5))
        await wait_until(lambda: bool(client.pushes(22999)) and bool(client.pushes(22998)), "both")
        reply = await client.request(22006, {"cancel_type": 2})
        assert reply["ret"] == 200 and reply["cmd_id"] == 22007
        after = client.index_of(reply)
        await wait_until(lambda: len(client.pushes(22999, after)) >= 5, "depth after cancel")
        assert client.pushes(22998, after) == []
        reply = await client.request(22006, {"cancel_type": 1})
        await client.subscribe_trades("700.HK")
        after = client.index_of(reply)
        await wait_until(lambda: len(client.pushes(22998, after)) >= 10, "trades again")
        reply = await client.request(22006, {"cancel_type": 0})
        assert client.pushes(22999, client.index_of(reply)) == []
    record = server.connections[0]
    assert record.trade_codes == [] and record.depth_codes == []


async def test_pushes_have_the_documented_shapes_with_numbers_as_strings_and_the_clock_time() -> (
    None
):
    now = 1_800_000_000_123
    running = SimulatorServer(fast_config(), clock=lambda: now)
    async with running, open_client(running) as client:
        await client.subscribe_trades("700.HK", "AAPL.US")
        await client.subscribe_depth(("700.HK", 10))
        await wait_until(lambda: len(client.pushes(22998)) >= 20, "trade pushes")
        await wait_until(lambda: len(client.pushes(22999)) >= 2, "depth pushes")
    for frame in client.frames:
        if frame.get("cmd_id") in (22998, 22999):
            assert set(frame) == {"cmd_id", "data"}  # pushes carry no ret/seq_id/trace
    for trade in client.pushes(22998):
        assert set(trade) == {
            "code",
            "seq",
            "tick_time",
            "price",
            "volume",
            "turnover",
            "trade_direction",
        }
        assert trade["tick_time"] == str(now)
        assert all(isinstance(trade[k], str) for k in ("seq", "price", "volume", "turnover"))
        assert trade["trade_direction"] in (0, 1, 2)
        market = Market.HK if trade["code"].endswith(".HK") else Market.US
        price = Decimal(trade["price"])
        assert price % tick_size(market, price) == 0
        assert Decimal(trade["turnover"]) == price * int(trade["volume"])
        if market is Market.HK:
            assert int(trade["volume"]) % 100 == 0  # Tencent's board lot
    by_code: dict[str, list[int]] = {}
    for push in client.pushes(22998) + client.pushes(22999):
        by_code.setdefault(push["code"], []).append(int(push["seq"]))
    for seqs in by_code.values():
        assert len(set(seqs)) == len(seqs)
    trades_700 = [int(p["seq"]) for p in client.pushes(22998) if p["code"] == "700.HK"]
    assert trades_700 == sorted(trades_700)
    book = client.pushes(22999)[0]
    assert set(book) == {"code", "seq", "tick_time", "bids", "asks"}
    assert all(set(level) == {"price", "volume"} for level in book["bids"] + book["asks"])
    assert all(isinstance(level["price"], str) for level in book["bids"] + book["asks"])


async def test_depth_level_defaults_to_one_and_is_capped_at_ten_for_hk_and_one_for_us(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as client:
        await client.subscribe_depth(("700.HK", None), ("5.HK", 50), ("AAPL.US", 5), ("9988.HK", 3))
        wanted = {"700.HK", "5.HK", "AAPL.US", "9988.HK"}
        await wait_until(lambda: codes_of(client.pushes(22999)) == wanted, "every book")
    levels = {p["code"]: (len(p["bids"]), len(p["asks"])) for p in client.pushes(22999)}
    assert levels == {"700.HK": (1, 1), "5.HK": (10, 10), "AAPL.US": (1, 1), "9988.HK": (3, 3)}
    for book in client.pushes(22999):
        assert Decimal(book["bids"][0]["price"]) < Decimal(book["asks"][0]["price"])


async def test_the_us_depth_cap_is_configurable() -> None:
    async with (
        SimulatorServer(fast_config(us_depth_levels=5)) as running,
        open_client(running) as client,
    ):
        await client.subscribe_depth(("AAPL.US", 8))
        await wait_until(lambda: bool(client.pushes(22999)), "a US book")
    assert len(client.pushes(22999)[0]["bids"]) == 5


async def test_codes_over_the_plan_limit_are_silently_truncated_to_the_first_n() -> None:
    codes = ["700.HK", "5.HK", "AAPL.US", "MSFT.US", "9988.HK", "TSLA.US", "NVDA.US"]
    async with SimulatorServer(fast_config(tokens=FREE, any_token_plan=None)) as running:
        async with open_client(running, token="free-token") as client:
            reply = await client.subscribe_trades(*codes)
            assert reply["ret"] == 200
            await wait_until(lambda: len(client.pushes(22998)) >= 100, "100 pushes")
        assert running.connections[0].trade_codes == codes[:5]
    assert codes_of(client.pushes(22998)) <= set(codes[:5])


async def test_unknown_codes_are_dropped_by_default_and_the_valid_ones_served(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as client:
        reply = await client.subscribe_trades("AAPL.US", "NOPE.US", "00700.HK", "aapl.US")
        assert reply["ret"] == 200
    assert server.connections[0].trade_codes == ["AAPL.US"]


async def test_unknown_codes_can_reject_the_whole_request_with_ret_600() -> None:
    async with SimulatorServer(fast_config(unknown_codes="reject")) as running:
        async with open_client(running) as client:
            await client.subscribe_trades("AAPL.US")
            reply = await client.subscribe_trades("700.HK", "NOPE.US")
            assert (reply["ret"], reply["msg"], reply["cmd_id"]) == (600, "code invalid", 22005)
        assert running.connections[0].trade_codes == ["AAPL.US"]


async def test_any_well_formed_code_is_served_when_synthesising() -> None:
    async with SimulatorServer(fast_config(synthesise_unknown=True)) as running:
        async with open_client(running) as client:
            await client.subscribe_trades("4321.HK", "QQQZ.US")
            await wait_until(
                lambda: codes_of(client.pushes(22998)) == {"4321.HK", "QQQZ.US"}, "made-up pushes"
            )
        static = await rest_get(running, "static_info", {"symbol_list": [{"code": "4321.HK"}]})
    info = static.json()["data"]["static_info_list"][0]
    assert info["symbol"] == "4321.HK" and info["currency"] == "HKD" and int(info["lot_size"]) > 0


# ------------------------------------------------------------------------- limits and tokens
async def test_a_second_request_within_a_second_is_rejected_with_605() -> None:
    async with SimulatorServer(fast_config(min_request_interval=1.0)) as running:
        async with open_client(running) as client:
            first = await client.subscribe_trades("AAPL.US")
            second = await client.subscribe_trades("700.HK")
            heartbeat = await client.request(22000, {})
            assert first["ret"] == 200 and heartbeat["ret"] == 200
            assert (second["ret"], second["msg"]) == (605, "too many requests")
            assert (second["seq_id"], second["cmd_id"]) == (2, 22005)
            assert not client.closed.is_set()
        record = running.connections[0]
        assert record.trade_codes == ["AAPL.US"]
        times = [frame.at for frame in record.requests(22004)]
        assert len(times) == 2 and times[1] - times[0] < 1.0


async def test_the_rate_limit_can_answer_606_and_close_the_connection() -> None:
    async with (
        SimulatorServer(fast_config(min_request_interval=1.0, rate_limit_code=606)) as running,
        open_client(running) as client,
    ):
        await client.subscribe_trades("AAPL.US")
        second = await client.subscribe_depth(("AAPL.US", None))
        assert second["ret"] == 606
        await asyncio.wait_for(client.closed.wait(), TIMEOUT)


async def test_a_bad_or_missing_token_is_refused_with_http_401_and_a_json_body() -> None:
    async with SimulatorServer(fast_config(tokens=FREE, any_token_plan=None)) as running:
        for suffix in ("?token=wrong", "", "?token="):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(running.ws_url + suffix, open_timeout=TIMEOUT):
                    pass
            assert refused.value.response.status_code == 401
            assert json.loads(refused.value.response.body) == {"ret": 401, "msg": "token invalid"}
        assert running.stats.connections_refused == 3 and running.connections == []


async def test_any_non_empty_token_gets_the_default_plan_in_demo_mode(
    server: SimulatorServer,
) -> None:
    async with open_client(server, token="demo"), open_client(server, token="anything"):
        await wait_until(lambda: len(server.open_connections()) == 2, "two connections")
    assert {r.plan.name for r in server.connections} == {"professional"}


async def test_a_connection_over_the_token_limit_is_accepted_then_closed_at_once() -> None:
    async with SimulatorServer(fast_config(tokens=FREE, any_token_plan=None)) as running:
        async with open_client(running, token="free-token") as first:
            async with open_client(running, token="free-token") as second:
                await asyncio.wait_for(second.closed.wait(), TIMEOUT)
                assert second.close_code == 1008
            assert (await first.request(22000, {}))["ret"] == 200
            async with open_client(running, token="basic-token") as other_token:
                assert (await other_token.request(22000, {}))["ret"] == 200
        assert running.stats.connections_over_limit == 1
        assert [r.over_limit for r in running.connections] == [False, True, False]


async def test_the_other_websocket_path_is_accepted_and_unknown_paths_get_404(
    server: SimulatorServer,
) -> None:
    other = server.ws_url.replace("/quote-stock-b-ws-api", "/quote-b-ws-api")
    async with connect(other + "?token=demo", open_timeout=TIMEOUT):
        pass
    with pytest.raises(InvalidStatus) as refused:
        async with connect(server.ws_url + "-nope?token=demo", open_timeout=TIMEOUT):
            pass
    assert refused.value.response.status_code == 404


async def test_every_frame_a_client_sends_is_recorded_with_its_arrival_time(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as client:
        await client.request(22000, {})
        await client.subscribe_trades("AAPL.US")
        await client.subscribe_trades("AAPL.US", "MSFT.US")
    record = server.connections[0]
    assert [f.cmd_id for f in record.received] == [22000, 22004, 22004]
    assert record.received[2].json["data"]["symbol_list"][1] == {"code": "MSFT.US"}
    assert record.received[0].at <= record.received[1].at <= record.received[2].at
    assert server.stats.requests == 3
    await wait_until(lambda: record.closed_at is not None, "the server to see the close")
    assert server.open_connections() == []


# ------------------------------------------------------------------------- REST
async def test_rest_trade_tick_returns_the_latest_trade_per_code_with_string_numbers(
    server: SimulatorServer,
) -> None:
    response = await rest_get(
        server, "trade-tick", {"symbol_list": [{"code": "700.HK"}, {"code": "AAPL.US"}]}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert (body["ret"], body["msg"], body["trace"]) == (200, "ok", "rest-1")
    ticks = body["data"]["tick_list"]
    assert [t["code"] for t in ticks] == ["700.HK", "AAPL.US"]
    for tick in ticks:
        assert all(isinstance(tick[k], str) for k in ("seq", "tick_time", "price", "volume"))
        assert Decimal(tick["price"]) > 0


async def test_rest_depth_tick_returns_full_books_ten_levels_for_hk_one_for_us(
    server: SimulatorServer,
) -> None:
    response = await rest_get(
        server, "depth-tick", {"symbol_list": [{"code": "700.HK"}, {"code": "AAPL.US"}]}
    )
    hk, us = response.json()["data"]["tick_list"]
    assert set(hk) == {"code", "seq", "tick_time", "bids", "asks"}
    assert (len(hk["bids"]), len(hk["asks"]), len(us["bids"]), len(us["asks"])) == (10, 10, 1, 1)
    assert all(isinstance(level["volume"], str) for level in hk["bids"] + hk["asks"])


async def test_rest_kline_returns_minute_bars_oldest_first_and_two_day_bars(
    server: SimulatorServer,
) -> None:
    minutes = await rest_get(
        server, "kline", {"code": "700.HK", "kline_type": 1, "query_kline_num": 3}
    )
    data = minutes.json()["data"]
    assert (data["code"], data["kline_type"]) == ("700.HK", 1)
    bars = data["kline_list"]
    keys = {"timestamp", "open_price", "close_price", "high_price", "low_price", "volume"}
    assert len(bars) == 3 and all(keys | {"turnover"} == set(b) for b in bars)
    stamps = [int(b["timestamp"]) for b in bars]
    assert stamps == sorted(stamps) and all(s % 60 == 0 and s < 10**11 for s in stamps)
    assert all(isinstance(v, str) for b in bars for v in b.values())
    days = await rest_get(
        server, "kline", {"code": "700.HK", "kline_type": 8, "query_kline_num": 2}
    )
    yesterday, today = days.json()["data"]["kline_list"]
    assert int(yesterday["timestamp"]) < int(today["timestamp"])
    prev_close = server.market.previous_day_bar(server.market.resolve("700.HK")).close  # type: ignore[arg-type]
    assert Decimal(yesterday["close_price"]) == prev_close


async def test_rest_batch_kline_returns_at_most_two_bars_per_code(server: SimulatorServer) -> None:
    items = [
        {"code": "700.HK", "kline_type": 8, "query_kline_num": 5},
        {"code": "AAPL.US", "kline_type": 1, "query_kline_num": 1},
    ]
    response = await rest_get(server, "batch-kline", {"data_list": items})
    entries = response.json()["data"]["kline_list"]
    assert [(e["code"], e["kline_type"], len(e["kline_data"])) for e in entries] == [
        ("700.HK", 8, 2),
        ("AAPL.US", 1, 1),
    ]


async def test_rest_static_info_gives_names_currency_and_board_lot(
    server: SimulatorServer,
) -> None:
    response = await rest_get(
        server, "static_info", {"symbol_list": [{"code": "5.HK"}, {"code": "AAPL.US"}]}
    )
    hsbc, apple = response.json()["data"]["static_info_list"]
    assert hsbc == {
        "symbol": "5.HK",
        "name_en": "HSBC Holdings plc",
        "name_cn": "汇丰控股",
        "exchange": "HKEX",
        "currency": "HKD",
        "lot_size": "400",
        "board": "MAIN",
    }
    assert (apple["currency"], apple["lot_size"]) == ("USD", "1")


async def test_rest_without_a_token_or_with_a_bad_query_says_so_in_json() -> None:
    async with SimulatorServer(
        fast_config(tokens=FREE, any_token_plan=None, enforce_rest_limits=False)
    ) as running:
        data = {"symbol_list": [{"code": "700.HK"}]}
        missing = await rest_get(running, "trade-tick", data, token=None)
        wrong = await rest_get(running, "trade-tick", data, token="wrong")
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            bad_query = await http.get(f"{running.rest_url}/trade-tick?token=free-token&query=%7B")
            unknown = await http.get(query_url(running.rest_url, "nope", data, "free-token"))
        free = await rest_get(
            running,
            "trade-tick",
            {
                "symbol_list": [
                    {"code": c} for c in ("1.HK", "2.HK", "3.HK", "5.HK", "11.HK", "16.HK")
                ]
            },
            token="free-token",
        )
    assert (missing.status_code, missing.json()) == (401, {"ret": 401, "msg": "token is required"})
    assert (wrong.status_code, wrong.json()) == (401, {"ret": 401, "msg": "token invalid"})
    assert bad_query.json()["ret"] == 402 and unknown.status_code == 404
    assert len(free.json()["data"]["tick_list"]) == 5  # free plan: 5 codes per REST request


# ------------------------------------------------------------------------- embedding and CLI
async def test_the_embedded_simulator_serves_from_its_own_thread_until_stopped() -> None:
    simulator = EmbeddedSimulator(fast_config())
    endpoints = await asyncio.to_thread(simulator.start)
    try:
        assert endpoints.ws_url.startswith("ws://127.0.0.1:") and endpoints.token == "demo"
        assert endpoints.rest_url.endswith("/quote-stock-b-api")
        async with connect(f"{endpoints.ws_url}?token={endpoints.token}") as ws:
            await ws.send(json.dumps({"cmd_id": 22000, "seq_id": 9, "trace": "e", "data": {}}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        assert reply["cmd_id"] == 22001 and reply["seq_id"] == 9
    finally:
        await asyncio.to_thread(simulator.stop)
    assert not simulator.running
    with pytest.raises(OSError):
        async with connect(f"{endpoints.ws_url}?token=demo", open_timeout=TIMEOUT):
            pass


def test_the_command_line_builds_the_server_configuration() -> None:
    args = parse_args(
        ["--port", "0", "--seed", "5", "--rate", "20", "--plan", "free", "--heartbeat-timeout",
         "2.5", "--unknown-codes", "synthesise", "--token", "abc=premium"]
    )  # fmt: skip
    config = build_config(args)
    assert isinstance(config, SimulatorConfig)
    assert (config.port, config.seed, config.trades_per_second) == (0, 5, 20.0)
    assert (config.any_token_plan, config.heartbeat_timeout) == ("free", 2.5)
    assert config.synthesise_unknown and config.unknown_codes == "drop"
    assert dict(config.tokens) == {"abc": "premium"}
    assert parse_args([]).port == 9000
    with pytest.raises(ValueError):
        build_config(parse_args(["--token", "abc=gold"]))


async def test_drop_all_cuts_every_connection_without_a_close_frame(
    server: SimulatorServer,
) -> None:
    async with open_client(server) as first, open_client(server) as second:
        await wait_until(lambda: len(server.open_connections()) == 2, "two connections")
        assert await server.drop_all() == 2
        await asyncio.wait_for(first.closed.wait(), TIMEOUT)
        await asyncio.wait_for(second.closed.wait(), TIMEOUT)
        assert first.close_code == 1006 and server.open_connections() == []
    async with open_client(server) as third:
        await wait_until(lambda: len(server.open_connections()) == 1, "a new connection")
        assert await server.drop_all(abort=False, code=1011) == 1
        await asyncio.wait_for(third.closed.wait(), TIMEOUT)
        assert third.close_code == 1011


# ------------------------------------------------------------------------- extended hours
async def test_in_us_pre_market_us_symbols_trade_thinly_and_hong_kong_stays_silent() -> None:
    """A scripted clock in US pre-market: regular trading shut for both markets, US extended."""
    now = 1_800_000_000_000
    config = fast_config(
        session=lambda market, at: False,
        extended_session=lambda market, at: market is Market.US,
        extended_trades_per_second=20.0,
        trades_per_second=400.0,
    )
    running = SimulatorServer(config, clock=lambda: now)
    async with running, open_client(running) as client:
        await client.subscribe_trades("AAPL.US", "MSFT.US", "700.HK")
        await client.subscribe_depth(("AAPL.US", 1), ("700.HK", 5))
        await wait_until(
            lambda: codes_of(client.pushes(22998)) == {"AAPL.US", "MSFT.US"}, "US extended trades"
        )
        await wait_until(lambda: bool(client.pushes(22999)), "a US book in pre-market")
    assert "700.HK" not in codes_of(client.pushes(22998))
    assert codes_of(client.pushes(22999)) == {"AAPL.US"}


async def test_the_exchange_hours_rule_trades_us_extended_hours_but_not_overnight() -> None:
    hours = ExchangeHours()
    pre = 1_796_202_000_000 + 60_000  # Wed 2 Dec 2026 04:01 EST
    night = pre - 2 * 3_600_000  # 02:01 EST
    assert hours.extended(Market.US, pre) and not hours(Market.US, pre)
    assert not hours.extended(Market.US, night) and not hours(Market.US, night)
    assert not hours.extended(Market.HK, pre)

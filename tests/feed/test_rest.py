from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from desktop.domain.symbols import Symbol
from desktop.feed.rest import AllTickRestClient, rest_base_from_ws
from desktop.protocol.plans import PLANS, Plan, PlanProfile

HK = ZoneInfo("Asia/Hong_Kong")
FAST = PlanProfile(Plan.BASIC, 1, 100, 10, 1, 3.0, 0.0, 2, batch_kline_interval_s=0.0)


def ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"ret": 200, "msg": "ok", "trace": "t", "data": data})


def test_rest_base_is_derived_from_the_websocket_url() -> None:
    assert rest_base_from_ws("wss://quote.alltick.co/quote-stock-b-ws-api?token=x") == (
        "https://quote.alltick.co/quote-stock-b-api"
    )
    assert rest_base_from_ws("ws://127.0.0.1:9000/quote-stock-b-ws-api") == (
        "http://127.0.0.1:9000/quote-stock-b-api"
    )


async def test_requests_are_chunked_by_the_plan_and_carry_the_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        codes = [c["code"] for c in json.loads(request.url.params["query"])["data"]["symbol_list"]]
        return ok(
            {
                "tick_list": [
                    {"code": c, "tick_time": "1677831545217", "price": "10.00", "volume": "1"}
                    for c in codes
                ]
            }
        )

    client = AllTickRestClient(
        "http://x/quote-stock-b-api", "secret", FAST, transport=httpx.MockTransport(handler)
    )
    symbols = [Symbol.parse(s) for s in ("AAPL", "MSFT", "700", "5", "NVDA")]
    ticks = await client.latest_trades(symbols)
    await client.aclose()
    assert len(seen) == 3  # 2 codes per request on this profile
    assert all(r.url.params["token"] == "secret" for r in seen)
    assert sorted(t.symbol for t in ticks) == sorted(str(s) for s in symbols)


async def test_day_bars_fall_back_to_kline_for_the_call_when_batch_kline_fails() -> None:
    day = int(datetime(2026, 11, 20, tzinfo=HK).timestamp())
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/batch-kline"):
            return httpx.Response(405, text="method not allowed")
        row = {
            "timestamp": str(day),
            "open_price": "1",
            "close_price": "2",
            "high_price": "3",
            "low_price": "0.5",
            "volume": "10",
            "turnover": "20",
        }
        return ok({"code": "700.HK", "kline_type": 8, "kline_list": [row]})

    client = AllTickRestClient(
        "http://x/quote-stock-b-api", "t", FAST, transport=httpx.MockTransport(handler)
    )
    bars = await client.day_bars([Symbol.parse("700"), Symbol.parse("5")])
    bars_again = await client.day_bars([Symbol.parse("700")])
    await client.aclose()
    assert paths[0] == "POST /quote-stock-b-api/batch-kline"
    # One failure never turns batch requests off for the session: the next call tries again.
    assert paths.count("POST /quote-stock-b-api/batch-kline") == 2
    assert set(bars) == {"00700.HK", "00005.HK"} and bars_again["00700.HK"][0].close == 2


async def test_a_rejected_token_or_a_dead_server_is_reported_not_raised_into_the_board() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"ret": 401, "msg": "token invalid"})

    client = AllTickRestClient(
        "http://x/quote-stock-b-api",
        "bad",
        PLANS[Plan.BASIC],
        transport=httpx.MockTransport(handler),
    )
    refs, trades, problems = await client.references([Symbol.parse("AAPL")])
    await client.aclose()
    assert trades == [] and refs[0].last is None
    assert any("token invalid" in p for p in problems)
    assert all("bad" not in p for p in problems)  # the token never appears in messages


async def test_network_errors_become_problems_with_the_token_redacted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("boom", request=request)

    client = AllTickRestClient(
        "http://x/quote-stock-b-api", "s3cr3t", FAST, transport=httpx.MockTransport(handler)
    )
    _refs, _trades, problems = await client.references([Symbol.parse("AAPL")])
    await client.aclose()
    assert problems and all("s3cr3t" not in p for p in problems)
    assert client.failures >= 1


async def test_a_too_fast_refusal_is_retried_after_a_hold_and_batch_stays_on() -> None:
    day = int(datetime(2026, 11, 20, tzinfo=HK).timestamp())
    answers = [605, 429, 200, 200]
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        ret = answers.pop(0)
        if ret != 200:
            return httpx.Response(200, json={"ret": ret, "msg": "too many requests", "data": {}})
        bar = {
            "timestamp": str(day),
            "open_price": "1",
            "close_price": "2",
            "high_price": "3",
            "low_price": "0.5",
            "volume": "10",
            "turnover": "20",
        }
        return ok({"kline_list": [{"code": "700.HK", "kline_type": 8, "kline_data": [bar]}]})

    client = AllTickRestClient(
        "http://x/quote-stock-b-api", "t", FAST, transport=httpx.MockTransport(handler)
    )
    client.pacer.first_hold_s = 0.01
    bars = await client.day_bars([Symbol.parse("700")])
    again = await client.day_bars([Symbol.parse("700")])
    await client.aclose()
    assert bars["00700.HK"][0].close == 2 and again["00700.HK"][0].close == 2
    assert client.refusals == 2
    assert all(path.endswith("/batch-kline") for path in paths)  # never the per-symbol fallback

"""The simulator's REST side: the real client's POST /batch-kline is answered as a POST."""

from __future__ import annotations

import httpx

from desktop.domain.symbols import Symbol
from desktop.feed.rest import AllTickRestClient
from desktop.protocol.plans import PLANS, Plan
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.server import SimulatorServer

SYMBOLS = [Symbol.parse(s) for s in ("AAPL", "MSFT", "700", "9988")]


async def test_the_client_gets_day_bars_through_post_batch_kline_not_the_fallback() -> None:
    async with SimulatorServer(SimulatorConfig(seed=3)) as server:
        client = AllTickRestClient(server.rest_url, "t", PLANS[Plan.PROFESSIONAL])
        try:
            bars = await client.day_bars(SYMBOLS)
        finally:
            await client.aclose()
    assert server.rest.calls.get("batch-kline") == 1
    assert "kline" not in server.rest.calls  # the per-symbol GET fallback never ran
    assert sorted(bars) == sorted(str(s) for s in SYMBOLS)
    assert all(len(day) == 2 for day in bars.values())


async def test_a_post_with_an_empty_body_or_an_unknown_path_gets_a_json_error() -> None:
    async with (
        SimulatorServer(SimulatorConfig(seed=3)) as server,
        httpx.AsyncClient(timeout=5) as http,
    ):
        empty = await http.post(f"{server.rest_url}/batch-kline", params={"token": "t"})
        elsewhere = await http.post(f"http://127.0.0.1:{server.port}/nowhere", content=b"{}")
        no_token = await http.post(f"{server.rest_url}/batch-kline", content=b'{"data":{}}')
        # The same port still speaks WebSocket and GET after POSTs.
        static = await http.get(
            f"{server.rest_url}/static_info",
            params={
                "token": "t",
                "query": '{"trace":"x","data":{"symbol_list":[{"code":"AAPL.US"}]}}',
            },
        )
    assert empty.json()["ret"] == 601
    assert elsewhere.status_code == 404
    assert no_token.status_code == 401
    assert static.json()["data"]["static_info_list"][0]["symbol"] == "AAPL.US"


async def test_the_simulator_refuses_rest_faster_than_the_plan_and_the_client_stays_within_it() -> (
    None
):
    config = SimulatorConfig.strict(
        seed=3, tokens={"basic": "basic", "client": "basic"}, any_token_plan=None
    )
    async with (
        SimulatorServer(config) as server,
        httpx.AsyncClient(timeout=5) as http,
    ):
        query = '{"trace":"x","data":{"symbol_list":[{"code":"AAPL.US"}]}}'
        params = {"token": "basic", "query": query}
        first = await http.get(f"{server.rest_url}/trade-tick", params=params)
        second = await http.get(f"{server.rest_url}/trade-tick", params=params)  # < 1 s later
        assert first.json()["ret"] == 200 and second.json()["ret"] == 605
        client = AllTickRestClient(server.rest_url, "client", PLANS[Plan.BASIC])
        try:
            symbols = [Symbol.parse(s) for s in ("AAPL", "MSFT", "NVDA", "700", "9988", "5")]
            _refs, trades, problems = await client.references(symbols)
            bars = await client.day_bars(symbols)  # < 3 s after the last batch: paced, not refused
        finally:
            await client.aclose()
    assert problems == [] and len(trades) == len(symbols) and len(bars) == len(symbols)
    assert client.refusals == 0
    batches = [at for at, path in client.sent if path == "/batch-kline"]
    assert len(batches) == 2 and batches[1] - batches[0] >= PLANS[Plan.BASIC].batch_kline_interval_s

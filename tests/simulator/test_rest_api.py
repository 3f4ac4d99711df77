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
    assert client.batch_kline_supported
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

"""The simulator's REST side (reference §1.10): snapshots from the market, GET and POST.

websockets' HTTP parser only accepts GET, so `PostAwareConnection` spots a leading `POST ` on a
fresh socket, reads the body by Content-Length and answers it itself (the real `/batch-kline`
is a POST with a JSON body); everything else goes to the WebSocket handshake as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import msgspec
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Response

from desktop.domain.symbols import Market, Symbol
from desktop.protocol.alltick_wire import STOCK_REST_PATH
from desktop.protocol.plans import PlanProfile
from desktop.simulator.kline_history import (
    DAY_KLINE,
    INTRADAY_KLINE_MINUTES,
    KLINE_TYPES,
    MAX_KLINES,
    KlineHistory,
)
from desktop.simulator.market import SimulatedMarket
from desktop.simulator.records import BOOK_DEPTH, MINUTE_MS, Bar
from desktop.simulator.rest_limits import RestRateLimiter

if TYPE_CHECKING:
    from desktop.simulator.server import SimulatorServer

__all__ = ["DATA_INVALID", "PostAwareConnection", "RestApi", "RestRefused", "json_response"]

DATA_INVALID = "request data param invalid"
_EXTENDED_ACTIVITY = 0.05
_MAX_BODY = 1 << 20


class RestRefused(Exception):
    """A REST request answered with an error `ret`."""

    def __init__(self, ret: int, msg: str) -> None:
        super().__init__(msg)
        self.ret, self.msg = ret, msg


class RestApi:
    """The REST snapshots of reference §1.10, answered from the server's market."""

    def __init__(self, server: SimulatorServer) -> None:
        self._server = server
        self._market = server.market
        self._handlers: dict[str, Callable[[PlanProfile, dict[str, Any]], dict[str, Any]]] = {
            "trade-tick": self.trade_tick,
            "depth-tick": self.depth_tick,
            "kline": self.kline,
            "batch-kline": self.batch_kline,
            "static_info": self.static_info,
        }
        self.limiter = RestRateLimiter()
        self._history = (
            KlineHistory(self._market, seed=server.config.seed)
            if isinstance(self._market, SimulatedMarket)
            else None
        )
        self.calls: dict[str, int] = {}
        """Requests answered per endpoint (tests check which path the client used)."""

    def answer(self, endpoint: str, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """HTTP status and `{ret,msg,trace,data}` body for `GET <endpoint>?token=&query=`."""
        token = (params.get("token") or [""])[0]
        return self._dispatch(endpoint, token, (params.get("query") or [""])[0].encode())

    def answer_post(
        self, endpoint: str, params: dict[str, list[str]], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """The same for `POST <endpoint>?token=` with the JSON query as the body (§1.10)."""
        token = (params.get("token") or [""])[0]
        if not body.strip():
            return 200, {"ret": 601, "msg": "body empty", "trace": "", "data": {}}
        return self._dispatch(endpoint, token, body)

    def _dispatch(self, endpoint: str, token: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        self._server.stats.rest_requests += 1
        if not token:
            return 401, {"ret": 401, "msg": "token is required"}
        plan = self._server.plan_for(token)
        if plan is None:
            return 401, {"ret": 401, "msg": "token invalid"}
        handler = self._handlers.get(endpoint)
        if handler is None:
            return 404, {"ret": 404, "msg": "not found"}
        config = self._server.config
        if config.enforce_rest_limits and not self.limiter.allow(token, endpoint, plan):
            code = config.rest_rate_code
            msg = "rate limit" if code == 429 else "too many requests"
            return 200, {"ret": code, "msg": msg, "trace": "", "data": {}}
        self.calls[endpoint] = self.calls.get(endpoint, 0) + 1
        try:
            query = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            query = None
        trace = query.get("trace") if isinstance(query, dict) else None
        trace = trace if isinstance(trace, str) else ""
        if not isinstance(query, dict) or not isinstance(query.get("data"), dict):
            return 200, {"ret": 402, "msg": "query invalid", "trace": trace, "data": {}}
        try:
            data = handler(plan, query["data"])
        except RestRefused as refused:
            return 200, {"ret": refused.ret, "msg": refused.msg, "trace": trace, "data": {}}
        return 200, {"ret": 200, "msg": "ok", "trace": trace, "data": data}

    def _resolve(self, code: object) -> Symbol | None:
        if not isinstance(code, str):
            raise RestRefused(400, DATA_INVALID)
        config = self._server.config
        symbol = self._market.resolve(code, synthesise=config.synthesise_unknown)
        if symbol is None and config.unknown_codes == "reject":
            raise RestRefused(600, "code invalid")
        return symbol

    def _symbols(self, plan: PlanProfile, data: dict[str, Any]) -> list[Symbol]:
        items = data.get("symbol_list")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise RestRefused(400, DATA_INVALID)
        resolved = [self._resolve(item.get("code")) for item in items[: plan.rest_max_codes]]
        return [symbol for symbol in resolved if symbol is not None]

    def trade_tick(self, plan: PlanProfile, data: dict[str, Any]) -> dict[str, Any]:
        """Latest trade per code."""
        symbols = self._symbols(plan, data)
        return {"tick_list": [self._market.last_trade(s).to_wire() for s in symbols]}

    def depth_tick(self, plan: PlanProfile, data: dict[str, Any]) -> dict[str, Any]:
        """Latest book per code, with the market's maximum number of levels."""
        levels = self._server.depth_levels
        books = [self._market.book(s) for s in self._symbols(plan, data)]
        return {"tick_list": [b.to_wire(levels(b.symbol.market, BOOK_DEPTH)) for b in books]}

    def static_info(self, plan: PlanProfile, data: dict[str, Any]) -> dict[str, Any]:
        """Names, exchange, currency, board lot."""
        entries = []
        for symbol in self._symbols(plan, data):
            inst = self._market.instrument(symbol)
            entries.append(
                {
                    "symbol": inst.wire,
                    "name_en": inst.name_en,
                    "name_cn": inst.name_cn,
                    "exchange": inst.exchange,
                    "currency": inst.currency,
                    "lot_size": str(inst.lot_size),
                    "board": inst.board,
                }
            )
        return {"static_info_list": entries}

    def kline(self, plan: PlanProfile, data: dict[str, Any]) -> dict[str, Any]:
        """Up to 500 bars of one code, oldest first, of any documented kline type."""
        code, kline_type, count = self._kline_args(data, MAX_KLINES)
        bars = self._bars(code, kline_type, count)
        return {"code": code, "kline_type": kline_type, "kline_list": bars}

    def batch_kline(self, plan: PlanProfile, data: dict[str, Any]) -> dict[str, Any]:
        """The last one or two bars of many codes (kline_type 8 gives the previous close)."""
        items = data.get("data_list")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise RestRefused(400, DATA_INVALID)
        entries = []
        for item in items:
            code, kline_type, count = self._kline_args(item, 2)
            bars = self._bars(code, kline_type, count)
            entries.append({"code": code, "kline_type": kline_type, "kline_data": bars})
        return {"kline_list": entries}

    @staticmethod
    def _kline_args(data: dict[str, Any], most: int) -> tuple[str, int, int]:
        code, kline_type = data.get("code"), data.get("kline_type")
        count = data.get("query_kline_num", 1)
        if (
            not isinstance(code, str)
            or kline_type not in KLINE_TYPES
            or type(count) is not int
            or count < 1
        ):
            raise RestRefused(400, DATA_INVALID)
        assert isinstance(kline_type, int)
        return code, kline_type, min(count, most)

    def _bars(self, code: str, kline_type: int, count: int) -> list[dict[str, str]]:
        symbol = self._resolve(code)
        if symbol is None:
            return []
        if self._history is not None:
            now = self._server.clock()
            found = self._history.bars(symbol, kline_type, count, now, self._activity)
            return [bar.to_wire() for bar in found]
        bars: list[Bar] = []  # a replay: only what it recorded
        if kline_type not in (*INTRADAY_KLINE_MINUTES, DAY_KLINE):
            return []
        if kline_type == DAY_KLINE:
            bars = [self._market.previous_day_bar(symbol), self._market.day_bar(symbol)]
        else:
            span = INTRADAY_KLINE_MINUTES[kline_type] * MINUTE_MS
            for bar in self._market.minute_bars(symbol):
                start = bar.start_ms - bar.start_ms % span
                if bars and bars[-1].start_ms == start:
                    bars[-1] = bars[-1].merged(bar)
                else:
                    bars.append(replace(bar, start_ms=start))
        return [bar.to_wire() for bar in bars[-count:]]

    def _activity(self, market: Market, epoch_ms: int) -> float:
        """How busy `market` was at `epoch_ms` by the server's session rule (history bars)."""
        config = self._server.config
        if config.session(market, epoch_ms):
            return 1.0
        extended = config.extended_session
        return _EXTENDED_ACTIVITY if extended is not None and extended(market, epoch_ms) else 0.0


def json_response(connection: ServerConnection, status: int, body: dict[str, Any]) -> Response:
    """An HTTP response with a JSON body, for REST answers and refused handshakes."""
    response = connection.respond(status, msgspec.json.encode(body).decode())
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response


class PostAwareConnection(ServerConnection):
    """A server connection that answers `POST /quote-stock-b-api/…` itself, before websockets.

    `rest` is set on a per-server subclass (`for_rest`); any other request goes to websockets.
    """

    rest: RestApi | None = None
    _sniffed = False
    _post: bytearray | None = None

    @classmethod
    def for_rest(cls, rest: RestApi) -> type[PostAwareConnection]:
        """A subclass bound to one server's REST API (websockets instantiates it per socket)."""
        return type("BoundPostAwareConnection", (cls,), {"rest": rest})

    def data_received(self, data: bytes) -> None:
        """Divert a POST request to `RestApi.answer_post`; pass everything else through."""
        if not self._sniffed:
            self._sniffed = True
            if data.startswith(b"POST "):
                self._post = bytearray()
        if self._post is None:
            super().data_received(data)
            return
        self._post.extend(data)
        head_end = self._post.find(b"\r\n\r\n")
        if head_end < 0:
            if len(self._post) > _MAX_BODY:
                self._reply_raw(431, {"ret": 431, "msg": "headers too large"})
            return
        head = bytes(self._post[:head_end]).decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip()) if value.strip().isdigit() else -1
        if length < 0 or length > _MAX_BODY:
            self._reply_raw(400, {"ret": 400, "msg": "bad Content-Length"})
            return
        body = bytes(self._post[head_end + 4 : head_end + 4 + length])
        if len(body) < length:
            return  # wait for the rest of the body
        target = head.split(" ", 2)[1] if head.count(" ") >= 2 else "/"
        url = urlsplit(target)
        if self.rest is None or not url.path.startswith(STOCK_REST_PATH + "/"):
            self._reply_raw(404, {"ret": 404, "msg": "not found"})
            return
        endpoint = url.path[len(STOCK_REST_PATH) + 1 :]
        status, answer = self.rest.answer_post(endpoint, parse_qs(url.query), body)
        self._reply_raw(status, answer)

    def _reply_raw(self, status: int, body: dict[str, Any]) -> None:
        payload = msgspec.json.encode(body)
        head = (
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n"
            "Connection: close\r\n\r\n"
        )
        self._post = bytearray()
        self.transport.write(head.encode("latin-1") + payload)
        self.transport.close()

"""An AllTick-compatible market on loopback: the WebSocket protocol and the REST snapshots.

Implements reference/alltick-protocol.md §4.3 "Must implement" over one port: the WS endpoint at
`/quote-stock-b-ws-api` (and `/quote-b-ws-api`) and REST GETs under `/quote-stock-b-api/…`,
answered from websockets' `process_request`. That hook cannot read a request body, so
`/batch-kline` is served as `GET …/batch-kline?token=&query=` rather than the real `POST`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from desktop.domain.symbols import Market, Symbol
from desktop.protocol.alltick_wire import (
    MAX_TRACE_LEN,
    OTHER_WS_PATH,
    STOCK_REST_PATH,
    STOCK_WS_PATH,
    CancelType,
    Cmd,
    ErrorCode,
)
from desktop.simulator.market import (
    BOOK_DEPTH,
    MINUTE_MS,
    Bar,
    BookRecord,
    SimulatedMarket,
    wall_clock_ms,
)
from desktop.simulator.source import MarketSource, Push

__all__ = [
    "DEMO_TOKEN",
    "PLANS",
    "ConnectionRecord",
    "Faults",
    "Plan",
    "ReceivedFrame",
    "ServerStats",
    "SimulatorConfig",
    "SimulatorServer",
    "always_open",
]

_log = logging.getLogger(__name__)

DEMO_TOKEN = "demo"
HEADER_INVALID = "request header param invalid"
DATA_INVALID = "request data param invalid"
_REQUESTS = {Cmd.HEARTBEAT, Cmd.SUBSCRIBE_DEPTH, Cmd.SUBSCRIBE_TRADES, Cmd.CANCEL}
_MESSAGES = {605: "too many requests", 606: "too many requests and connection will be closed"}
_RET_MESSAGES = {200: "ok", 400: DATA_INVALID, 600: "code invalid"}
_KLINE_MINUTES = {1: 1, 2: 5, 3: 15, 4: 30, 5: 60}
_DAY_KLINE = 8
_MAX_KLINES = 500


@dataclass(frozen=True, slots=True)
class Plan:
    """A token's entitlements (reference §1.7, §1.10)."""

    name: str
    max_connections: int
    max_symbols: int
    rest_max_codes: int | None
    reconnect_floor_s: float


PLANS: dict[str, Plan] = {
    "free": Plan("free", 1, 5, 5, 10.0),
    "basic": Plan("basic", 1, 100, None, 3.0),
    "premium": Plan("premium", 3, 200, None, 3.0),
    "professional": Plan("professional", 10, 3000, None, 3.0),
}


def always_open(market: Market, now_ms: int) -> bool:
    """The default session rule: every market trades at every hour, so the demo always moves."""
    return True


@dataclass(frozen=True)
class SimulatorConfig:
    """Every switch of the simulator; tests shrink the timeouts and rates here."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 0
    tokens: Mapping[str, str] = field(default_factory=dict)
    """token → plan name; checked before `any_token_plan`."""
    any_token_plan: str | None = "professional"
    """Plan for any other non-empty token (demo mode); None refuses unknown tokens with 401."""
    heartbeat_timeout: float = 30.0
    min_request_interval: float = 1.0
    heartbeat_is_request: bool = False
    """Whether 22000 counts toward the one-request-per-second rule (undocumented; off)."""
    rate_limit_code: int = 605
    """605 rejects the early request; 606 rejects it and closes the connection."""
    unknown_codes: Literal["drop", "reject"] = "drop"
    synthesise_unknown: bool = False
    """Serve any well-formed code, inventing an instrument for codes outside the universe."""
    enforce_reconnect_floor: bool = False
    """Refuse (HTTP 429) a token's handshake sooner than its plan's reconnect floor."""
    hk_depth_levels: int = 10
    us_depth_levels: int = 1
    trades_per_second: float = 150.0
    """Trades per second in total, spread over the subscribed symbols by activity weight."""
    depth_per_second: float = 3.0
    """Book pushes per second for each depth-subscribed symbol."""
    max_depth_per_second: float = 1500.0
    push_interval: float = 0.05
    history_minutes: int = 120
    vol_scale: float = 1.0
    session: Callable[[Market, int], bool] = always_open
    """Hook: is `market` trading at epoch ms `now`? Closed markets get no pushes."""

    def __post_init__(self) -> None:
        names = [*self.tokens.values()] + ([self.any_token_plan] if self.any_token_plan else [])
        unknown = [name for name in names if name not in PLANS]
        if unknown:
            raise ValueError(f"unknown plan {unknown[0]!r}; plans are {', '.join(PLANS)}")
        if self.unknown_codes not in ("drop", "reject"):
            raise ValueError("unknown_codes must be 'drop' or 'reject'")


@dataclass(frozen=True, slots=True)
class ReceivedFrame:
    """A frame a client sent, with the loop time `at` (monotonic s) and clock `at_ms` it arrived."""

    at: float
    at_ms: int
    text: str

    @property
    def json(self) -> Any:
        """The decoded frame, or None when it is not JSON."""
        try:
            return msgspec.json.decode(self.text)
        except msgspec.DecodeError:
            return None

    @property
    def cmd_id(self) -> int | None:
        """The frame's integer `cmd_id`, if any."""
        frame = self.json
        cmd = frame.get("cmd_id") if isinstance(frame, dict) else None
        return cmd if type(cmd) is int else None


@dataclass(slots=True, eq=False)
class ConnectionRecord:
    """What the server knows and recorded about one accepted connection (for tests)."""

    id: int
    token: str
    plan: Plan
    path: str
    opened_at: float
    last_heartbeat: float
    received: list[ReceivedFrame] = field(default_factory=list)
    trades: dict[Symbol, int] = field(default_factory=dict)
    depth: dict[Symbol, int] = field(default_factory=dict)
    """Depth-subscribed symbols → levels pushed."""
    over_limit: bool = False
    closed_at: float | None = None
    close_reason: str = ""
    trade_pushes: int = 0
    depth_pushes: int = 0
    last_request: float | None = None

    @property
    def trade_codes(self) -> list[str]:
        """Wire codes of the current trade subscription, in request order."""
        return [symbol.wire for symbol in self.trades]

    @property
    def depth_codes(self) -> list[str]:
        """Wire codes of the current depth subscription, in request order."""
        return [symbol.wire for symbol in self.depth]

    def requests(self, cmd_id: int | None = None) -> list[ReceivedFrame]:
        """Received frames, optionally only those with one cmd_id."""
        return [f for f in self.received if cmd_id is None or f.cmd_id == cmd_id]


@dataclass(slots=True)
class ServerStats:
    """Counters since start."""

    connections_accepted: int = 0
    connections_refused: int = 0
    connections_over_limit: int = 0
    heartbeat_timeouts: int = 0
    requests: int = 0
    requests_rejected: int = 0
    trade_pushes: int = 0
    depth_pushes: int = 0
    rest_requests: int = 0


class Faults:
    """Hooks consulted on every received and sent frame; this default changes nothing.

    Fault injection (drops, duplicates, mute, delays) plugs in by overriding these.
    """

    def incoming(self, connection: ConnectionRecord, text: str) -> str | None:
        """The frame to process instead of `text`; None ignores it."""
        return text

    def outgoing(self, connection: ConnectionRecord, text: str) -> str | None:
        """The frame to send instead of `text`; None drops it."""
        return text


class SimulatorServer:
    """AllTick's WS + REST protocol on one loopback port, pushing a `SimulatedMarket`."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        market: MarketSource | None = None,
        clock: Callable[[], int] | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.config = cfg = config or SimulatorConfig()
        self.clock = clock or wall_clock_ms
        self.market: MarketSource = market or SimulatedMarket(
            seed=cfg.seed,
            clock=self.clock,
            history_minutes=cfg.history_minutes,
            vol_scale=cfg.vol_scale,
        )
        self.faults = faults or Faults()
        self.tokens: dict[str, str] = dict(cfg.tokens)
        self.stats = ServerStats()
        self.connections: list[ConnectionRecord] = []
        self.rest = _RestApi(self)
        self._live: dict[int, tuple[ServerConnection, ConnectionRecord]] = {}
        self._ids = itertools.count(1)
        self._rng = random.Random(cfg.seed + 1)
        self._server: Server | None = None
        self._push_task: asyncio.Task[None] | None = None
        self._port = 0
        self._last_connect: dict[str, float] = {}
        self._wanted_cache: tuple[frozenset[Symbol], list[Symbol]] | None = None

    # ----------------------------------------------------------------- lifecycle
    @property
    def port(self) -> int:
        """The listening port (0 before start)."""
        return self._port

    @property
    def ws_url(self) -> str:
        """`ws://host:port/quote-stock-b-ws-api`, without the token."""
        return f"ws://{self._url_host()}:{self._port}{STOCK_WS_PATH}"

    @property
    def rest_url(self) -> str:
        """`http://host:port/quote-stock-b-api`, the REST base."""
        return f"http://{self._url_host()}:{self._port}{STOCK_REST_PATH}"

    def _url_host(self) -> str:
        return "127.0.0.1" if self.config.host in ("", "0.0.0.0") else self.config.host

    async def start(self) -> None:
        """Listen and start pushing."""
        self._server = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            process_request=self._process_request,
            max_size=1 << 20,
        )
        self._port = int(next(iter(self._server.sockets)).getsockname()[1])
        self._push_task = asyncio.create_task(self._push_loop(), name="simulator-push")
        _log.info("simulator listening on %s", self.ws_url)

    async def stop(self) -> None:
        """Stop pushing, close every connection and stop listening."""
        if self._push_task is not None:
            self._push_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._push_task
            self._push_task = None
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> SimulatorServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- tokens and connections
    def plan_for(self, token: str | None) -> Plan | None:
        """The plan of a token, or None when the server refuses it."""
        if not token:
            return None
        name = self.tokens.get(token, self.config.any_token_plan)
        return PLANS[name] if name else None

    def open_connections(self, token: str | None = None) -> list[ConnectionRecord]:
        """Connections currently open and within their limit (of one token if given)."""
        return [rec for _, rec in self._live.values() if token is None or rec.token == token]

    async def drop_all(self, *, abort: bool = True, code: int = 1011) -> int:
        """Drop every open connection: abort the TCP stream (the client sees 1006, no close
        frame) or close it with `code`. Returns how many were dropped (tests: reconnects)."""
        dropped = list(self._live.values())
        for ws, record in dropped:
            if abort:
                record.closed_at = asyncio.get_running_loop().time()
                record.close_reason = "dropped (aborted)"
                self._live.pop(record.id, None)
                ws.transport.abort()
            else:
                await self._close(ws, record, code, "dropped")
        self._wanted_cache = None
        return len(dropped)

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Gate the WS handshake on path and token, and answer REST GETs on the same port."""
        url = urlsplit(request.path)
        token = (parse_qs(url.query).get("token") or [""])[0]
        if url.path in (STOCK_WS_PATH, OTHER_WS_PATH):
            plan = self.plan_for(token)
            if plan is None:
                self.stats.connections_refused += 1
                return json_response(connection, 401, {"ret": 401, "msg": "token invalid"})
            now = asyncio.get_running_loop().time()
            previous = self._last_connect.get(token)
            floor = plan.reconnect_floor_s if self.config.enforce_reconnect_floor else 0.0
            if previous is not None and now - previous < floor:
                self.stats.connections_refused += 1
                return json_response(connection, 429, {"ret": 429, "msg": "rate limit"})
            self._last_connect[token] = now
            return None
        if url.path.startswith(STOCK_REST_PATH + "/"):
            self.stats.rest_requests += 1
            endpoint = url.path[len(STOCK_REST_PATH) + 1 :]
            status, body = self.rest.answer(endpoint, parse_qs(url.query))
            return json_response(connection, status, body)
        return json_response(connection, 404, {"ret": 404, "msg": "not found"})

    async def _handle(self, ws: ServerConnection) -> None:
        request = ws.request
        assert request is not None
        url = urlsplit(request.path)
        token = (parse_qs(url.query).get("token") or [""])[0]
        plan = self.plan_for(token)
        assert plan is not None  # _process_request refused the others
        now = asyncio.get_running_loop().time()
        record = ConnectionRecord(next(self._ids), token, plan, url.path, now, now)
        self.connections.append(record)
        if len(self.open_connections(token)) >= plan.max_connections:
            # Reference §1.7: over the limit the connection is accepted, then closed at once.
            record.over_limit = True
            self.stats.connections_over_limit += 1
            await self._close(ws, record, 1008, "connection limit exceeded")
            return
        self.stats.connections_accepted += 1
        self._live[record.id] = (ws, record)
        self._wanted_cache = None
        try:
            await self._receive_loop(ws, record)
        finally:
            self._live.pop(record.id, None)
            self._wanted_cache = None
            if record.closed_at is None:
                record.closed_at = asyncio.get_running_loop().time()
                record.close_reason = record.close_reason or "closed by client"

    async def _close(
        self, ws: ServerConnection, record: ConnectionRecord, code: int, why: str
    ) -> None:
        record.closed_at = asyncio.get_running_loop().time()
        record.close_reason = why
        self._live.pop(record.id, None)
        self._wanted_cache = None
        await ws.close(code, why)

    async def _receive_loop(self, ws: ServerConnection, record: ConnectionRecord) -> None:
        loop = asyncio.get_running_loop()
        while True:
            remaining = record.last_heartbeat + self.config.heartbeat_timeout - loop.time()
            if remaining <= 0:  # reference §1.6: no heartbeat for 30 s → disconnect
                self.stats.heartbeat_timeouts += 1
                await self._close(ws, record, 1000, "heartbeat timeout")
                return
            try:
                async with asyncio.timeout(remaining):
                    message = await ws.recv()
            except TimeoutError:
                continue
            except ConnectionClosed:
                return
            text = message if isinstance(message, str) else message.decode("utf-8", "replace")
            now = loop.time()
            record.received.append(ReceivedFrame(now, self.clock(), text))
            self.stats.requests += 1
            incoming = self.faults.incoming(record, text)
            if incoming is None:
                continue
            reply, close = self._answer(record, incoming, now)
            out = self.faults.outgoing(record, msgspec.json.encode(reply).decode())
            try:
                if out is not None:
                    await ws.send(out)
                if close:
                    await self._close(ws, record, 1008, str(reply["msg"]))
                    return
            except ConnectionClosed:
                return

    # ----------------------------------------------------------------- requests
    def _answer(
        self, record: ConnectionRecord, text: str, now: float
    ) -> tuple[dict[str, Any], bool]:
        """The reply to one client frame, and whether to close the connection after it."""
        try:
            frame = msgspec.json.decode(text)
        except msgspec.DecodeError:
            frame = None
        head = frame if isinstance(frame, dict) else {}
        cmd_id = head.get("cmd_id") if type(head.get("cmd_id")) is int else None
        seq_id, trace, data = head.get("seq_id"), head.get("trace"), head.get("data")

        def reply(ret: int, msg: str, close: bool = False) -> tuple[dict[str, Any], bool]:
            if ret != ErrorCode.OK:
                self.stats.requests_rejected += 1
            answer_cmd = cmd_id + 1 if cmd_id is not None else 0
            answer = {"ret": ret, "msg": msg, "cmd_id": answer_cmd, "seq_id": seq_id}
            answer.update(trace=trace, data={})
            return answer, close

        heartbeat = cmd_id == Cmd.HEARTBEAT
        if (
            cmd_id not in _REQUESTS
            or type(seq_id) is not int
            or seq_id < 0
            or not isinstance(trace, str)
            or len(trace) > MAX_TRACE_LEN
            or not (isinstance(data, dict) or (heartbeat and data == []))  # §1.6: PHP sends []
        ):
            return reply(ErrorCode.INVALID, HEADER_INVALID)
        assert isinstance(data, dict | list)
        if not heartbeat or self.config.heartbeat_is_request:
            last = record.last_request
            if last is not None and now - last < self.config.min_request_interval:
                code = self.config.rate_limit_code
                return reply(code, _MESSAGES.get(code, "rate limit"), code == 606)
            record.last_request = now
        if heartbeat:
            record.last_heartbeat = now
            return reply(ErrorCode.OK, "ok")
        assert isinstance(data, dict)
        if cmd_id == Cmd.CANCEL:
            kind = data.get("cancel_type")
            if type(kind) is not int or kind not in (0, 1, 2):
                return reply(ErrorCode.INVALID, DATA_INVALID)
            if kind in (CancelType.ALL, CancelType.TRADES):
                record.trades = {}
            if kind in (CancelType.ALL, CancelType.DEPTH):
                record.depth = {}
            self._wanted_cache = None
            return reply(ErrorCode.OK, "ok")
        ret = self._subscribe(record, cmd_id == Cmd.SUBSCRIBE_DEPTH, data)
        return reply(ret, _RET_MESSAGES[ret])

    def _subscribe(self, record: ConnectionRecord, depth: bool, data: dict[str, Any]) -> int:
        """Replace this connection's trade or depth set (reference §1.5); returns `ret`."""
        items = data.get("symbol_list")
        if not isinstance(items, list):
            return ErrorCode.INVALID
        entries: list[tuple[str, int | None]] = []
        for item in items:
            code = item.get("code") if isinstance(item, dict) else None
            level = item.get("depth_level") if isinstance(item, dict) else None
            if not isinstance(code, str) or (level is not None and type(level) is not int):
                return ErrorCode.INVALID
            entries.append((code, level))
        chosen: dict[Symbol, int] = {}
        for code, level in entries[: record.plan.max_symbols]:  # §1.5: first N, silently
            symbol = self.market.resolve(code, synthesise=self.config.synthesise_unknown)
            if symbol is None:
                if self.config.unknown_codes == "reject":
                    return ErrorCode.CODE_INVALID
                continue
            chosen.setdefault(symbol, self.depth_levels(symbol.market, level) if depth else 0)
        if depth:
            record.depth = chosen
        else:
            record.trades = chosen
        self._wanted_cache = None
        return ErrorCode.OK

    def depth_levels(self, market: Market, requested: int | None) -> int:
        """Levels served: 1 when not asked (reference §1.4), capped by market (HK 10, US 1)."""
        cap = self.config.hk_depth_levels if market is Market.HK else self.config.us_depth_levels
        return max(1, min(requested or 1, cap, BOOK_DEPTH))

    # ----------------------------------------------------------------- pushes
    async def _push_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        budget = 0.0
        while True:
            await asyncio.sleep(self.config.push_interval)
            now = loop.time()
            elapsed, last = min(now - last, 1.0), now
            try:
                now_ms = self.clock()
                trade_symbols, depth_symbols = self._wanted(now_ms)
                budget = budget + self.config.trades_per_second * elapsed if trade_symbols else 0.0
                count, budget = int(budget), budget - int(budget)
                chance = self.config.depth_per_second * elapsed
                due = [s for s in depth_symbols if self._rng.random() < chance]
                cap = max(1, int(self.config.max_depth_per_second * elapsed))
                if len(due) > cap:
                    due = sorted(self._rng.sample(due, cap))
                await self._fan_out(self.market.pushes(now_ms, count, trade_symbols, due))
            except Exception:  # the loop must outlive any bug in one step
                _log.exception("simulator push step failed")

    def _wanted(self, now_ms: int) -> tuple[frozenset[Symbol], list[Symbol]]:
        """Union of the open connections' trade and depth sets, minus closed markets."""
        if self._wanted_cache is None:
            trades = frozenset(s for _, rec in self._live.values() for s in rec.trades)
            depth = sorted({s for _, rec in self._live.values() for s in rec.depth})
            self._wanted_cache = (trades, depth)
        trades, depth = self._wanted_cache
        if self.config.session is always_open:
            return trades, depth
        shut = {m for m in Market if not self.config.session(m, now_ms)}
        if not shut:
            return trades, depth
        return (
            frozenset(s for s in trades if s.market not in shut),
            [s for s in depth if s.market not in shut],
        )

    async def _fan_out(self, pushes: list[Push]) -> None:
        """Send each connection what it subscribed to, in the order the market produced it."""
        if not pushes:
            return
        # (symbol, book or None, trade frame or ""): trades are encoded once for everyone.
        items = [
            (p.symbol, p, "")
            if isinstance(p, BookRecord)
            else (p.symbol, None, _push(Cmd.PUSH_TRADE, p.to_wire()))
            for p in pushes
        ]
        depth_frames: dict[tuple[int, int], str] = {}

        def depth_frame(book: BookRecord, levels: int) -> str:
            key = (id(book), levels)
            if key not in depth_frames:
                depth_frames[key] = _push(Cmd.PUSH_DEPTH, book.to_wire(levels))
            return depth_frames[key]

        async def send_to(ws: ServerConnection, rec: ConnectionRecord) -> None:
            try:
                for symbol, book, text in items:  # subscriptions checked before each send
                    if book is None:
                        if symbol in rec.trades:
                            await self._send_push(ws, rec, text, depth=False)
                    else:
                        levels = rec.depth.get(symbol)
                        if levels:
                            await self._send_push(ws, rec, depth_frame(book, levels), depth=True)
            except ConnectionClosed:
                pass

        await asyncio.gather(*(send_to(ws, rec) for ws, rec in list(self._live.values())))

    async def _send_push(
        self, ws: ServerConnection, rec: ConnectionRecord, text: str, *, depth: bool
    ) -> None:
        out = self.faults.outgoing(rec, text)
        if out is None:
            return
        await ws.send(out)
        if depth:
            rec.depth_pushes += 1
            self.stats.depth_pushes += 1
        else:
            rec.trade_pushes += 1
            self.stats.trade_pushes += 1


class _Refused(Exception):
    """A REST request answered with an error `ret`."""

    def __init__(self, ret: int, msg: str) -> None:
        super().__init__(msg)
        self.ret, self.msg = ret, msg


class _RestApi:
    """The REST snapshots of reference §1.10, answered from the server's market."""

    def __init__(self, server: SimulatorServer) -> None:
        self._server = server
        self._market = server.market
        self._handlers: dict[str, Callable[[Plan, dict[str, Any]], dict[str, Any]]] = {
            "trade-tick": self.trade_tick,
            "depth-tick": self.depth_tick,
            "kline": self.kline,
            "batch-kline": self.batch_kline,
            "static_info": self.static_info,
        }

    def answer(self, endpoint: str, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """HTTP status and `{ret,msg,trace,data}` body for `GET <endpoint>?token=&query=`."""
        token = (params.get("token") or [""])[0]
        if not token:
            return 401, {"ret": 401, "msg": "token is required"}
        plan = self._server.plan_for(token)
        if plan is None:
            return 401, {"ret": 401, "msg": "token invalid"}
        handler = self._handlers.get(endpoint)
        if handler is None:
            return 404, {"ret": 404, "msg": "not found"}
        try:
            query = msgspec.json.decode((params.get("query") or [""])[0])
        except msgspec.DecodeError:
            query = None
        trace = query.get("trace") if isinstance(query, dict) else None
        trace = trace if isinstance(trace, str) else ""
        if not isinstance(query, dict) or not isinstance(query.get("data"), dict):
            return 200, {"ret": 402, "msg": "query invalid", "trace": trace, "data": {}}
        try:
            data = handler(plan, query["data"])
        except _Refused as refused:
            return 200, {"ret": refused.ret, "msg": refused.msg, "trace": trace, "data": {}}
        return 200, {"ret": 200, "msg": "ok", "trace": trace, "data": data}

    def _resolve(self, code: object) -> Symbol | None:
        if not isinstance(code, str):
            raise _Refused(400, DATA_INVALID)
        config = self._server.config
        symbol = self._market.resolve(code, synthesise=config.synthesise_unknown)
        if symbol is None and config.unknown_codes == "reject":
            raise _Refused(600, "code invalid")
        return symbol

    def _symbols(self, plan: Plan, data: dict[str, Any]) -> list[Symbol]:
        items = data.get("symbol_list")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _Refused(400, DATA_INVALID)
        resolved = [self._resolve(item.get("code")) for item in items[: plan.rest_max_codes]]
        return [symbol for symbol in resolved if symbol is not None]

    def trade_tick(self, plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
        """Latest trade per code."""
        symbols = self._symbols(plan, data)
        return {"tick_list": [self._market.last_trade(s).to_wire() for s in symbols]}

    def depth_tick(self, plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
        """Latest book per code, with the market's maximum number of levels."""
        levels = self._server.depth_levels
        books = [self._market.book(s) for s in self._symbols(plan, data)]
        return {"tick_list": [b.to_wire(levels(b.symbol.market, BOOK_DEPTH)) for b in books]}

    def static_info(self, plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
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

    def kline(self, plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
        """Up to 500 bars of one code, oldest first."""
        code, kline_type, count = self._kline_args(data, _MAX_KLINES)
        bars = self._bars(code, kline_type, count)
        return {"code": code, "kline_type": kline_type, "kline_list": bars}

    def batch_kline(self, plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
        """The last one or two bars of many codes (kline_type 8 gives the previous close)."""
        items = data.get("data_list")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _Refused(400, DATA_INVALID)
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
            or kline_type not in (*_KLINE_MINUTES, _DAY_KLINE)
            or type(count) is not int
            or count < 1
        ):
            raise _Refused(400, DATA_INVALID)
        assert isinstance(kline_type, int)
        return code, kline_type, min(count, most)

    def _bars(self, code: str, kline_type: int, count: int) -> list[dict[str, str]]:
        symbol = self._resolve(code)
        if symbol is None:
            return []
        bars: list[Bar] = []
        if kline_type == _DAY_KLINE:
            bars = [self._market.previous_day_bar(symbol), self._market.day_bar(symbol)]
        else:
            span = _KLINE_MINUTES[kline_type] * MINUTE_MS
            for bar in self._market.minute_bars(symbol):
                start = bar.start_ms - bar.start_ms % span
                if bars and bars[-1].start_ms == start:
                    bars[-1] = bars[-1].merged(bar)
                else:
                    bars.append(replace(bar, start_ms=start))
        return [bar.to_wire() for bar in bars[-count:]]


def _push(cmd: int, data: dict[str, object]) -> str:
    """A push frame: only `cmd_id` and `data` (reference §1.2)."""
    return msgspec.json.encode({"cmd_id": cmd, "data": data}).decode()


def json_response(connection: ServerConnection, status: int, body: dict[str, Any]) -> Response:
    """An HTTP response with a JSON body, for REST answers and refused handshakes."""
    response = connection.respond(status, msgspec.json.encode(body).decode())
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response

"""An AllTick-compatible market on loopback: the WebSocket protocol and the REST snapshots.

Implements reference/alltick-protocol.md §4.3 "Must implement" over one port: the WS endpoint at
`/quote-stock-b-ws-api` (and `/quote-b-ws-api`), REST GETs under `/quote-stock-b-api/…` answered
from websockets' `process_request`, and `POST …/batch-kline` answered by `PostAwareConnection`.
Every handshake, frame in and frame out passes a `Faults` hook (`simulator/faults.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from desktop.aio.task_set import TaskSet
from desktop.domain.symbols import Market, Symbol
from desktop.protocol.alltick_wire import OTHER_WS_PATH, STOCK_REST_PATH, STOCK_WS_PATH, Cmd
from desktop.protocol.plans import PlanProfile
from desktop.simulator.config import SimulatorConfig, always_open, plan_named
from desktop.simulator.connections import ConnectionRecord, ReceivedFrame, ServerStats
from desktop.simulator.demo_state import load_prices, save_prices, utc_day
from desktop.simulator.faults import Faults
from desktop.simulator.market import SimulatedMarket
from desktop.simulator.records import BookRecord, TradeRecord, wall_clock_ms
from desktop.simulator.requests import RequestHandler
from desktop.simulator.rest_api import PostAwareConnection, RestApi, json_response
from desktop.simulator.source import MarketSource, Push

__all__ = ["SimulatorConfig", "SimulatorServer", "json_response"]

_log = logging.getLogger(__name__)


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
        carry = (
            load_prices(cfg.prices_path, utc_day(self.clock()))
            if cfg.prices_path is not None and market is None
            else None
        )
        self.market: MarketSource = market or SimulatedMarket(
            seed=cfg.seed,
            clock=self.clock,
            history_minutes=cfg.history_minutes,
            vol_scale=cfg.vol_scale,
            carry=carry,
        )
        self.faults = faults or Faults()
        self.tokens: dict[str, str] = dict(cfg.tokens)
        self.stats = ServerStats()
        self.connections: list[ConnectionRecord] = []
        self.rest = RestApi(self)
        self.requests = RequestHandler(cfg, self.market, self.stats, self._invalidate)
        self.depth_levels = self.requests.depth_levels
        self._tasks = TaskSet("simulator")
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
        """Listen and start pushing (again on the same port after a `stop`)."""
        self.faults.bind(self)
        self._server = await serve(
            self._handle,
            self.config.host,
            self._port or self.config.port,  # a restart listens where clients knew it
            process_request=self._process_request,
            create_connection=PostAwareConnection.for_rest(self.rest),
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
        await self._tasks.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        path = self.config.prices_path
        if path is not None and isinstance(self.market, SimulatedMarket):
            save_prices(path, utc_day(self.clock()), self.market.last_prices())

    async def __aenter__(self) -> SimulatorServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- tokens and connections
    def plan_for(self, token: str | None) -> PlanProfile | None:
        """The plan of a token, or None when the server refuses it."""
        if not token:
            return None
        name = self.tokens.get(token, self.config.any_token_plan)
        return plan_named(name) if name else None

    def open_connections(self, token: str | None = None) -> list[ConnectionRecord]:
        """Connections currently open and within their limit (of one token if given)."""
        return [rec for _, rec in self._live.values() if token is None or rec.token == token]

    async def drop_all(self, *, abort: bool = True, code: int = 1011) -> int:
        """Drop every open connection: abort the TCP stream (the client sees 1006, no close
        frame) or close it with `code`. Returns how many were dropped (tests: reconnects)."""
        dropped = [record for _, record in self._live.values()]
        for record in dropped:
            if abort:
                self.abort(record)
            else:
                await self.close_record(record, code, "dropped")
        return len(dropped)

    def _invalidate(self) -> None:
        self._wanted_cache = None

    # ----------------------------------------------------------------- actions for fault hooks
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run `coro` in the background; cancelled at `stop()`."""
        self._tasks.spawn(coro)

    def _socket(self, record: ConnectionRecord) -> ServerConnection | None:
        live = self._live.get(record.id)
        return live[0] if live is not None else None

    def abort(self, record: ConnectionRecord) -> None:
        """Drop one connection without a close frame (the client sees 1006)."""
        ws = self._socket(record)
        if ws is None:
            return
        record.closed_at = asyncio.get_running_loop().time()
        record.close_reason = "dropped (aborted)"
        self._live.pop(record.id, None)
        self._invalidate()
        ws.transport.abort()

    async def close_record(self, record: ConnectionRecord, code: int, why: str) -> None:
        """Close one connection with a close frame carrying `code`."""
        ws = self._socket(record)
        if ws is not None:
            await self._close(ws, record, code, why)

    def send_later(self, record: ConnectionRecord, text: str, delay: float) -> None:
        """Send `text` on this connection after `delay` seconds, if it is still open."""

        async def later() -> None:
            await asyncio.sleep(delay)
            ws = self._socket(record)
            if ws is not None:
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(text)

        self.spawn(later())

    async def burst(self, count: int) -> int:
        """Push `count` trades at once, spread over the subscribed symbols; returns how many."""
        trade_symbols, _ = self._wanted(self.clock())
        if not trade_symbols:
            return 0
        pushes = self.market.pushes(self.clock(), count, trade_symbols, [])
        await self._fan_out(pushes)
        return sum(1 for push in pushes if isinstance(push, TradeRecord))

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Gate the WS handshake on path and token, and answer REST GETs on the same port."""
        url = urlsplit(request.path)
        token = (parse_qs(url.query).get("token") or [""])[0]
        if url.path in (STOCK_WS_PATH, OTHER_WS_PATH):
            plan = self.plan_for(token)
            refusal = self.faults.refuse_handshake(token)
            if plan is None or refusal == 401:
                self.stats.connections_refused += 1
                return json_response(connection, 401, {"ret": 401, "msg": "token invalid"})
            if refusal is not None:
                self.stats.connections_refused += 1
                body = {"ret": refusal, "msg": "refused"}
                return json_response(connection, refusal, body)
            now = asyncio.get_running_loop().time()
            previous = self._last_connect.get(token)
            floor = plan.reconnect_floor_s if self.config.enforce_reconnect_floor else 0.0
            if previous is not None and now - previous < floor:
                self.stats.connections_refused += 1
                return json_response(connection, 429, {"ret": 429, "msg": "rate limit"})
            self._last_connect[token] = now
            return None
        if url.path.startswith(STOCK_REST_PATH + "/"):
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
        if len(self.open_connections(token)) >= plan.connections or self.faults.refuse_connection(
            record
        ):
            # Reference §1.7: over the limit the connection is accepted, then closed at once.
            record.over_limit = True
            self.stats.connections_over_limit += 1
            await self._close(ws, record, 1008, "connection limit exceeded")
            return
        self.stats.connections_accepted += 1
        self._live[record.id] = (ws, record)
        self._invalidate()
        try:
            await self._receive_loop(ws, record)
        finally:
            self._live.pop(record.id, None)
            self._invalidate()
            if ws.protocol.close_rcvd is not None:
                record.client_close_code = ws.protocol.close_rcvd.code
            if record.closed_at is None:
                record.closed_at = asyncio.get_running_loop().time()
                record.close_reason = record.close_reason or "closed by client"

    async def _close(
        self, ws: ServerConnection, record: ConnectionRecord, code: int, why: str
    ) -> None:
        record.closed_at = asyncio.get_running_loop().time()
        record.close_reason = why
        self._live.pop(record.id, None)
        self._invalidate()
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
            forced = self.faults.forced_reply(record, incoming)
            if forced is None:
                reply, close = self.requests.answer(record, incoming, now)
            else:
                reply, close = self.requests.forced(incoming, *forced)
            out = self.faults.outgoing(record, msgspec.json.encode(reply).decode())
            try:
                if out is not None:
                    await ws.send(out)
                if close:
                    await self._close(ws, record, 1008, str(reply["msg"]))
                    return
            except ConnectionClosed:
                return

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
                pushes = self.market.pushes(now_ms, count, trade_symbols, due)
                thin_chance = self.config.extended_trades_per_second * elapsed
                for symbol in self._extended(now_ms):
                    if self._rng.random() < thin_chance:
                        pushes.extend(self.market.pushes(now_ms, 1, (symbol,), ()))
                await self._fan_out(pushes)
            except Exception:  # the loop must outlive any bug in one step
                _log.exception("simulator push step failed")

    def _wanted(self, now_ms: int) -> tuple[frozenset[Symbol], list[Symbol]]:
        """Union of the open connections' trade and depth sets, minus closed markets (books of a
        market in extended hours keep coming; its trades are thinned by `_extended`)."""
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
        extended = self.config.extended_session
        quoting = {m for m in shut if extended is not None and extended(m, now_ms)}
        return (
            frozenset(s for s in trades if s.market not in shut),
            [s for s in depth if s.market not in shut or s.market in quoting],
        )

    def _extended(self, now_ms: int) -> list[Symbol]:
        """Trade-subscribed symbols whose market is in extended hours: they trade thinly."""
        extended = self.config.extended_session
        if extended is None or self._wanted_cache is None:
            return []
        if not isinstance(self.market, SimulatedMarket):  # a replay pushes what was recorded
            return []
        thin = {m for m in Market if extended(m, now_ms)}
        if not thin:
            return []
        return sorted(s for s in self._wanted_cache[0] if s.market in thin)

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
        for out, genuine in self.faults.push(rec, text):
            await ws.send(out)
            if not genuine:
                continue
            if depth or (isinstance(out, str) and out.startswith(_DEPTH_PREFIX)):
                rec.depth_pushes += 1
                self.stats.depth_pushes += 1
            else:
                rec.trade_pushes += 1
                self.stats.trade_pushes += 1


_DEPTH_PREFIX = f'{{"cmd_id":{Cmd.PUSH_DEPTH},'


def _push(cmd: int, data: dict[str, object]) -> str:
    """A push frame: only `cmd_id` and `data` (reference §1.2)."""
    return msgspec.json.encode({"cmd_id": cmd, "data": data}).decode()

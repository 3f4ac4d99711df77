"""AllTick REST over httpx: snapshots of last trade, book, day bars and names, paced per plan."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import httpx

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.symbols import Symbol
from desktop.feed.redact import redact
from desktop.protocol.alltick_rest import (
    KLINE_1M,
    KLINE_DAY,
    MAX_KLINES,
    Bar,
    RestError,
    RestQueries,
    StaticInfo,
    reference_from,
)
from desktop.protocol.plans import PlanProfile
from desktop.protocol.rest_pacing import RATE_LIMITED, RestPacer

__all__ = ["AllTickRestClient", "rest_base_from_ws"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")
# httpx logs every request URL at INFO, and AllTick puts the token in the URL (§1.1).
logging.getLogger("httpx").setLevel(logging.WARNING)


def rest_base_from_ws(ws_url: str) -> str:
    """`wss://host/quote-stock-b-ws-api` → `https://host/quote-stock-b-api` (same host and port)."""
    base = ws_url.split("?", 1)[0]
    if base.startswith("wss://"):
        base = "https://" + base[len("wss://") :]
    elif base.startswith("ws://"):
        base = "http://" + base[len("ws://") :]
    if base.endswith("-ws-api"):
        base = base[: -len("-ws-api")] + "-api"
    return base.rstrip("/")


class AllTickRestClient:
    """One shared AsyncClient with timeouts; requests paced within the plan's documented limits.

    Every endpoint is spaced by `RestPacer` (§1.10); a "too fast" answer (429 / 605) holds that
    endpoint longer and retries, up to `retries` times. One refusal never turns batch requests
    off: a failed `/batch-kline` falls back to `/kline` per symbol for that call only.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        profile: PlanProfile,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 4,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.profile = profile
        self.queries = RestQueries()
        self.pacer = RestPacer(profile)
        self.retries = retries
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            headers={"User-Agent": "QuoteBoard"},
        )
        self.requests = 0
        self.failures = 0
        self.refusals = 0
        """Requests the server refused as too fast (each was retried after a hold)."""
        self.sent: list[tuple[float, str]] = []
        """(monotonic time, path) of each request sent, newest last (tests check the spacing)."""

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    async def _request(
        self,
        path: str,
        send: Callable[[], Awaitable[httpx.Response]],
        parse: Callable[[bytes], _T],
    ) -> _T:
        """Send when the pacer allows, parse, and retry a "too fast" refusal after a hold."""
        url = self.base_url + path
        for attempt in range(self.retries + 1):
            wait = self.pacer.reserve(path, time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
            self.requests += 1
            self.sent.append((time.monotonic(), path))
            del self.sent[:-256]
            try:
                response = await send()
            except httpx.HTTPError as exc:
                self.failures += 1
                raise RestError(0, f"{type(exc).__name__} on {redact(url)}") from exc
            try:
                result = parse(self._body(response))
            except RestError as exc:
                if exc.ret in RATE_LIMITED and attempt < self.retries:
                    self.refusals += 1
                    hold = self.pacer.refused(path, time.monotonic())
                    log.info(
                        "REST %s refused as too fast (%d); retrying in %.1f s", path, exc.ret, hold
                    )
                    continue
                self.failures += 1
                raise
            self.pacer.accepted(path)
            return result
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _get(self, path: str, query: str, parse: Callable[[bytes], _T]) -> _T:
        params = {"token": self._token, "query": query}
        return await self._request(
            path, lambda: self._client.get(self.base_url + path, params=params), parse
        )

    def _poster(self, path: str, body: bytes) -> Callable[[], Awaitable[httpx.Response]]:
        """A POST of `body` to `path` with the token in the URL (`/batch-kline`, §1.10)."""

        def post() -> Awaitable[httpx.Response]:
            return self._client.post(
                self.base_url + path,
                params={"token": self._token},
                content=body,
                headers={"Content-Type": "application/json"},
            )

        return post

    def _body(self, response: httpx.Response) -> bytes:
        if response.status_code == 401:
            raise RestError(401, "token invalid")
        if response.status_code >= 400 and not response.content.startswith(b"{"):
            raise RestError(response.status_code, f"HTTP {response.status_code}")
        return response.content

    def _chunks(self, symbols: Sequence[Symbol]) -> list[list[Symbol]]:
        size = max(1, self.profile.rest_codes_per_request)
        return [list(symbols[i : i + size]) for i in range(0, len(symbols), size)]

    async def latest_trades(self, symbols: Sequence[Symbol]) -> list[Tick]:
        """The latest trade of each symbol (missing ones are simply absent)."""
        out: list[Tick] = []
        for chunk in self._chunks(symbols):
            path, query = self.queries.trade_tick(chunk)
            out.extend(await self._get(path, query, self._trades_of))
        return out

    async def latest_books(self, symbols: Sequence[Symbol]) -> list[DepthSnapshot]:
        """The latest book of each symbol."""
        out: list[DepthSnapshot] = []
        for chunk in self._chunks(symbols):
            path, query = self.queries.depth_tick(chunk)
            out.extend(await self._get(path, query, self._books_of))
        return out

    def _trades_of(self, body: bytes) -> list[Tick]:
        """Trades of a REST answer, refusing any dated more than a day ahead of the wall clock."""
        return self.queries.parse_trade_ticks(body, _wall_ms())

    def _books_of(self, body: bytes) -> list[DepthSnapshot]:
        """Books of a REST answer, refusing any dated more than a day ahead of the wall clock."""
        return self.queries.parse_depth_ticks(body, _wall_ms())

    async def static_info(self, symbols: Sequence[Symbol]) -> dict[str, StaticInfo]:
        """Names and lot sizes by canonical symbol."""
        out: dict[str, StaticInfo] = {}
        for chunk in self._chunks(symbols):
            path, query = self.queries.static_info(chunk)
            for info in await self._get(path, query, self.queries.parse_static_info):
                out[info.symbol] = info
        return out

    async def day_bars(self, symbols: Sequence[Symbol]) -> dict[str, list[Bar]]:
        """The last two daily bars of each symbol: POST /batch-kline, else GET /kline per symbol."""
        out: dict[str, list[Bar]] = {}
        try:
            for chunk in self._chunks(symbols):
                path, body = self.queries.batch_kline(chunk, KLINE_DAY, 2)
                out.update(
                    await self._request(
                        path, self._poster(path, body), self.queries.parse_batch_kline
                    )
                )
            return out
        except RestError as exc:
            log.info("batch-kline failed (%s); /kline per symbol this time", redact(str(exc)))
        for symbol in symbols:
            key = str(symbol)  # bars are keyed like the book, by canonical text
            if key in out:
                continue
            path, query = self.queries.kline(symbol, KLINE_DAY, 2)
            try:
                out[key] = await self._get(path, query, self.queries.parse_kline)
            except RestError as exc:
                log.info("no day bars for %s: %s", symbol, exc)
        return out

    async def daily_history(self, symbol: Symbol, count: int) -> list[Bar]:
        """Up to `count` of the symbol's latest daily bars (≤500), oldest first, today's last."""
        return await self.klines(symbol, KLINE_DAY, count)

    async def minute_bars(self, symbol: Symbol, count: int) -> list[Bar]:
        """Up to `count` of the symbol's latest 1-minute bars, oldest first (charts, sparklines)."""
        path, query = self.queries.kline(symbol, KLINE_1M, count)
        return await self._get(path, query, self.queries.parse_kline)

    async def klines(self, symbol: Symbol, kline_type: int, count: int) -> list[Bar]:
        """Up to `count` (≤ 500, reference §1.10) of the symbol's latest bars of one kline type."""
        path, query = self.queries.kline(symbol, kline_type, min(count, MAX_KLINES))
        return await self._get(path, query, self.queries.parse_kline)

    async def references(
        self, symbols: Sequence[Symbol]
    ) -> tuple[list[ReferenceData], list[Tick], list[str]]:
        """Everything the board needs before ticks arrive: references, latest trades, and problems."""
        problems: list[str] = []
        trades: list[Tick] = []
        statics: dict[str, StaticInfo] = {}
        bars: dict[str, list[Bar]] = {}
        try:
            trades = await self.latest_trades(symbols)
        except RestError as exc:
            problems.append(f"latest trades: {exc}")
        try:
            statics = await self.static_info(symbols)
        except RestError as exc:
            problems.append(f"names: {exc}")
        try:
            bars = await self.day_bars(symbols)
        except RestError as exc:
            problems.append(f"day bars: {exc}")
        last_by_symbol = {t.symbol: t for t in trades}
        refs = [
            reference_from(s, bars.get(key, []), last_by_symbol.get(key), statics.get(key))
            for s, key in ((s, str(s)) for s in symbols)
        ]
        return refs, trades, problems


def _wall_ms() -> int:
    """Wall-clock milliseconds: REST entries dated more than a day ahead of it are refused."""
    return time.time_ns() // 1_000_000

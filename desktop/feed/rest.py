"""AllTick REST over httpx: snapshots of last trade, book, day bars and names, paced per plan."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

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

__all__ = ["AllTickRestClient", "rest_base_from_ws"]

log = logging.getLogger(__name__)
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
    """One shared AsyncClient with timeouts; requests per endpoint are spaced by the plan's limit."""

    def __init__(
        self,
        base_url: str,
        token: str,
        profile: PlanProfile,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.profile = profile
        self.queries = RestQueries()
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            headers={"User-Agent": "QuoteBoard"},
        )
        self._next_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.requests = 0
        self.failures = 0
        self.batch_kline_supported = True

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    async def _pace(self, path: str) -> None:
        lock = self._locks.setdefault(path, asyncio.Lock())
        async with lock:
            wait = self._next_at.get(path, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_at[path] = time.monotonic() + self.profile.rest_interval_s

    async def _get(self, path: str, query: str) -> bytes:
        await self._pace(path)
        url = self.base_url + path
        self.requests += 1
        try:
            response = await self._client.get(url, params={"token": self._token, "query": query})
        except httpx.HTTPError as exc:
            self.failures += 1
            raise RestError(0, f"{type(exc).__name__} on {redact(url)}") from exc
        return self._body(response)

    def _body(self, response: httpx.Response) -> bytes:
        if response.status_code == 401:
            self.failures += 1
            raise RestError(401, "token invalid")
        if response.status_code >= 400 and not response.content.startswith(b"{"):
            self.failures += 1
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
            out.extend(self.queries.parse_trade_ticks(await self._get(path, query)))
        return out

    async def latest_books(self, symbols: Sequence[Symbol]) -> list[DepthSnapshot]:
        """The latest book of each symbol."""
        out: list[DepthSnapshot] = []
        for chunk in self._chunks(symbols):
            path, query = self.queries.depth_tick(chunk)
            out.extend(self.queries.parse_depth_ticks(await self._get(path, query)))
        return out

    async def static_info(self, symbols: Sequence[Symbol]) -> dict[str, StaticInfo]:
        """Names and lot sizes by canonical symbol."""
        out: dict[str, StaticInfo] = {}
        for chunk in self._chunks(symbols):
            path, query = self.queries.static_info(chunk)
            for info in self.queries.parse_static_info(await self._get(path, query)):
                out[info.symbol] = info
        return out

    async def day_bars(self, symbols: Sequence[Symbol]) -> dict[str, list[Bar]]:
        """The last two daily bars of each symbol: POST /batch-kline, else GET /kline per symbol."""
        out: dict[str, list[Bar]] = {}
        if self.batch_kline_supported:
            try:
                for chunk in self._chunks(symbols):
                    path, body = self.queries.batch_kline(chunk, KLINE_DAY, 2)
                    await self._pace(path)
                    self.requests += 1
                    response = await self._client.post(
                        self.base_url + path,
                        params={"token": self._token},
                        content=body,
                        headers={"Content-Type": "application/json"},
                    )
                    out.update(self.queries.parse_batch_kline(self._body(response)))
                return out
            except (RestError, httpx.HTTPError) as exc:
                log.info("batch-kline unavailable (%s); using /kline per symbol", redact(str(exc)))
                self.batch_kline_supported = False
        for symbol in symbols:
            key = str(symbol)  # bars are keyed like the book, by canonical text
            if key in out:
                continue
            path, query = self.queries.kline(symbol, KLINE_DAY, 2)
            try:
                out[key] = self.queries.parse_kline(await self._get(path, query))
            except RestError as exc:
                log.info("no day bars for %s: %s", symbol, exc)
        return out

    async def daily_history(self, symbol: Symbol, count: int) -> list[Bar]:
        """Up to `count` of the symbol's latest daily bars (≤500), oldest first, today's last."""
        path, query = self.queries.kline(symbol, KLINE_DAY, min(count, 500))
        return self.queries.parse_kline(await self._get(path, query))

    async def minute_bars(self, symbol: Symbol, count: int) -> list[Bar]:
        """Up to `count` of the symbol's latest 1-minute bars, oldest first (charts, sparklines)."""
        path, query = self.queries.kline(symbol, KLINE_1M, count)
        return self.queries.parse_kline(await self._get(path, query))

    async def klines(self, symbol: Symbol, kline_type: int, count: int) -> list[Bar]:
        """Up to `count` (≤ 500, reference §1.10) of the symbol's latest bars of one kline type."""
        path, query = self.queries.kline(symbol, kline_type, min(count, MAX_KLINES))
        return self.queries.parse_kline(await self._get(path, query))

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

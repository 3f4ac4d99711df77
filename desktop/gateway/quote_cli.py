"""`quoteboard quote SYMBOL… --redis-url URL [--json]`: the latest values from the gateway's cache.

One round trip (a pipeline of `HGETALL`s), no Qt, no provider: fast enough for a shell loop.
A symbol the cache does not hold is reported as such (and makes the exit status 1).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from redis.exceptions import RedisError

from desktop.domain.symbols import Symbol, SymbolError
from desktop.feed.redis_link import RedisLink, RedisUrlError
from desktop.protocol.gateway_wire import GatewayKeys

__all__ = ["FIELDS", "run_quote"]

FIELDS = ("symbol", "last", "change_pct", "bid", "ask", "volume", "time", "seq", "source")


def _row(symbol: str, raw: dict[bytes, bytes]) -> dict[str, Any]:
    fields = {
        k.decode(): v.decode(errors="replace") for k, v in raw.items() if k not in (b"ref", b"book")
    }
    time_ms = fields.get("time_ms", "")
    stamp = (
        datetime.fromtimestamp(int(time_ms) / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        if time_ms
        else ""
    )
    return {
        "symbol": symbol,
        "name": fields.get("name", ""),
        "last": fields.get("last", ""),
        "change_pct": fields.get("change_pct", ""),
        "bid": fields.get("bid", ""),
        "ask": fields.get("ask", ""),
        "volume": fields.get("volume", ""),
        "time_ms": int(time_ms) if time_ms else None,
        "time": stamp,
        "seq": fields.get("seq", ""),
        "book_time_ms": int(fields["book_time_ms"]) if fields.get("book_time_ms") else None,
        "source": fields.get("source", ""),
    }


async def _fetch(link: RedisLink, symbols: list[str]) -> list[dict[bytes, bytes]]:
    redis = link.connect(name="quoteboard-quote", timeout_s=3.0)
    try:
        keys = GatewayKeys()
        pipe = redis.pipeline(transaction=False)
        for symbol in symbols:
            pipe.hgetall(keys.quote(symbol))
        return list(await pipe.execute())
    finally:
        await redis.aclose()


def run_quote(texts: Sequence[str], redis_url: str, as_json: bool) -> int:
    """Print the cached quotes of `texts`; 0 when all were found, 1 otherwise, 2 on bad input."""
    symbols: list[str] = []
    for text in texts:
        try:
            symbols.append(str(Symbol.parse(text)))
        except SymbolError as exc:
            print(f"quoteboard quote: {exc}", file=sys.stderr)
            return 2
    try:
        link = RedisLink.parse(redis_url, os.environ.get("QUOTEBOARD_REDIS_PASSWORD") or None)
    except RedisUrlError as exc:
        print(f"quoteboard quote: --redis-url: {exc}", file=sys.stderr)
        return 2
    if link.password is None:
        from desktop.persistence.credentials import load_redis_password

        link = link.with_password(load_redis_password(link.redacted))
    try:
        answers = asyncio.run(_fetch(link, symbols))
    except (RedisError, OSError) as exc:
        print(f"quoteboard quote: cannot read {link.redacted}: {exc}", file=sys.stderr)
        return 2
    rows = [_row(s, raw) if raw else None for s, raw in zip(symbols, answers, strict=True)]
    missing = [s for s, row in zip(symbols, rows, strict=True) if row is None]
    if as_json:
        print(
            json.dumps(
                [
                    row or {"symbol": s, "missing": True}
                    for s, row in zip(symbols, rows, strict=True)
                ]
            )
        )
    else:
        table = [list(FIELDS)] + [
            [str(row[f]) for f in FIELDS] if row else [s, "not in the cache"]
            for s, row in zip(symbols, rows, strict=True)
        ]
        widths = [max(len(r[i]) for r in table if i < len(r)) for i in range(len(FIELDS))]
        for r in table:
            print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip())
    return 1 if missing else 0

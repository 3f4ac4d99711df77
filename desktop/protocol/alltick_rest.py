"""Sans-I/O AllTick REST: the queries to send and the parsing of answers into domain records.

Reference §1.10. Stocks live under `/quote-stock-b-api`; GETs carry `token` and a URL-encoded JSON
`query`; `/batch-kline` is a POST with a JSON body. Every answer is `{ret, msg, trace, data}`.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

import msgspec

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.symbols import Symbol
from desktop.protocol.alltick import AllTickCodec
from desktop.protocol.alltick_wire import DepthData, Number, TradeData

__all__ = ["Bar", "RestError", "RestQueries", "StaticInfo", "reference_from"]

_T = TypeVar("_T")

KLINE_1M = 1
KLINE_DAY = 8
MAX_KLINES = 500
"""Bars one `/kline` request may return (reference §1.10); stocks cannot page further back."""


class RestError(ValueError):
    """The server answered with a non-200 `ret` or an unreadable body."""

    def __init__(self, ret: int, msg: str) -> None:
        super().__init__(f"{msg} (ret {ret})")
        self.ret = ret
        self.msg = msg


class Bar(msgspec.Struct, frozen=True):
    """One kline bar; `timestamp` is the bar's start in epoch seconds."""

    timestamp: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int
    turnover: Decimal | None


class StaticInfo(msgspec.Struct, frozen=True):
    """Names and board lot of a symbol from `/static_info`."""

    symbol: str
    name: str
    lot_size: int | None


class _KlineRow(msgspec.Struct):
    timestamp: Number
    open_price: Number
    close_price: Number
    high_price: Number
    low_price: Number
    volume: Number | None = None
    turnover: Number | None = None


class _StaticRow(msgspec.Struct):
    symbol: str
    name_en: str | None = None
    name_cn: str | None = None
    name_hk: str | None = None
    lot_size: Number | None = None


class _TickList(msgspec.Struct):
    tick_list: list[msgspec.Raw] = msgspec.field(default_factory=list)


class _KlineData(msgspec.Struct):
    code: str | None = None
    kline_list: list[_KlineRow] = msgspec.field(default_factory=list)


class _BatchEntry(msgspec.Struct):
    code: str
    kline_type: Number | None = None
    kline_data: list[_KlineRow] = msgspec.field(default_factory=list)


class _BatchData(msgspec.Struct):
    kline_list: list[_BatchEntry] = msgspec.field(default_factory=list)


class _StaticData(msgspec.Struct):
    static_info_list: list[_StaticRow] = msgspec.field(default_factory=list)


class _Answer(msgspec.Struct):
    ret: int | str
    msg: str = ""
    trace: str | None = None
    data: msgspec.Raw = msgspec.Raw(b"{}")


def _bar(row: _KlineRow) -> Bar:
    def num(value: Number | None) -> Decimal:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)

    stamp = int(Decimal(str(row.timestamp)))
    if stamp > 10**11:  # milliseconds
        stamp //= 1000
    turnover = None if row.turnover in (None, "") else num(row.turnover)
    return Bar(
        stamp,
        num(row.open_price),
        num(row.high_price),
        num(row.low_price),
        num(row.close_price),
        int(num(row.volume)),
        turnover,
    )


def _bars(rows: list[_KlineRow]) -> list[Bar]:
    """Bars oldest first; a row with unreadable numbers is skipped, not fatal."""
    out = []
    for row in rows:
        try:
            out.append(_bar(row))
        except (ArithmeticError, ValueError):
            continue
    return sorted(out, key=lambda b: b.timestamp)


class RestQueries:
    """Builds REST queries and parses their answers; the feed layer does the HTTP."""

    def __init__(self, codec: AllTickCodec | None = None) -> None:
        self._codec = codec or AllTickCodec()
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(4)
        self._encoder = msgspec.json.Encoder()

    def _query(self, data: dict[str, object]) -> str:
        trace = f"{self._prefix}-rest-{next(self._ids)}"
        return self._encoder.encode({"trace": trace, "data": data}).decode()

    # -- queries: (path, query JSON) -------------------------------------------------------------
    def trade_tick(self, symbols: list[Symbol]) -> tuple[str, str]:
        """Latest trade of each symbol."""
        return "/trade-tick", self._query({"symbol_list": [{"code": s.wire} for s in symbols]})

    def depth_tick(self, symbols: list[Symbol]) -> tuple[str, str]:
        """Latest book of each symbol."""
        return "/depth-tick", self._query({"symbol_list": [{"code": s.wire} for s in symbols]})

    def static_info(self, symbols: list[Symbol]) -> tuple[str, str]:
        """Names and lot sizes."""
        return "/static_info", self._query({"symbol_list": [{"code": s.wire} for s in symbols]})

    def kline(self, symbol: Symbol, kline_type: int, count: int) -> tuple[str, str]:
        """The latest `count` bars of one symbol."""
        data = {
            "code": symbol.wire,
            "kline_type": kline_type,
            "kline_timestamp_end": 0,
            "query_kline_num": count,
            "adjust_type": 0,
        }
        return "/kline", self._query(data)

    def batch_kline(self, symbols: list[Symbol], kline_type: int, count: int) -> tuple[str, bytes]:
        """POST body for the last ≤2 bars of many symbols."""
        rows = [
            {
                "code": s.wire,
                "kline_type": kline_type,
                "kline_timestamp_end": 0,
                "query_kline_num": count,
                "adjust_type": 0,
            }
            for s in symbols
        ]
        return "/batch-kline", self._query({"data_list": rows}).encode()

    # -- answers -------------------------------------------------------------------------------
    @staticmethod
    def _data(body: bytes, shape: type[_T]) -> _T:
        """The `data` of a successful answer as `shape`; RestError for errors and garbage."""
        try:
            answer = msgspec.json.decode(body, type=_Answer)
            ret = int(answer.ret)
            if ret != 200:
                raise RestError(ret, answer.msg or "error")
            raw = answer.data if bytes(answer.data) != b"null" else msgspec.Raw(b"{}")
            return msgspec.json.decode(raw, type=shape)
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError, RecursionError) as exc:
            if isinstance(exc, RestError):
                raise
            raise RestError(0, f"unreadable answer: {str(exc)[:80]}") from exc

    def parse_trade_ticks(self, body: bytes, now_ms: int | None = None) -> list[Tick]:
        """Trades from a `/trade-tick` answer; malformed or future-dated entries are skipped."""
        out: list[Tick] = []
        for raw in self._data(body, _TickList).tick_list:
            try:
                data = msgspec.json.decode(raw, type=TradeData)
                out.append(self._codec.decode_trade(data, now_ms))
            except (ValueError, msgspec.ValidationError, msgspec.DecodeError, RecursionError):
                continue
        return out

    def parse_depth_ticks(self, body: bytes, now_ms: int | None = None) -> list[DepthSnapshot]:
        """Books from a `/depth-tick` answer; malformed or future-dated entries are skipped."""
        out: list[DepthSnapshot] = []
        for raw in self._data(body, _TickList).tick_list:
            try:
                data = msgspec.json.decode(raw, type=DepthData)
                out.append(self._codec.decode_depth(data, now_ms))
            except (ValueError, msgspec.ValidationError, msgspec.DecodeError, RecursionError):
                continue
        return out

    def parse_kline(self, body: bytes) -> list[Bar]:
        """Bars of a `/kline` answer, oldest first."""
        return _bars(self._data(body, _KlineData).kline_list)

    def parse_batch_kline(self, body: bytes) -> dict[str, list[Bar]]:
        """Bars per canonical symbol of a `/batch-kline` answer, oldest first."""
        out: dict[str, list[Bar]] = {}
        for entry in self._data(body, _BatchData).kline_list:
            try:
                symbol = self._codec.canonical(entry.code)
            except ValueError:
                continue
            out[symbol] = _bars(entry.kline_data)
        return out

    def parse_static_info(self, body: bytes) -> list[StaticInfo]:
        """Names (English first) and lot sizes of a `/static_info` answer."""
        out: list[StaticInfo] = []
        for row in self._data(body, _StaticData).static_info_list:
            try:
                symbol = self._codec.canonical(row.symbol)
            except ValueError:
                continue
            name = row.name_en or row.name_hk or row.name_cn or ""
            lot = int(Decimal(str(row.lot_size))) if row.lot_size not in (None, "") else None
            out.append(StaticInfo(symbol, name.strip(), lot or None))
        return out


def reference_from(
    symbol: Symbol, day_bars: list[Bar], last: Tick | None, static: StaticInfo | None
) -> ReferenceData:
    """Combine day bars, the latest trade and static info into what the book needs.

    If the newest day bar is from the same market-local date as the latest trade, it is today's
    bar (open/high/low/volume so far) and the bar before it holds the previous close; otherwise the
    newest bar is the previous session and today has no bar yet.
    """
    zone = ZoneInfo(symbol.market.timezone)
    prev_close = today = None
    if day_bars:
        newest = day_bars[-1]
        newest_date = datetime.fromtimestamp(newest.timestamp, zone).date()
        last_date = datetime.fromtimestamp(last.ts_ms / 1000, zone).date() if last else None
        if last_date is not None and newest_date == last_date:
            today = newest
            prev_close = day_bars[-2].close if len(day_bars) > 1 else None
        else:
            prev_close = newest.close
    return ReferenceData(
        symbol=str(symbol),
        name=static.name if static else None,
        lot_size=static.lot_size if static else None,
        prev_close=prev_close,
        open=today.open if today else None,
        high=today.high if today else None,
        low=today.low if today else None,
        volume=today.volume if today else None,
        turnover=today.turnover if today else None,
        last=last.price if last else None,
        last_time_ms=last.ts_ms if last else None,
        as_of_ms=last.ts_ms if (last and today) else None,
        last_seq=last.seq if last else None,
    )

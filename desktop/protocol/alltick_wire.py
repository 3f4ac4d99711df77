"""AllTick wire vocabulary: command ids, error codes and the msgspec shapes of every message.

Facts from `shared/reference/alltick-protocol.md` §1.2–1.8. Shared by the client codec and the
simulator's server side so both speak exactly the same protocol.
"""

from __future__ import annotations

from enum import IntEnum

import msgspec

__all__ = [
    "MAX_TRACE_LEN",
    "CancelType",
    "Cmd",
    "DepthData",
    "Envelope",
    "ErrorCode",
    "LevelData",
    "SymbolRef",
    "TradeData",
]

MAX_TRACE_LEN = 64
STOCK_WS_PATH = "/quote-stock-b-ws-api"
OTHER_WS_PATH = "/quote-b-ws-api"
STOCK_REST_PATH = "/quote-stock-b-api"
DEFAULT_HOSTS = ("quote.alltick.co", "quote.alltick.io", "quote.tradeswitcher.com")


class Cmd(IntEnum):
    """Command ids (§1.3). A response's id is its request's id + 1."""

    HEARTBEAT = 22000
    HEARTBEAT_REPLY = 22001
    SUBSCRIBE_DEPTH = 22002
    SUBSCRIBE_DEPTH_REPLY = 22003
    SUBSCRIBE_TRADES = 22004
    SUBSCRIBE_TRADES_REPLY = 22005
    CANCEL = 22006
    CANCEL_REPLY = 22007
    PUSH_TRADE = 22998
    PUSH_DEPTH = 22999


class CancelType(IntEnum):
    """`cancel_type` of a 22006 request."""

    ALL = 0
    DEPTH = 1
    TRADES = 2


class ErrorCode(IntEnum):
    """`ret` codes (§1.8); 201/202 appear in header examples for 400 and are accepted too."""

    OK = 200
    HEADER_INVALID_ALT = 201
    DATA_INVALID_ALT = 202
    INVALID = 400
    TOKEN_INVALID = 401
    QUERY_INVALID = 402
    RATE_LIMIT = 429
    CODE_INVALID = 600
    BODY_EMPTY = 601
    TOKEN_LEVEL = 603
    CODE_UNAUTHORIZED = 604
    TOO_MANY_REQUESTS = 605
    TOO_MANY_AND_CLOSED = 606


Number = str | int | float


class Envelope(msgspec.Struct):
    """Any frame: a request, a response (`ret` set) or a push (only `cmd_id` and `data`)."""

    cmd_id: int | str
    data: msgspec.Raw = msgspec.Raw(b"{}")
    ret: int | str | None = None
    msg: str | None = None
    seq_id: int | str | None = None
    trace: str | None = None


class TradeData(msgspec.Struct):
    """`data` of a 22998 trade push and of a REST `/trade-tick` entry; numbers may be strings."""

    code: str
    price: Number
    tick_time: Number
    seq: Number | None = None
    volume: Number | None = None
    turnover: Number | None = None
    trade_direction: Number | None = 0


class LevelData(msgspec.Struct):
    """One `{price, volume}` entry of a book side."""

    price: Number
    volume: Number | None = None


class DepthData(msgspec.Struct):
    """`data` of a 22999 depth push and of a REST `/depth-tick` entry: a full top-N snapshot."""

    code: str
    tick_time: Number
    seq: Number | None = None
    bids: list[LevelData] = msgspec.field(default_factory=list)
    asks: list[LevelData] = msgspec.field(default_factory=list)


class SymbolRef(msgspec.Struct):
    """One `{code, depth_level?}` entry of a subscribe request's `symbol_list`."""

    code: str
    depth_level: int | None = None

"""The simulator's answers to client requests: heartbeat, subscribe, cancel (reference §1.2–1.8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from desktop.domain.symbols import Market, Symbol
from desktop.protocol.alltick_wire import MAX_TRACE_LEN, CancelType, Cmd, ErrorCode
from desktop.simulator.config import SimulatorConfig
from desktop.simulator.connections import ConnectionRecord, ServerStats
from desktop.simulator.records import BOOK_DEPTH
from desktop.simulator.rest_api import DATA_INVALID
from desktop.simulator.source import MarketSource

__all__ = ["HEADER_INVALID", "RequestHandler"]

HEADER_INVALID = "request header param invalid"
_REQUESTS = {Cmd.HEARTBEAT, Cmd.SUBSCRIBE_DEPTH, Cmd.SUBSCRIBE_TRADES, Cmd.CANCEL}
_MESSAGES = {
    429: "rate limit",
    605: "too many requests",
    606: "too many requests and connection will be closed",
}
_RET_MESSAGES = {200: "ok", 400: DATA_INVALID, 600: "code invalid"}


class RequestHandler:
    """Validates one client frame and changes that connection's subscriptions; pure, no I/O."""

    def __init__(
        self,
        config: SimulatorConfig,
        market: MarketSource,
        stats: ServerStats,
        changed: Callable[[], None],
    ) -> None:
        self.config = config
        self.market = market
        self.stats = stats
        self._changed = changed

    def answer(
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
            if cmd_id is not None:
                record.answers.append((cmd_id, ret))
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
            self._changed()
            return reply(ErrorCode.OK, "ok")
        ret = self.subscribe(record, cmd_id == Cmd.SUBSCRIBE_DEPTH, data)
        return reply(ret, _RET_MESSAGES[ret])

    def subscribe(self, record: ConnectionRecord, depth: bool, data: dict[str, Any]) -> int:
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
        for code, level in entries[: record.plan.symbols_per_connection]:  # §1.5: first N, silently
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
        self._changed()
        return ErrorCode.OK

    def depth_levels(self, market: Market, requested: int | None) -> int:
        """Levels served: 1 when not asked (reference §1.4), capped by market (HK 10, US 1)."""
        cap = self.config.hk_depth_levels if market is Market.HK else self.config.us_depth_levels
        return max(1, min(requested or 1, cap, BOOK_DEPTH))

    def forced(self, text: str, ret: int, close: bool) -> tuple[dict[str, Any], bool]:
        """A reply with `ret` for the request in `text` (fault injection)."""
        self.stats.requests_rejected += 1
        try:
            frame = msgspec.json.decode(text)
        except msgspec.DecodeError:
            frame = {}
        head = frame if isinstance(frame, dict) else {}
        cmd = head.get("cmd_id")
        answer: dict[str, Any] = {
            "ret": ret,
            "msg": _MESSAGES.get(ret, "refused"),
            "cmd_id": cmd + 1 if type(cmd) is int else 0,
            "seq_id": head.get("seq_id"),
            "trace": head.get("trace"),
            "data": {},
        }
        return answer, close

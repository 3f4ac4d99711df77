"""Sans-I/O AllTick client codec: builds request frames and decodes replies and pushes.

Reference: `shared/reference/alltick-protocol.md` §1.2–1.9. Decoding never raises: a frame that is
not valid JSON, not an AllTick envelope, nested too deep, binary, or carries impossible values
(a time more than a day from `now`, a price not in (0, 1e9], a volume or seq of 2^63 or more, a
negative turnover, a non-finite number) is counted by kind and dropped.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import msgspec

from desktop.domain.market_data import (
    MAX_PRICE,
    MAX_VOLUME,
    DepthLevel,
    DepthSnapshot,
    Tick,
    TradeSide,
    sane_price,
)
from desktop.domain.symbols import Symbol, SymbolError
from desktop.protocol.alltick_wire import (
    CancelType,
    Cmd,
    DepthData,
    Envelope,
    LevelData,
    TradeData,
)

__all__ = [
    "MAX_PRICE",
    "MAX_SKEW_MS",
    "AllTickCodec",
    "DecodeStats",
    "OutgoingRequest",
    "Reply",
    "normalise_time_ms",
]

_MS_THRESHOLD = 10**12  # below this a tick_time is in seconds (§1.9)
_US_THRESHOLD = 10**15  # above this it is in microseconds
MAX_SKEW_MS = 86_400_000
"""A pushed trade or book stamped more than a day from the clock is refused."""
_OLDEST_MS = 946_684_800_000  # 2000-01-01: a REST "latest trade" may be old, never older than this
_MAX_INT = MAX_VOLUME  # what SQLite and every int64 column downstream can hold
_SIDES = (TradeSide.NEUTRAL, TradeSide.BUY, TradeSide.SELL)


class Reply(msgspec.Struct, frozen=True):
    """A response to one of our requests (`ret` 200 is success)."""

    cmd_id: int
    seq_id: int | None
    trace: str | None
    ret: int
    msg: str


class OutgoingRequest(msgspec.Struct, frozen=True):
    """A request frame ready to send, with what is needed to match its reply.

    `symbols` are the codes a subscribe lists, kept as `Symbol`s so a reply is read against
    them without parsing our own frame again.
    """

    cmd_id: int
    seq_id: int
    trace: str
    text: str
    symbols: tuple[Symbol, ...] = ()


@dataclass(slots=True)
class DecodeStats:
    """Counts of what the decoder saw; `bad` frames were dropped, `last_error` says why."""

    frames: int = 0
    trades: int = 0
    depths: int = 0
    replies: int = 0
    bad: int = 0
    unknown_cmd: int = 0
    last_error: str = ""
    bad_by_reason: dict[str, int] = field(default_factory=dict)
    """Bad frames by kind (a short reason, or the exception's type for anything unforeseen)."""


class _BadFrame(ValueError):
    """Internal: why a frame was dropped."""


def normalise_time_ms(value: str | int | float) -> int:
    """Epoch milliseconds from seconds, milliseconds or microseconds, as int or string (§1.9)."""
    number = int(_decimal(value, "tick_time"))
    if number <= 0:
        raise _BadFrame("tick_time is not positive")
    if number < _MS_THRESHOLD:
        return number * 1000
    if number >= _US_THRESHOLD:
        return number // 1000
    return number


def _decimal(value: str | int | float | None, what: str) -> Decimal:
    if value is None:
        raise _BadFrame(f"{what} missing")
    try:
        number = Decimal(value) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation as exc:
        raise _BadFrame(f"{what} is not a number") from exc
    if not number.is_finite():
        raise _BadFrame(f"{what} is not finite")
    if number and number.adjusted() > 18:
        raise _BadFrame(f"{what} is out of range")  # "1e999999999" must not become a huge int
    return number


def _whole(value: str | int | float | None, what: str) -> int:
    if value is None or value == "":
        return 0
    number = _decimal(value, what)
    if number < 0:
        raise _BadFrame(f"{what} is negative")
    whole = int(number)
    if whole > _MAX_INT:
        raise _BadFrame(f"{what} is out of range")
    return whole


def _price(value: str | int | float | None, what: str) -> Decimal:
    """A price in (0, 1e9]: zero, negative, denormal-small or astronomic prices are not trades."""
    price = _decimal(value, what)
    if price <= 0:
        raise _BadFrame(f"{what} is not positive")
    if not sane_price(price):
        raise _BadFrame(f"{what} is out of range")
    return price


def _seq(value: str | int | float | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, int) else int(value)
    except (ValueError, OverflowError) as exc:
        raise _BadFrame("seq is not an integer") from exc
    if not 0 <= number <= _MAX_INT:
        raise _BadFrame("seq is out of range")
    return number


def _stamp(value: str | int | float, now_ms: int | None, *, rest: bool) -> int:
    """`tick_time` in ms: a push within a day of `now_ms`; a REST "latest trade", which may be
    days old, only not in the future and not before 2000."""
    ts = normalise_time_ms(value)
    if now_ms is not None and ts > now_ms + MAX_SKEW_MS:
        raise _BadFrame("tick_time is in the future")
    oldest = _OLDEST_MS if rest or now_ms is None else now_ms - MAX_SKEW_MS
    if ts < oldest:
        raise _BadFrame("tick_time is too old")
    return ts


class AllTickCodec:
    """One connection's codec: numbered requests out, typed events in, with counters."""

    def __init__(self, trace_prefix: str | None = None) -> None:
        self._prefix = trace_prefix or secrets.token_hex(4)
        self._seq = itertools.count(1)
        self._envelope = msgspec.json.Decoder(Envelope)
        self._trade = msgspec.json.Decoder(TradeData)
        self._depth = msgspec.json.Decoder(DepthData)
        self._encoder = msgspec.json.Encoder()
        self._symbols: dict[str, str] = {}
        self.stats = DecodeStats()

    # -- outgoing -------------------------------------------------------------------------------
    def _request(
        self,
        cmd: Cmd,
        data: dict[str, object],
        label: str,
        symbols: tuple[Symbol, ...] = (),
    ) -> OutgoingRequest:
        seq_id = next(self._seq)
        trace = f"{self._prefix}-{label}-{seq_id}"  # unique per request (§1.2)
        frame = {"cmd_id": int(cmd), "seq_id": seq_id, "trace": trace, "data": data}
        text = self._encoder.encode(frame).decode()
        return OutgoingRequest(int(cmd), seq_id, trace, text, symbols)

    def heartbeat(self) -> OutgoingRequest:
        """A 22000 heartbeat; send every 10 s or the server drops the connection after 30 s."""
        return self._request(Cmd.HEARTBEAT, {}, "hb")

    def subscribe_trades(self, symbols: list[Symbol]) -> OutgoingRequest:
        """A 22004 request for the FULL trade set of this connection (it replaces the previous one)."""
        codes = [{"code": s.wire} for s in symbols]
        data: dict[str, object] = {"symbol_list": codes}
        return self._request(Cmd.SUBSCRIBE_TRADES, data, "sub-t", tuple(symbols))

    def subscribe_depth(self, symbols: list[tuple[Symbol, int]]) -> OutgoingRequest:
        """A 22002 request for the FULL depth set, (symbol, levels a side) each; replaces the previous."""
        codes = [{"code": s.wire, "depth_level": levels} for s, levels in symbols]
        data: dict[str, object] = {"symbol_list": codes}
        listed = tuple(s for s, _ in symbols)
        return self._request(Cmd.SUBSCRIBE_DEPTH, data, "sub-d", listed)

    def cancel(self, kind: CancelType) -> OutgoingRequest:
        """A 22006 cancel of trades, depth or both."""
        return self._request(Cmd.CANCEL, {"cancel_type": int(kind)}, "cx")

    # -- incoming -------------------------------------------------------------------------------
    def decode(
        self, frame: bytes | str, now_ms: int, *, binary: bool = False
    ) -> Tick | DepthSnapshot | Reply | None:
        """Decode one text frame (bytes are its UTF-8) received at wall time `now_ms`; None when
        it was dropped (counted in `stats`) or is of no interest. A `binary` frame is refused."""
        stats = self.stats
        stats.frames += 1
        try:
            if binary:
                raise _BadFrame("binary frame")
            envelope = self._envelope.decode(frame)
            cmd = int(envelope.cmd_id)
            if cmd == Cmd.PUSH_TRADE:
                tick = self._to_tick(self._trade.decode(envelope.data), now_ms)
                stats.trades += 1
                return tick
            if cmd == Cmd.PUSH_DEPTH:
                book = self._to_depth(self._depth.decode(envelope.data), now_ms)
                stats.depths += 1
                return book
            if envelope.ret is not None:
                stats.replies += 1
                seq_id = _seq(envelope.seq_id)
                return Reply(cmd, seq_id, envelope.trace, int(envelope.ret), envelope.msg or "")
            stats.unknown_cmd += 1  # unknown pushes are ignored (§4.2 rule 6)
            return None
        except Exception as exc:  # noqa: BLE001 - a frame must never take the connection down
            # RecursionError from a frame nested thousands deep included: count it by kind.
            self._count_bad(exc)
            return None

    def decode_trade(self, data: TradeData, now_ms: int | None = None) -> Tick:
        """Turn a REST `/trade-tick` entry into a Tick (raises ValueError when malformed); a
        REST "latest trade" may be days old, so only a future time is refused."""
        try:
            return self._to_tick(data, now_ms, rest=True)
        except _BadFrame as exc:
            raise ValueError(str(exc)) from exc

    def decode_depth(self, data: DepthData, now_ms: int | None = None) -> DepthSnapshot:
        """Turn a REST `/depth-tick` entry into a DepthSnapshot (raises ValueError when malformed)."""
        try:
            return self._to_depth(data, now_ms, rest=True)
        except _BadFrame as exc:
            raise ValueError(str(exc)) from exc

    def canonical(self, wire_code: str) -> str:
        """`700.HK` → `00700.HK`, cached: the provider sends the same few codes all day."""
        symbol = self._symbols.get(wire_code)
        if symbol is None:
            try:
                symbol = str(Symbol.from_wire(wire_code))
            except SymbolError as exc:
                raise _BadFrame("code is not a symbol") from exc
            if len(self._symbols) < 100_000:
                self._symbols[wire_code] = symbol
        return symbol

    def _to_tick(self, data: TradeData, now_ms: int | None, *, rest: bool = False) -> Tick:
        price = _price(data.price, "price")
        direction = data.trade_direction
        side_index = int(direction) if direction not in (None, "") else 0
        side = _SIDES[side_index] if 0 <= side_index <= 2 else TradeSide.NEUTRAL
        turnover = None if data.turnover in (None, "") else _decimal(data.turnover, "turnover")
        if turnover is not None and turnover < 0:
            raise _BadFrame("turnover is negative")
        return Tick(
            symbol=self.canonical(data.code),
            price=price,
            volume=_whole(data.volume, "volume"),
            turnover=turnover,
            side=side,
            ts_ms=_stamp(data.tick_time, now_ms, rest=rest),
            seq=_seq(data.seq),
        )

    def _to_depth(
        self, data: DepthData, now_ms: int | None, *, rest: bool = False
    ) -> DepthSnapshot:
        return DepthSnapshot(
            symbol=self.canonical(data.code),
            bids=self._levels(data.bids),
            asks=self._levels(data.asks),
            ts_ms=_stamp(data.tick_time, now_ms, rest=rest),
            seq=_seq(data.seq),
        )

    @staticmethod
    def _levels(levels: list[LevelData]) -> tuple[DepthLevel, ...]:
        out = []
        for level in levels:
            if _decimal(level.price, "level price") <= 0:
                continue  # an empty slot (some feeds pad with zeros): not a level
            price = _price(level.price, "level price")
            out.append(DepthLevel(price, _whole(level.volume, "level volume")))
        return tuple(out)

    def count_bad(self, exc: BaseException) -> str:
        """Count a dropped frame (the decoder's own, or one whose applying failed) by kind;
        returns the kind."""
        return self._count_bad(exc)

    def _count_bad(self, exc: BaseException) -> str:
        stats = self.stats
        stats.bad += 1
        reason = str(exc).split("\n", 1)[0][:120] or type(exc).__name__
        stats.last_error = reason
        key = type(exc).__name__ if not isinstance(exc, _BadFrame) else reason
        if key in stats.bad_by_reason or len(stats.bad_by_reason) < 64:
            stats.bad_by_reason[key] = stats.bad_by_reason.get(key, 0) + 1
        return key

"""The desk gateway's Redis layout and its records, shared by the gateway, boards and scripts.

Sans-I/O: key names, the JSON records stored under them and their codec (README "Desk gateway"
documents the same layout for other tools). Everything is JSON (msgspec), never pickle; prices
travel as decimal strings.

- `qb:quote:<SYMBOL>`  hash, the latest value: flat fields for scripts plus `ref` (the day state
  as a `ReferenceData`) and `book` (the latest `DepthSnapshot`), rewritten at most every ~100 ms;
  `run`, `trades_n` and `books_n` say which batches of each stream it reflects (`QuoteCut`).
- `qb:stream:trades`, `qb:stream:books`  Streams, one entry per gateway flush: `g` gateway run,
  `n` batch number (consecutive within a run: a jump means the reader lost entries to trimming),
  `c` the cover (every event of a batch before it is in the hashes), `r` gateway wall ms, `d` a
  JSON array of ticks or books, and `f` the REST snapshots taken since the previous flush (on
  trades `ReferenceData`, on books `DepthSnapshot`). Bounded with `MAXLEN ~`. Hashes and entries
  of one flush share one MULTI, so a reader's MULTI of hashes and the last entries, plus the
  entries back to the cover, is an exact cut.
- `qb:gateway`  the heartbeat (`GatewayBeat` JSON) with a short TTL.
- `qb:cache-epoch`  set once per Redis data set: when it vanished, Redis lost its data.
- `qb:interest:<board>`  what a board wants (`BoardInterest` JSON), expiring unless refreshed.
- `qb:bars:<SYMBOL>:<kline_type>`  bars the gateway keeps for boards, which have no provider
  token (`BarsRecord` JSON, expiring): the 1-minute and daily bars of every streamed symbol, and
  the other kline types boards' charts asked for (`BoardInterest.bars`).
- `qb:board:<board>`  the gateway's answer (`BoardAdmission` JSON): admitted or not, and why each
  symbol is not streaming.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import msgspec

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.quote_book import QuoteState
from desktop.protocol.alltick_rest import KLINE_1M, KLINE_DAY, Bar

__all__ = [
    "BARS_CAP",
    "DEFAULT_KLINE_TYPES",
    "BarsRecord",
    "BoardAdmission",
    "BoardInterest",
    "GatewayBeat",
    "GatewayCodec",
    "GatewayKeys",
    "QuoteCut",
    "StreamBatch",
    "parse_stream_id",
    "quote_fields",
]

_NOTHING = b""

BARS_CAP = 500
"""Bars kept per key: one `/kline` answer at most (reference §1.10), enough for every chart."""

DEFAULT_KLINE_TYPES = (KLINE_1M, KLINE_DAY)
"""Kept for every symbol a board streams: today's sparkline and 1-minute chart, and daily bars."""
_R = TypeVar("_R")


class GatewayKeys(msgspec.Struct, frozen=True):
    """Key names under one prefix (`qb` unless several gateways share a Redis)."""

    prefix: str = "qb"

    def quote(self, symbol: str) -> str:
        """The latest-value hash of `symbol`."""
        return f"{self.prefix}:quote:{symbol}"

    @property
    def trades(self) -> str:
        """The stream of trade batches."""
        return f"{self.prefix}:stream:trades"

    @property
    def books(self) -> str:
        """The stream of order-book batches."""
        return f"{self.prefix}:stream:books"

    @property
    def heartbeat(self) -> str:
        """The gateway's heartbeat (expires when the gateway stops refreshing it)."""
        return f"{self.prefix}:gateway"

    @property
    def cache_epoch(self) -> str:
        """Present while Redis still holds the data the gateway wrote (gone after a data loss)."""
        return f"{self.prefix}:cache-epoch"

    def bars(self, symbol: str, kline_type: int) -> str:
        """The bars the gateway keeps of `symbol` for one kline type (`BarsRecord` JSON)."""
        return f"{self.prefix}:bars:{symbol}:{kline_type}"

    def interest(self, board: str) -> str:
        """What `board` wants streamed."""
        return f"{self.prefix}:interest:{board}"

    @property
    def interest_pattern(self) -> str:
        """SCAN pattern of every board's interest."""
        return f"{self.prefix}:interest:*"

    def board(self, board: str) -> str:
        """The gateway's answer to `board`."""
        return f"{self.prefix}:board:{board}"

    @property
    def history_group(self) -> str:
        """The consumer group of the history writer on both streams."""
        return f"{self.prefix}-history"


class GatewayBeat(msgspec.Struct, frozen=True):
    """The heartbeat: which gateway run is alive and how its upstream feed is doing."""

    run: str
    wall_ms: int
    state: str
    """The upstream `FeedState` value ("Live", "Reconnecting", …)."""
    status: str
    """The upstream status sentence."""
    plan: str
    demo: bool
    boards: int = 0
    symbols: int = 0
    max_boards: int = 0


class BoardInterest(msgspec.Struct, frozen=True):
    """What one board wants: trade symbols, depth symbols, and those with a ladder open."""

    board: str
    trades: list[str]
    depth: list[str] = []
    full_depth: list[str] | None = None
    user: str = ""
    host: str = ""
    since_ms: int = 0
    """When the board started (wall ms): boards arriving together are admitted oldest first."""
    bars: list[tuple[str, int]] = []
    """(symbol, kline type) bars a chart asked for beyond the 1-minute and daily bars of `trades`."""


class BoardAdmission(msgspec.Struct, frozen=True):
    """The gateway's answer to a board: served or not, and why symbols are not streaming."""

    admitted: bool
    reason: str = ""
    notes: dict[str, str] = {}
    depth_blocked: list[str] = []


class BarsRecord(msgspec.Struct, frozen=True):
    """One symbol's bars of one kline type as the gateway last fetched them (or why it could not)."""

    symbol: str
    kline_type: int
    fetched_ms: int
    bars: list[Bar] = []
    error: str = ""
    """Set when the provider refused the request: boards report it instead of waiting."""
    ret: int = 0
    """The provider's `ret` code with `error` (0 when it was not the provider's answer)."""


class StreamBatch(msgspec.Struct, frozen=True):
    """One decoded stream entry: run, batch number, gateway wall ms and its events."""

    run: str
    number: int
    recv_ms: int
    events: list[Tick] | list[DepthSnapshot]
    refs: list[ReferenceData] = []
    """REST snapshots of the day state (trades stream)."""
    rest_books: list[DepthSnapshot] = []
    """REST books (books stream): applied as snapshots, only where nothing newer is held."""
    cover: int | None = None
    """Every event of a batch numbered below this is in the hashes (None: a gateway that wrote
    every hash with its batch, so the hashes cover the entry itself)."""


class QuoteCut(msgspec.Struct, frozen=True):
    """Which batches of each stream a latest-value hash reflects, so a joiner skips those."""

    run: str
    trades: int
    books: int

    def covers(self, run: str, number: int, books: bool) -> bool:
        """Whether batch `number` of run `run` (trades or books) is already in the hash."""
        return run == self.run and number <= (self.books if books else self.trades)


def parse_stream_id(entry_id: bytes | str) -> tuple[int, int]:
    """A stream entry id as a comparable (ms, seq) pair."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def _text(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def quote_fields(
    state: QuoteState, source: str, wall_ms: int, cut: QuoteCut | None = None
) -> dict[str, bytes | str]:
    """The latest-value hash of one symbol from the gateway's own `QuoteState`."""
    ref = ReferenceData(
        state.symbol,
        name=state.name or None,
        lot_size=state.lot_size,
        prev_close=state.prev_close,
        open=state.open,
        high=state.high,
        low=state.low,
        volume=state.volume,
        turnover=state.turnover,
        last=state.last,
        last_time_ms=state.last_time_ms,
        last_seq=state.last_seq,
        as_of_ms=max(state.last_time_ms or 0, state.ref_as_of_ms) or None,
        # The value counts every push up to the last trade: a later one in its millisecond
        # (a higher seq) still adds its volume on a joining board.
        as_of_seq=(
            state.last_seq
            if (state.last_time_ms or 0) >= state.ref_as_of_ms
            else state.ref_as_of_seq
        ),
    )
    depth = state.depth
    fields: dict[str, bytes | str] = {
        "symbol": state.symbol,
        "name": state.name,
        "last": _text(state.last),
        "time_ms": _text(state.last_time_ms),
        "seq": _text(state.last_seq),
        "prev_close": _text(state.prev_close),
        "change_pct": _text(
            None if state.change_pct is None else state.change_pct.quantize(Decimal("0.01"))
        ),
        "volume": str(state.volume),
        "bid": _text(state.bid),
        "ask": _text(state.ask),
        "bid_size": _text(state.bid_size),
        "ask_size": _text(state.ask_size),
        "book_time_ms": _text(None if depth is None else depth.ts_ms),
        "book_seq": _text(None if depth is None else depth.seq),
        "source": source,
        "updated_ms": str(wall_ms),
        "ref": msgspec.json.encode(ref),
        "book": _NOTHING if depth is None else msgspec.json.encode(depth),
    }
    if cut is not None:
        fields["run"] = cut.run
        fields["trades_n"] = str(cut.trades)
        fields["books_n"] = str(cut.books)
    return fields


class GatewayCodec:
    """Encodes and decodes the gateway's records; bad records are counted, never raised."""

    def __init__(self) -> None:
        self._ticks = msgspec.json.Decoder(list[Tick])
        self._books = msgspec.json.Decoder(list[DepthSnapshot])
        self._refs = msgspec.json.Decoder(list[ReferenceData])
        self._ref = msgspec.json.Decoder(ReferenceData)
        self._book = msgspec.json.Decoder(DepthSnapshot)
        self._beat = msgspec.json.Decoder(GatewayBeat)
        self._interest = msgspec.json.Decoder(BoardInterest)
        self._admission = msgspec.json.Decoder(BoardAdmission)
        self._bars = msgspec.json.Decoder(BarsRecord)
        self._encoder = msgspec.json.Encoder()
        self.bad = 0

    def encode(self, record: msgspec.Struct | list[Tick] | list[DepthSnapshot]) -> bytes:
        """JSON of a record or a batch of events."""
        return self._encoder.encode(record)

    def batch_entry(
        self,
        run: str,
        number: int,
        recv_ms: int,
        events: list[Tick] | list[DepthSnapshot],
        refs: list[ReferenceData] | list[DepthSnapshot] | None = None,
        cover: int | None = None,
    ) -> dict[str, bytes | str | int]:
        """The fields of one stream entry."""
        entry: dict[str, bytes | str | int] = {
            "g": run,
            "n": number,
            "r": recv_ms,
            "d": self._encoder.encode(events),
        }
        if cover is not None:
            entry["c"] = cover
        if refs:
            entry["f"] = self._encoder.encode(refs)
        return entry

    def batch(self, fields: dict[bytes, bytes], books: bool) -> StreamBatch | None:
        """A stream entry's fields decoded; None (and counted) when malformed."""
        try:
            data = fields[b"d"]
            events: list[Tick] | list[DepthSnapshot] = (
                self._books.decode(data) if books else self._ticks.decode(data)
            )
            raw_refs = fields.get(b"f")
            refs = self._refs.decode(raw_refs) if raw_refs and not books else []
            rest_books = self._books.decode(raw_refs) if raw_refs and books else []
            raw_cover = fields.get(b"c")
            return StreamBatch(
                fields[b"g"].decode(),
                int(fields[b"n"]),
                int(fields[b"r"]),
                events,
                refs,
                rest_books,
                None if raw_cover is None else int(raw_cover),
            )
        except (KeyError, ValueError, msgspec.DecodeError):
            self.bad += 1
            return None

    def quote(
        self, fields: dict[bytes, bytes]
    ) -> tuple[ReferenceData | None, DepthSnapshot | None]:
        """The day state and book of a latest-value hash (either may be missing)."""
        ref = book = None
        try:
            raw_ref = fields.get(b"ref")
            if raw_ref:
                ref = self._ref.decode(raw_ref)
            raw_book = fields.get(b"book")
            if raw_book:
                book = self._book.decode(raw_book)
        except msgspec.DecodeError:
            self.bad += 1
        return ref, book

    def cut(self, fields: dict[bytes, bytes]) -> QuoteCut | None:
        """Which batches a latest-value hash reflects (None when it does not say, or is bad)."""
        run = fields.get(b"run")
        if not run:
            return None
        try:
            return QuoteCut(run.decode(), int(fields[b"trades_n"]), int(fields[b"books_n"]))
        except (KeyError, ValueError):
            self.bad += 1
            return None

    def beat(self, raw: bytes | None) -> GatewayBeat | None:
        """The heartbeat, or None when absent or unreadable."""
        return self._decode(self._beat, raw)

    def interest(self, raw: bytes | None) -> BoardInterest | None:
        """A board's interest, or None when absent or unreadable."""
        return self._decode(self._interest, raw)

    def admission(self, raw: bytes | None) -> BoardAdmission | None:
        """The gateway's answer to a board, or None when absent or unreadable."""
        return self._decode(self._admission, raw)

    def bars(self, raw: bytes | None) -> BarsRecord | None:
        """Kept bars, or None when absent or unreadable."""
        return self._decode(self._bars, raw)

    def _decode(self, decoder: msgspec.json.Decoder[_R], raw: bytes | None) -> _R | None:
        if not raw:
            return None
        try:
            return decoder.decode(raw)
        except msgspec.DecodeError:
            self.bad += 1
            return None

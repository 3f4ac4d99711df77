"""Replay a recorded session as a `MarketSource`: the server then serves it over AllTick's protocol.

Events go out in the order the client received them, paced by the time they were received,
`speed` times faster; their timestamps are shifted so that the first one is "now" and the rest
follow at the replay's pace. Gaps longer than `max_gap_ms` (the app was closed, a lunch break)
are skipped. REST snapshots (last trade, book, day bar) follow the replay position. The clock
starts `start_delay_ms` after the first client subscribes — a client connecting late misses
nothing, and one that sends its depth subscription a second after its trades (§1.7) gets both.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.recording import EventKind
from desktop.domain.symbols import Market, Symbol, SymbolError
from desktop.simulator.market import (
    MINUTE_MS,
    Bar,
    BookRecord,
    TradeRecord,
    day_bounds,
    previous_weekday_start,
    wall_clock_ms,
)
from desktop.simulator.recording_reader import RecordedEvent, RecordingError, RecordingReader
from desktop.simulator.source import Push
from desktop.simulator.universe import Instrument, Universe, parse_wire

__all__ = ["ReplayProgress", "ReplaySource", "RecordingError"]

_ZERO = Decimal(0)
_MAX_PER_STEP = 50_000


@dataclass(frozen=True, slots=True)
class ReplayProgress:
    """Where a replay is: the recorded time reached, how much is done, whether it ended."""

    started: bool
    finished: bool
    position_ms: int
    """Local time at which the client originally received the last replayed event."""
    fraction: float
    replayed: int


@dataclass(slots=True)
class _Replayed:
    """One symbol's state at the replay position (records carry shifted times)."""

    inst: Instrument
    initial_trade: Tick | None
    initial_book: DepthSnapshot | None
    day: Bar
    prev_day: Bar
    trade: TradeRecord | None = None
    book: BookRecord | None = None
    minutes: deque[Bar] = field(default_factory=lambda: deque(maxlen=1440))


class ReplaySource:
    """A `MarketSource` that plays a recording back; used on the server's event-loop thread."""

    def __init__(
        self,
        path: Path,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        speed: float = 1.0,
        max_gap_ms: int = 5_000,
        start_delay_ms: int = 1_500,
        chunk: int = 5_000,
        clock: Callable[[], int] = wall_clock_ms,
    ) -> None:
        if not (speed > 0 and math.isfinite(speed)):
            raise ValueError("the replay speed must be a positive number")
        self.path = Path(path)
        self.speed = speed
        self.max_gap_ms = max_gap_ms
        self.start_delay_ms = start_delay_ms
        self._armed_at: int | None = None
        self._clock = clock
        self._symbols: dict[str, Symbol] = {}
        self._chunk = chunk
        self.reader = RecordingReader(self.path)
        span = self.reader.id_range(start_ms, end_ms)
        if span is None:
            self.reader.close()
            raise RecordingError(f"{self.path} holds no ticks in the chosen time range")
        self._lo, self._hi = span
        first = self.reader.event_at(self._lo)
        assert first is not None
        self._base = first[1]
        self._cursor = self._lo - 1
        self._buffer: deque[RecordedEvent] = deque()
        self._t0: int | None = None
        self._skipped = 0
        self._previous_recv = self._base
        self._position = self._base
        self._replayed = 0
        self._last_id = self._lo - 1
        self._finished = False
        self._states = self._initial_states(first[2].ts_ms)

    # -- set-up -------------------------------------------------------------------------------
    def _initial_states(self, start_ts: int) -> dict[Symbol, _Replayed]:
        reader, universe = self.reader, Universe()
        at_start = self._lo == self.reader.first_id()
        now = self._now()
        states: dict[Symbol, _Replayed] = {}
        for name in reader.symbols():
            try:
                symbol = Symbol.parse(name)
            except SymbolError:
                continue
            trade = (
                None if at_start else reader.nearest(name, EventKind.TRADE, start_ts, before=True)
            )
            trade = trade or reader.nearest(name, EventKind.TRADE, start_ts, before=False)
            book = (
                None if at_start else reader.nearest(name, EventKind.DEPTH, start_ts, before=True)
            )
            book = book or reader.nearest(name, EventKind.DEPTH, start_ts, before=False)
            if trade is None and book is None:
                continue
            assert trade is None or isinstance(trade, Tick)
            assert book is None or isinstance(book, DepthSnapshot)
            ref = reader.reference(name, self._base)
            inst = self._instrument(universe, symbol, ref)
            day, prev_day = self._day_bars(symbol, ref, trade, book, start_ts, now, at_start)
            states[symbol] = _Replayed(inst, trade, book, day, prev_day)
        return states

    @staticmethod
    def _instrument(universe: Universe, symbol: Symbol, ref: ReferenceData | None) -> Instrument:
        known = universe.get(symbol)
        lot = ref.lot_size if ref and ref.lot_size else None
        if known is not None:
            return replace(
                known,
                name_en=(ref.name if ref and ref.name else known.name_en),
                lot_size=lot or known.lot_size,
            )
        return Instrument(
            symbol,
            ref.name if ref and ref.name else str(symbol),
            "",
            _ZERO,
            0.0,
            lot or (1 if symbol.market is Market.US else 100),
            0.0,
            "HKEX" if symbol.market is Market.HK else "",
            "MAIN" if symbol.market is Market.HK else "",
        )

    def _day_bars(
        self,
        symbol: Symbol,
        ref: ReferenceData | None,
        trade: Tick | None,
        book: DepthSnapshot | None,
        start_ts: int,
        now: int,
        at_start: bool,
    ) -> tuple[Bar, Bar]:
        """Today's bar at the replay start and the previous day's (for the previous close)."""
        first_price = trade.price if trade else (book.bids or book.asks)[0].price if book else _ZERO
        day_start = day_bounds(symbol.market, now)[0]
        if ref is not None and ref.open is not None and ref.as_of_ms is not None:
            high = ref.high if ref.high is not None else ref.open
            low = ref.low if ref.low is not None else ref.open
            close = ref.last if ref.last is not None else ref.open
            day = Bar(day_start, ref.open, high, low, close, ref.volume or 0, ref.turnover or _ZERO)
            if not at_start:  # trades between the snapshot and the replay start count today
                for tick in self.reader.trades_between(str(symbol), ref.as_of_ms, start_ts):
                    day = day.merged(_bar(day_start, tick.price, tick.volume, _turnover(tick)))
        else:
            day = Bar(day_start, first_price, first_price, first_price, first_price, 0, _ZERO)
        prev_close = ref.prev_close if ref and ref.prev_close is not None else day.open
        prev_start = previous_weekday_start(symbol.market, now)
        prev_day = Bar(prev_start, prev_close, prev_close, prev_close, prev_close, 0, _ZERO)
        return day, prev_day

    # -- time ---------------------------------------------------------------------------------
    def _now(self) -> int:
        return self._clock()

    def _shift(self, recorded_ms: int) -> int:
        """A recorded time moved to the replay's clock (provisionally "now" before the start)."""
        origin = self._t0 if self._t0 is not None else self._now()
        return origin + round((recorded_ms - self._base - self._skipped) / self.speed)

    # -- MarketSource: static facts and snapshots ---------------------------------------------
    def symbols(self) -> list[Symbol]:
        """Every symbol this recording can replay."""
        return sorted(self._states)

    def resolve(self, code: str, *, synthesise: bool = False) -> Symbol | None:
        """The symbol for a wire code when the recording has it (never synthesises)."""
        symbol = parse_wire(code)
        return symbol if symbol in self._states else None

    def instrument(self, symbol: Symbol) -> Instrument:
        """Names and board lot, from the recorded REST snapshot when there is one."""
        return self._states[symbol].inst

    def last_trade(self, symbol: Symbol) -> TradeRecord:
        """The last replayed trade (before any: the last one before the replay's start)."""
        state = self._states[symbol]
        if state.trade is not None:
            return state.trade
        tick = state.initial_trade
        if tick is not None:
            return self._trade_record(symbol, tick)
        book = state.initial_book
        assert book is not None
        price = (book.bids or book.asks)[0].price
        return TradeRecord(symbol, book.seq or 0, self._shift(self._base), price, 0, _ZERO, 0)

    def book(self, symbol: Symbol) -> BookRecord:
        """The last replayed book (before any: the last one before the replay's start)."""
        state = self._states[symbol]
        if state.book is not None:
            return state.book
        if state.initial_book is not None:
            return self._book_record(symbol, state.initial_book)
        return BookRecord(symbol, 0, self._shift(self._base), (), ())

    def day_bar(self, symbol: Symbol) -> Bar:
        """Today's bar up to the replay position."""
        return self._states[symbol].day

    def previous_day_bar(self, symbol: Symbol) -> Bar:
        """A previous-day bar whose close is the recorded previous close."""
        return self._states[symbol].prev_day

    def minute_bars(self, symbol: Symbol, count: int | None = None) -> list[Bar]:
        """One-minute bars of the trades replayed so far."""
        bars = list(self._states[symbol].minutes)
        return bars if count is None else bars[-count:] if count > 0 else []

    # -- MarketSource: pushes -----------------------------------------------------------------
    def pushes(
        self,
        now_ms: int,
        trades_wanted: int,
        trade_symbols: Collection[Symbol],
        depth_symbols: Collection[Symbol],
    ) -> list[Push]:
        """Every recorded event due by `now_ms`, in recorded order (rates are ignored)."""
        if self._t0 is None:
            if self._armed_at is None and (trade_symbols or depth_symbols):
                self._armed_at = now_ms
            if self._armed_at is None or now_ms < self._armed_at + self.start_delay_ms:
                return []
            self._t0 = now_ms
        due = self._base + (now_ms - self._t0) * self.speed
        out: list[Push] = []
        while len(out) < _MAX_PER_STEP:
            if not self._buffer and not self._refill():
                break
            event_id, recv_ms, event = self._buffer[0]
            gap = recv_ms - self._previous_recv
            if gap > self.max_gap_ms:
                self._skipped += gap - self.max_gap_ms
                self._previous_recv = recv_ms - self.max_gap_ms
            if recv_ms - self._skipped > due:
                break
            self._buffer.popleft()
            self._previous_recv = max(self._previous_recv, recv_ms)
            self._position = recv_ms
            self._last_id = event_id
            self._replayed += 1
            push = self._apply(event)
            if push is not None:
                out.append(push)
        return out

    def _refill(self) -> bool:
        if self._cursor >= self._hi:
            self._finished = True
            return False
        batch = self.reader.events(self._cursor, self._hi, self._chunk)
        if not batch:
            self._finished = True
            return False
        self._cursor = batch[-1][0]
        self._buffer.extend(batch)
        return True

    def _apply(self, event: Tick | DepthSnapshot) -> Push | None:
        symbol = self._symbols.get(event.symbol)
        if symbol is None:
            try:
                symbol = self._symbols[event.symbol] = Symbol.parse(event.symbol)
            except SymbolError:
                return None
        state = self._states.get(symbol)
        if state is None:
            return None
        if isinstance(event, Tick):
            record = self._trade_record(symbol, event)
            state.trade = record
            bar = _bar(record.tick_time, record.price, record.volume, record.turnover)
            state.day = state.day.merged(bar)
            start = record.tick_time - record.tick_time % MINUTE_MS
            if state.minutes and state.minutes[-1].start_ms >= start:
                state.minutes[-1] = state.minutes[-1].merged(bar)
            else:
                state.minutes.append(replace(bar, start_ms=start))
            return record
        book = self._book_record(symbol, event)
        state.book = book
        return book

    def _trade_record(self, symbol: Symbol, tick: Tick) -> TradeRecord:
        return TradeRecord(
            symbol,
            tick.seq if tick.seq is not None else 0,
            self._shift(tick.ts_ms),
            tick.price,
            tick.volume,
            _turnover(tick),
            int(tick.side),
        )

    def _book_record(self, symbol: Symbol, book: DepthSnapshot) -> BookRecord:
        return BookRecord(
            symbol,
            book.seq if book.seq is not None else 0,
            self._shift(book.ts_ms),
            tuple((level.price, level.volume) for level in book.bids),
            tuple((level.price, level.volume) for level in book.asks),
        )

    # -- progress -----------------------------------------------------------------------------
    @property
    def progress(self) -> ReplayProgress:
        """How far the replay is (read from any thread: plain values)."""
        span = self._hi - self._lo + 1
        return ReplayProgress(
            self._t0 is not None,
            self._finished and not self._buffer,
            self._position,
            min(1.0, (self._last_id - self._lo + 1) / span),
            self._replayed,
        )

    def close(self) -> None:
        """Release the recording file."""
        self.reader.close()


def _turnover(tick: Tick) -> Decimal:
    return tick.turnover if tick.turnover is not None else tick.price * tick.volume


def _bar(start_ms: int, price: Decimal, volume: int, turnover: Decimal) -> Bar:
    return Bar(start_ms, price, price, price, price, volume, turnover)

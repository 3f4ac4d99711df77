"""The latest state of every streamed symbol, built from REST snapshots plus live ticks and books."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.domain.market_clock import MarketPhase
from desktop.domain.market_data import DepthSnapshot, ReferenceData, Tick
from desktop.domain.symbols import Market

__all__ = ["BookCounters", "PhaseOf", "QuoteBook", "QuoteState"]

PhaseOf = Callable[[Market, int], MarketPhase]
"""The session phase of a market at an epoch-ms instant: tells extended-hours trades apart."""

_HUNDRED = Decimal(100)
_US = Market.US


@dataclass(slots=True)
class QuoteState:
    """Everything the board shows about one symbol; mutated only by `QuoteBook`."""

    symbol: str
    name: str = ""
    lot_size: int | None = None
    last: Decimal | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    prev_close: Decimal | None = None
    volume: int = 0
    turnover: Decimal = field(default_factory=Decimal)
    bid: Decimal | None = None
    ask: Decimal | None = None
    bid_size: int | None = None
    ask_size: int | None = None
    last_time_ms: int | None = None
    depth: DepthSnapshot | None = None
    tick_dir: int = 0
    """+1 if the last price change was up, -1 if down, 0 before any change."""
    last_seq: int | None = None
    ref_as_of_ms: int = 0
    updated_at: float = 0.0
    """Monotonic time of the last applied event (the feed's clock, passed in)."""
    ticks: int = 0
    session: str = ""
    """The row's session chip (PRE, RTH, POST, LUNCH, CLOSED, HALF-DAY); "" before calendars."""
    ext_last: Decimal | None = None
    """Latest pre-/post-market trade price since the last regular-hours trade (US)."""
    ext_time_ms: int | None = None
    regular_close: Decimal | None = None
    """Latest regular-hours price: what an extended-hours trade's own change is measured from."""

    @property
    def ext_change(self) -> Decimal | None:
        """Extended-hours price minus the regular close, when both are known."""
        if self.ext_last is None or self.regular_close is None:
            return None
        return self.ext_last - self.regular_close

    @property
    def ext_change_pct(self) -> Decimal | None:
        """The extended-hours change in per cent of the regular close."""
        if self.ext_last is None or not self.regular_close:
            return None
        return (self.ext_last - self.regular_close) * _HUNDRED / self.regular_close

    avg_volume: float | None = None
    """Average daily volume of recent complete sessions (REST daily bars)."""
    year_high: Decimal | None = None
    """52-week high before today (REST daily bars); `week52_high` adds today's high."""
    year_low: Decimal | None = None
    usual_volume: float | None = None
    """Shares the symbol usually has traded by the time of its last trade (`RelativeVolume`)."""

    @property
    def vwap(self) -> Decimal | None:
        """Today's volume-weighted average price: turnover over volume."""
        if not self.volume or not self.turnover:
            return None
        return self.turnover / self.volume

    @property
    def change_from_open(self) -> Decimal | None:
        """Last minus today's open."""
        if self.last is None or self.open is None:
            return None
        return self.last - self.open

    @property
    def change_from_open_pct(self) -> Decimal | None:
        """Change from the open in per cent of the open."""
        if self.last is None or not self.open:
            return None
        return (self.last - self.open) * _HUNDRED / self.open

    @property
    def range_position(self) -> float | None:
        """Where last sits in today's range, 0 (at the low) to 100 (at the high)."""
        if self.last is None or self.high is None or self.low is None:
            return None
        span = self.high - self.low
        if span <= 0:
            return None
        return float((self.last - self.low) * _HUNDRED / span)

    @property
    def rel_volume(self) -> float | None:
        """Today's volume over its usual volume by this time of day (1.0 = a normal day)."""
        if not self.usual_volume:
            return None
        return self.volume / self.usual_volume

    @property
    def week52_high(self) -> Decimal | None:
        """The 52-week high including today."""
        return _best(self.year_high, self.high, max)

    @property
    def week52_low(self) -> Decimal | None:
        """The 52-week low including today."""
        return _best(self.year_low, self.low, min)

    @property
    def change(self) -> Decimal | None:
        """Last minus previous close, when both are known."""
        if self.last is None or self.prev_close is None:
            return None
        return self.last - self.prev_close

    @property
    def change_pct(self) -> Decimal | None:
        """Change in per cent of the previous close."""
        if self.last is None or not self.prev_close:
            return None
        return (self.last - self.prev_close) * _HUNDRED / self.prev_close


def _best(
    a: Decimal | None, b: Decimal | None, pick: Callable[[Decimal, Decimal], Decimal]
) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else pick(a, b)


@dataclass(slots=True)
class BookCounters:
    """What the book did with the events it was given, for the status bar, smoke mode and tests."""

    ticks: int = 0
    depth_updates: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    unknown_symbol: int = 0


class QuoteBook:
    """Latest `QuoteState` per symbol plus the set of symbols changed since the last flush.

    Feeds call `apply_*` for every event (cheap, no Qt); the UI calls `take_dirty()` once per frame.
    """

    def __init__(self) -> None:
        self._states: dict[str, QuoteState] = {}
        self._dirty: set[str] = set()
        self.counters = BookCounters()
        self._trade_listeners: list[Callable[[Tick], None]] = []
        self._phase_of: PhaseOf | None = None

    def set_phase_of(self, phase_of: PhaseOf | None) -> None:
        """Tell US pre-/post-market trades apart from now on (None: every trade is regular, and
        extended prices kept so far are dropped)."""
        self._phase_of = phase_of
        if phase_of is None:
            for symbol, state in self._states.items():
                if state.ext_last is not None:
                    state.ext_last = state.ext_time_ms = None
                    self._dirty.add(symbol)

    def add_trade_listener(self, listener: Callable[[Tick], None]) -> None:
        """Also pass every accepted trade to `listener` (sparklines, minute bars): it runs per tick."""
        self._trade_listeners.append(listener)

    # -- membership -------------------------------------------------------------------------
    def track(self, symbol: str) -> QuoteState:
        """Start keeping state for `symbol` (idempotent) and return it."""
        state = self._states.get(symbol)
        if state is None:
            state = self._states[symbol] = QuoteState(symbol)
            self._dirty.add(symbol)
        return state

    def untrack(self, symbol: str) -> None:
        """Forget a symbol nobody shows any more."""
        self._states.pop(symbol, None)
        self._dirty.discard(symbol)

    def get(self, symbol: str) -> QuoteState | None:
        """The state of a tracked symbol, or None."""
        return self._states.get(symbol)

    def symbols(self) -> list[str]:
        """Tracked symbols, in the order they were first tracked."""
        return list(self._states)

    def __len__(self) -> int:
        return len(self._states)

    # -- events -------------------------------------------------------------------------------
    def apply_reference(self, ref: ReferenceData, now: float) -> None:
        """Seed or refresh a symbol from a REST snapshot: names, previous close, the day bar, last."""
        state = self._states.get(ref.symbol)
        if state is None:
            return
        if ref.name:
            state.name = ref.name
        if ref.lot_size:
            state.lot_size = ref.lot_size
        if ref.prev_close is not None:
            state.prev_close = ref.prev_close
        if ref.as_of_ms is not None and ref.as_of_ms >= state.ref_as_of_ms:
            # The day bar is authoritative up to its time; ticks after it are added on top.
            state.ref_as_of_ms = ref.as_of_ms
            if ref.open is not None:
                state.open = ref.open
            if ref.volume is not None:
                state.volume = ref.volume
            if ref.turnover is not None:
                state.turnover = ref.turnover
            if ref.high is not None:
                state.high = ref.high if state.high is None else max(state.high, ref.high)
            if ref.low is not None:
                state.low = ref.low if state.low is None else min(state.low, ref.low)
        if ref.last is not None and (
            state.last_time_ms is None
            or (ref.last_time_ms is not None and ref.last_time_ms >= state.last_time_ms)
        ):
            self._set_last(state, ref.last)
            state.last_time_ms = ref.last_time_ms
        state.updated_at = now
        self._dirty.add(ref.symbol)

    def apply_tick(self, tick: Tick, now: float) -> None:
        """Fold one trade into the symbol's state: last, day high/low, volume, turnover."""
        state = self._states.get(tick.symbol)
        counters = self.counters
        if state is None:
            counters.unknown_symbol += 1
            return
        seq = tick.seq
        if seq is not None and state.last_seq is not None:
            if seq == state.last_seq:
                counters.duplicates += 1
                return
            if seq < state.last_seq:
                counters.out_of_order += 1
        counters.ticks += 1
        state.ticks += 1
        state.updated_at = now
        if tick.ts_ms > state.ref_as_of_ms:
            state.volume += tick.volume
            if tick.turnover is not None:
                state.turnover += tick.turnover
            else:
                state.turnover += tick.price * tick.volume
        price = tick.price
        if state.high is None or price > state.high:
            state.high = price
        if state.low is None or price < state.low:
            state.low = price
        if state.open is None:
            state.open = price
        if state.last_time_ms is None or tick.ts_ms >= state.last_time_ms:
            phase_of = self._phase_of
            if phase_of is not None and not tick.symbol.endswith(".HK"):
                self._classify(state, price, tick.ts_ms, phase_of(_US, tick.ts_ms))
            self._set_last(state, price)
            state.last_time_ms = tick.ts_ms
            if seq is not None and (state.last_seq is None or seq > state.last_seq):
                state.last_seq = seq
        self._dirty.add(tick.symbol)
        for listener in self._trade_listeners:
            listener(tick)

    def apply_ticks(self, ticks: Iterable[Tick], now: float) -> None:
        """Apply a batch of trades (one socket read)."""
        for tick in ticks:
            self.apply_tick(tick, now)

    def apply_depth(self, book: DepthSnapshot, now: float) -> None:
        """Replace the symbol's book and its best bid/ask (every push is a full top-N snapshot)."""
        state = self._states.get(book.symbol)
        if state is None:
            self.counters.unknown_symbol += 1
            return
        self.counters.depth_updates += 1
        state.depth = book
        if book.bids:
            state.bid, state.bid_size = book.bids[0].price, book.bids[0].volume
        else:
            state.bid = state.bid_size = None
        if book.asks:
            state.ask, state.ask_size = book.asks[0].price, book.asks[0].volume
        else:
            state.ask = state.ask_size = None
        state.updated_at = now
        self._dirty.add(book.symbol)

    def apply_daily(
        self,
        symbol: str,
        avg_volume: float | None,
        year_high: Decimal | None,
        year_low: Decimal | None,
    ) -> None:
        """What daily bars say about a symbol: usual volume and the 52-week range before today."""
        state = self._states.get(symbol)
        if state is None:
            return
        state.avg_volume, state.year_high, state.year_low = avg_volume, year_high, year_low
        self._dirty.add(symbol)

    def set_usual_volume(self, symbol: str, shares: float | None) -> None:
        """The volume the symbol usually has by now (relative volume's denominator)."""
        state = self._states.get(symbol)
        if state is not None and state.usual_volume != shares:
            state.usual_volume = shares
            self._dirty.add(symbol)

    def mark_dirty(self, symbol: str) -> None:
        """Have the next flush look at a tracked symbol again (its history changed off the tick path)."""
        if symbol in self._states:
            self._dirty.add(symbol)

    def take_dirty(self) -> set[str]:
        """Symbols changed since the previous call; the caller owns the returned set."""
        dirty, self._dirty = self._dirty, set()
        return dirty

    @staticmethod
    def _classify(state: QuoteState, price: Decimal, ts_ms: int, phase: MarketPhase) -> None:
        """Keep an extended-hours trade's price apart, measured from the regular close."""
        if phase is MarketPhase.PRE or phase is MarketPhase.POST:
            if state.regular_close is None:
                state.regular_close = state.last if state.ext_last is None else state.prev_close
            state.ext_last, state.ext_time_ms = price, ts_ms
            if state.session:  # the row's chip says so at once, not at the clock's next tick
                state.session = phase.value
        else:
            state.regular_close = price
            state.ext_last = state.ext_time_ms = None

    @staticmethod
    def _set_last(state: QuoteState, price: Decimal) -> None:
        if state.last is not None and price != state.last:
            state.tick_dir = 1 if price > state.last else -1
        state.last = price

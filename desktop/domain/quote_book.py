"""The latest state of every streamed symbol, built from REST snapshots plus live ticks and books."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.domain.market_clock import MarketPhase
from desktop.domain.market_data import MAX_VOLUME, DepthSnapshot, ReferenceData, Tick, sane_price
from desktop.domain.provenance import Provenance, Rhythm, Source, is_newer
from desktop.domain.recent_trades import RecentTrades, later_than
from desktop.domain.symbols import Market
from desktop.domain.text_safety import strip_bidi

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
    ref_as_of_seq: int | None = None
    """The seq of the last trade the day bar counts, when its source knows it (a gateway)."""
    updated_at: float = 0.0
    """Monotonic time of the last applied event of any source (the feed's clock, passed in)."""
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

    push_at: float = 0.0
    """Monotonic time of the last applied push (trade or book); 0 before any."""
    push_ts_ms: int | None = None
    """Exchange time of that push: with `push_at` it tells how far behind the exchange we are."""
    last_src: Provenance | None = None
    book_src: Provenance | None = None
    day_src: Provenance | None = None
    push_trade: Provenance | None = None
    """The last pushed trade applied (duplicates and out-of-order pushes are judged against it)."""
    rhythm: Rhythm = field(default_factory=Rhythm)
    recent: RecentTrades | None = None
    """The latest pushed trades, re-added over a newer day bar; None until the first."""

    def pushed_after(self, ts_ms: int, seq: int | None = None) -> tuple[int, Decimal]:
        """Volume and turnover of the remembered pushed trades later than `ts_ms` (and `seq`)."""
        return (0, Decimal()) if self.recent is None else self.recent.after(ts_ms, seq)

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

    def exchange_lag_ms(self, now: float, wall_ms: int) -> float:
        """How far the last push's exchange time was behind its arrival (0.0 before any push):
        `now` is the book's clock (the one passed to `apply_tick`), `wall_ms` the epoch clock."""
        if self.push_ts_ms is None:
            return 0.0
        received_ms = wall_ms - (now - self.push_at) * 1000
        return received_ms - self.push_ts_ms


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
    stale_snapshots: int = 0
    """REST snapshots not applied because the book already held data as new or newer."""
    rejected: int = 0
    """Trades refused for an impossible price or volume (whatever source let them through)."""


class QuoteBook:
    """Latest `QuoteState` per symbol plus the set of symbols changed since the last flush.

    Feeds call `apply_*` for every event (cheap, no Qt); the UI calls `take_dirty()` once per frame.
    """

    def __init__(self) -> None:
        self._states: dict[str, QuoteState] = {}
        self._dirty: set[str] = set()
        self.counters = BookCounters()
        self._trade_listeners: list[Callable[[Tick], None]] = []
        self._on_first_change: Callable[[], None] | None = None
        self._phase_of: PhaseOf | None = None

    def set_change_listener(self, listener: Callable[[], None] | None) -> None:
        """Call `listener` when a symbol becomes dirty while none was (once per frame at most):
        the flush scheduler wakes on it instead of polling. None removes it."""
        self._on_first_change = listener

    def _mark(self, symbol: str) -> None:
        dirty = self._dirty
        if not dirty and self._on_first_change is not None:
            self._on_first_change()
        dirty.add(symbol)

    def set_phase_of(self, phase_of: PhaseOf | None) -> None:
        """Tell US pre-/post-market trades apart from now on (None: every trade is regular, and
        extended prices kept so far are dropped)."""
        self._phase_of = phase_of
        if phase_of is None:
            for symbol, state in self._states.items():
                if state.ext_last is not None:
                    state.ext_last = state.ext_time_ms = None
                    self._mark(symbol)

    def add_trade_listener(self, listener: Callable[[Tick], None]) -> None:
        """Also pass every accepted trade to `listener` (sparklines, minute bars): it runs per tick."""
        self._trade_listeners.append(listener)

    # -- membership -------------------------------------------------------------------------
    def track(self, symbol: str) -> QuoteState:
        """Start keeping state for `symbol` (idempotent) and return it."""
        state = self._states.get(symbol)
        if state is None:
            state = self._states[symbol] = QuoteState(symbol)
            self._mark(symbol)
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
    def apply_reference(self, ref: ReferenceData, now: float) -> int:
        """Seed or refresh a symbol from a REST snapshot: names, previous close, the day bar, last.

        Returns how many shares the day bar adds to what the pushes had counted (0 when none):
        after an outage, that is roughly what traded while the board was not listening.
        """
        state = self._states.get(ref.symbol)
        if state is None:
            return 0
        if ref.name:
            state.name = strip_bidi(ref.name)  # a provider's U+202E must not reorder the row
        if ref.lot_size:
            state.lot_size = ref.lot_size
        if ref.prev_close is not None:
            state.prev_close = ref.prev_close
        missed = 0
        if ref.as_of_ms is not None and ref.as_of_ms >= state.ref_as_of_ms:
            # The day bar is authoritative up to its time; pushes after it are added on top.
            before = state.volume
            later_volume, later_turnover = state.pushed_after(ref.as_of_ms, ref.as_of_seq)
            state.ref_as_of_ms = ref.as_of_ms
            state.ref_as_of_seq = ref.as_of_seq
            if ref.open is not None:
                state.open = ref.open
            if ref.volume is not None:
                state.volume = ref.volume + later_volume
                if state.day_src is not None:
                    missed = max(0, state.volume - before)
            if ref.turnover is not None:
                state.turnover = ref.turnover + later_turnover
            if ref.high is not None:
                state.high = ref.high if state.high is None else max(state.high, ref.high)
            if ref.low is not None:
                state.low = ref.low if state.low is None else min(state.low, ref.low)
            state.day_src = Provenance(Source.SNAPSHOT, ref.as_of_ms, None, now)
        if ref.last is not None and is_newer(
            state.last_src, ref.last_time_ms, ref.last_seq, Source.SNAPSHOT
        ):
            self._set_last(state, ref.last)
            state.last_time_ms = ref.last_time_ms
            state.last_seq = ref.last_seq
            state.last_src = Provenance(Source.SNAPSHOT, ref.last_time_ms, ref.last_seq, now)
        elif ref.last is not None:
            self.counters.stale_snapshots += 1
        state.updated_at = now
        self._mark(ref.symbol)
        return missed

    def apply_tick(self, tick: Tick, now: float) -> None:
        """Fold one pushed trade into the symbol's state: last, day high/low, volume, turnover.

        A duplicate (same `seq`) or an out-of-order push (older `seq`, not newer in time) is
        counted and not applied: it would count its volume twice or rewind the price.
        """
        state = self._states.get(tick.symbol)
        counters = self.counters
        if state is None:
            counters.unknown_symbol += 1
            return
        if not sane_price(tick.price) or not 0 <= tick.volume <= MAX_VOLUME:
            counters.rejected += 1  # never shown, never folded into the day's High/Low
            return
        pushed = state.push_trade
        if pushed is not None:
            seq = tick.seq
            if seq is not None and pushed.seq is not None:
                if seq == pushed.seq:
                    counters.duplicates += 1
                    return
                if seq < pushed.seq and (pushed.ts_ms is None or tick.ts_ms <= pushed.ts_ms):
                    counters.out_of_order += 1
                    return
            elif pushed.ts_ms is not None and tick.ts_ms < pushed.ts_ms:
                counters.out_of_order += 1
                return
        counters.ticks += 1
        state.ticks += 1
        state.updated_at = state.push_at = now
        state.push_ts_ms = tick.ts_ms
        state.rhythm.observe(now)
        provenance = Provenance(Source.PUSH, tick.ts_ms, tick.seq, now)
        state.push_trade = provenance
        turnover = tick.turnover if tick.turnover is not None else tick.price * tick.volume
        recent = state.recent
        if recent is None:
            recent = state.recent = RecentTrades()
        recent.add(tick.ts_ms, tick.seq, tick.volume, turnover)
        as_of = state.ref_as_of_ms
        if tick.ts_ms > as_of or (
            tick.ts_ms == as_of and later_than(tick.ts_ms, tick.seq, as_of, state.ref_as_of_seq)
        ):
            state.volume += tick.volume
            state.turnover += turnover
            state.day_src = provenance
        price = tick.price
        if state.high is None or price > state.high:
            state.high = price
        if state.low is None or price < state.low:
            state.low = price
        if state.open is None:
            state.open = price
        if is_newer(state.last_src, tick.ts_ms, tick.seq, Source.PUSH):
            phase_of = self._phase_of
            if phase_of is not None and not tick.symbol.endswith(".HK"):
                self._classify(state, price, tick.ts_ms, phase_of(_US, tick.ts_ms))
            self._set_last(state, price)
            state.last_time_ms = tick.ts_ms
            state.last_seq = tick.seq
            state.last_src = provenance
        dirty = self._dirty
        if not dirty and self._on_first_change is not None:
            self._on_first_change()
        dirty.add(tick.symbol)
        for listener in self._trade_listeners:
            listener(tick)

    def apply_ticks(self, ticks: Iterable[Tick], now: float) -> None:
        """Apply a batch of trades (one socket read)."""
        for tick in ticks:
            self.apply_tick(tick, now)

    def apply_depth(self, book: DepthSnapshot, now: float, source: Source = Source.PUSH) -> bool:
        """Replace the symbol's book and its best bid/ask (every push is a full top-N snapshot).

        A REST book replaces only an older one; a duplicate or out-of-order pushed book is
        counted and dropped. Returns whether the book was applied.
        """
        state = self._states.get(book.symbol)
        counters = self.counters
        if state is None:
            counters.unknown_symbol += 1
            return False
        current = state.book_src
        same_stream = source is Source.PUSH and current is not None and current.source is source
        if same_stream and book.seq is not None and current is not None and current.seq is not None:
            if book.seq == current.seq:
                counters.duplicates += 1
                return False
            if book.seq < current.seq and current.ts_ms is not None and book.ts_ms <= current.ts_ms:
                counters.out_of_order += 1
                return False
            # A higher seq, or a lower one with a newer time (the server restarted): apply.
        elif not is_newer(current, book.ts_ms, book.seq, source):
            if source is Source.PUSH:
                counters.out_of_order += 1
            else:
                counters.stale_snapshots += 1
            return False
        counters.depth_updates += 1
        state.depth = book
        state.book_src = Provenance(source, book.ts_ms, book.seq, now)
        if book.bids:
            state.bid, state.bid_size = book.bids[0].price, book.bids[0].volume
        else:
            state.bid = state.bid_size = None
        if book.asks:
            state.ask, state.ask_size = book.asks[0].price, book.asks[0].volume
        else:
            state.ask = state.ask_size = None
        state.updated_at = now
        if source is Source.PUSH:
            state.push_at = now
            state.push_ts_ms = book.ts_ms
        self._mark(book.symbol)
        return True

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
            self._mark(symbol)

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

"""A seeded random-walk market: trades and 10-level books on the exchange tick grid, plus bars.

Pure computation (no I/O, no hidden clock reads in `step`): the same seed, clock and sequence of
`step` calls give the same output. Read methods never change state or consume randomness.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from desktop.domain.symbols import Market, Symbol
from desktop.domain.tick_grid import round_to_tick, tick_size
from desktop.simulator.records import (
    BOOK_DEPTH,
    MINUTE_MS,
    TRADING_MS_PER_YEAR,
    Bar,
    BookRecord,
    Clock,
    Level,
    TradeRecord,
    day_bounds,
    previous_weekday_start,
    tick_down,
    tick_up,
    wall_clock_ms,
)
from desktop.simulator.universe import Instrument, Universe

__all__ = [
    "BOOK_DEPTH",
    "MINUTE_MS",
    "TRADING_MS_PER_YEAR",
    "Bar",
    "BookRecord",
    "Level",
    "SimulatedMarket",
    "TradeRecord",
    "day_bounds",
    "previous_weekday_start",
    "tick_down",
    "tick_up",
    "wall_clock_ms",
]

MAX_MINUTE_BARS = 1440
_ZERO = Decimal(0)


def _snap(market: Market, value: float) -> Decimal:
    return round_to_tick(market, Decimal(f"{max(value, 1e-4):.6f}"))


@dataclass(slots=True)
class _State:
    inst: Instrument
    unit: int
    log_mid: float
    updated_ms: int
    seq: int
    trade: TradeRecord
    book: BookRecord
    day: Bar
    prev_day: Bar
    day_end_ms: int
    minutes: deque[Bar] = field(default_factory=deque)
    quote: BookRecord | None = None
    """The book the last trade printed against (re-quoted first when the mid left the touch)."""
    shown: BookRecord | None = None
    """The latest book pushed to depth subscribers."""


class SimulatedMarket:
    """Per-symbol random walks with trades, books, day and minute bars, driven by `step` calls."""

    def __init__(
        self,
        universe: Universe | Iterable[Instrument] | None = None,
        *,
        seed: int = 0,
        clock: Clock = wall_clock_ms,
        history_minutes: int = 120,
        vol_scale: float = 1.0,
        carry: Mapping[Symbol, Decimal] | None = None,
    ) -> None:
        self._carry = dict(carry or {})
        """Prices to resume from (the demo market restarted on the same day)."""
        if universe is None:
            universe = Universe()
        self.universe = universe if isinstance(universe, Universe) else Universe(universe)
        self._seed = seed
        self._rng = random.Random(seed)
        self._clock = clock
        self._history_minutes = history_minutes
        self._vol_scale = vol_scale
        self._seq_base = clock() * 1000
        self._states: dict[Symbol, _State] = {}
        self._pool_key: frozenset[Symbol] | None = None
        self._pool: tuple[list[_State], list[float]] = ([], [])
        self._ordered: list[TradeRecord | BookRecord] = []
        """The last step's trades in order, each after the re-quote it needed."""
        for instrument in self.universe:
            self._add(instrument, clock())

    # ----------------------------------------------------------------- symbols and static data
    def __contains__(self, symbol: object) -> bool:
        return symbol in self._states

    def symbols(self) -> list[Symbol]:
        """Every symbol the market currently simulates."""
        return list(self._states)

    def last_prices(self) -> dict[Symbol, Decimal]:
        """Every simulated symbol's last trade price (saved so a restart can resume them)."""
        return {symbol: state.trade.price for symbol, state in self._states.items()}

    def instrument(self, symbol: Symbol) -> Instrument:
        """Static information about a simulated symbol (KeyError when unknown)."""
        return self._states[symbol].inst

    def resolve(self, code: str, *, synthesise: bool = False) -> Symbol | None:
        """The symbol for an exact wire code, starting its simulation if it was synthesised."""
        instrument = self.universe.resolve(code, synthesise=synthesise)
        if instrument is None:
            return None
        if instrument.symbol not in self._states:
            self._add(instrument, self._clock())
        return instrument.symbol

    # ----------------------------------------------------------------- reads (pure)
    def last_trade(self, symbol: Symbol) -> TradeRecord:
        """The latest trade of a symbol (its opening print before any step)."""
        return self._states[symbol].trade

    def book(self, symbol: Symbol) -> BookRecord:
        """The current 10-level book of a symbol."""
        return self._states[symbol].book

    def day_bar(self, symbol: Symbol) -> Bar:
        """Today's bar (local exchange day)."""
        return self._states[symbol].day

    def previous_day_bar(self, symbol: Symbol) -> Bar:
        """The previous trading day's bar; its close is the previous close."""
        return self._states[symbol].prev_day

    def minute_bars(self, symbol: Symbol, count: int | None = None) -> list[Bar]:
        """The latest 1-minute bars, oldest first (at most `count`)."""
        bars = list(self._states[symbol].minutes)
        return bars if count is None else bars[-count:] if count > 0 else []

    # ----------------------------------------------------------------- simulation
    def step(
        self,
        now_ms: int,
        trades_wanted: int,
        trade_symbols: Collection[Symbol] | None = None,
        depth_symbols: Collection[Symbol] = (),
    ) -> tuple[list[TradeRecord], list[BookRecord]]:
        """Print `trades_wanted` trades spread over `trade_symbols` (all when None) by activity,
        then refresh the books of `depth_symbols`; returns the new trades and books."""
        trades: list[TradeRecord] = []
        self._ordered = ordered = list[TradeRecord | BookRecord]()
        if trades_wanted > 0:
            states, cumulative = self._trade_pool(trade_symbols)
            if states:
                for chosen in self._rng.choices(states, cum_weights=cumulative, k=trades_wanted):
                    trade = self._trade(chosen, now_ms)
                    shown, quote = chosen.shown, chosen.quote
                    if quote is not None and (
                        shown is None or not shown.bids or not shown.asks
                        or not shown.bids[0][0] <= trade.price <= shown.asks[0][0]
                    ):  # fmt: skip
                        ordered.append(quote)  # depth subscribers see the quote it printed at
                        chosen.shown = quote
                    ordered.append(trade)
                    trades.append(trade)
        books: list[BookRecord] = []
        for symbol in sorted(depth_symbols):
            state = self._states.get(symbol)
            if state is not None:
                self._advance(state, now_ms)
                self._refresh_book(state, now_ms)
                books.append(state.book)
                state.shown = state.book
        return trades, books

    def pushes(
        self,
        now_ms: int,
        trades_wanted: int,
        trade_symbols: Collection[Symbol],
        depth_symbols: Collection[Symbol],
    ) -> list[TradeRecord | BookRecord]:
        """`step`, as the server's `MarketSource`: the new trades, then the new books."""
        _trades, books = self.step(now_ms, trades_wanted, trade_symbols, depth_symbols)
        return [*self._ordered, *books]

    def _trade_pool(self, symbols: Collection[Symbol] | None) -> tuple[list[_State], list[float]]:
        key = frozenset(self._states if symbols is None else symbols)
        if key != self._pool_key:
            states = [self._states[s] for s in sorted(key) if s in self._states]
            cumulative: list[float] = []
            total = 0.0
            for state in states:
                total += max(state.inst.activity, 0.01)
                cumulative.append(total)
            self._pool_key, self._pool = key, (states, cumulative)
        return self._pool

    def _advance(self, state: _State, now_ms: int) -> None:
        """Move the latent mid by Brownian motion over the time since it last moved."""
        if now_ms >= state.day_end_ms:
            self._roll_day(state, now_ms)
        elapsed = now_ms - state.updated_ms
        if elapsed <= 0:
            return
        sigma = state.inst.volatility * self._vol_scale * math.sqrt(elapsed / TRADING_MS_PER_YEAR)
        state.log_mid += self._rng.gauss(0.0, sigma) - 0.5 * sigma * sigma
        state.updated_ms = now_ms

    def _trade(self, state: _State, now_ms: int) -> TradeRecord:
        self._advance(state, now_ms)
        rng, market = self._rng, state.inst.market
        bid, ask = state.book.bids[0][0], state.book.asks[0][0]
        mid = math.exp(state.log_mid)
        target = _snap(market, mid)
        # A mid beyond the touch moves the quotes first (a new ask at the mid, or a new bid), and
        # the trade prints at that touch: never above the ask or below the bid on screen.
        if target > ask:
            self._place_book(state, now_ms, target, "ask")
            price, direction = target, 1
        elif target < bid:
            self._place_book(state, now_ms, target, "bid")
            price, direction = target, 2
        else:
            inside = tick_up(market, bid)
            if inside < ask and rng.random() < 0.08:
                steps = 0
                while tick_up(market, inside) < ask and rng.random() < 0.5 and steps < 20:
                    inside, steps = tick_up(market, inside), steps + 1
                price, direction = inside, 0
            else:
                lean = (mid - float(bid)) / max(float(ask - bid), 1e-9)
                buy = rng.random() < 0.15 + 0.7 * min(max(lean, 0.0), 1.0)
                price, direction = (ask, 1) if buy else (bid, 2)
        state.quote = state.book
        volume = self._trade_volume(state)
        turnover = price * volume
        state.seq += 1
        record = TradeRecord(
            state.inst.symbol, state.seq, now_ms, price, volume, turnover, direction
        )
        state.trade = record
        bar = Bar(now_ms, price, price, price, price, volume, turnover)
        state.day = state.day.merged(bar)
        self._add_to_minute(state, bar)
        if direction == 0:
            self._set_book(state, now_ms, bid, ask)
        else:
            self._place_book(state, now_ms, price, "ask" if direction == 1 else "bid")
        return record

    def _trade_volume(self, state: _State) -> int:
        rng = self._rng
        if state.inst.market is Market.HK:
            lots = 1 + int(rng.expovariate(0.4))
            if rng.random() < 0.03:
                lots *= rng.randint(5, 40)
            return lots * state.unit
        if rng.random() < 0.35:
            return rng.randint(1, 99)
        shares = 100 * (1 + int(rng.expovariate(0.5)))
        return shares * rng.randint(5, 30) if rng.random() < 0.02 else shares

    def _refresh_book(self, state: _State, now_ms: int) -> None:
        """A new book around the last trade, leaning the way the latent mid has drifted."""
        market, last = state.inst.market, state.trade.price
        mid = math.exp(state.log_mid)
        half = float(tick_size(market, last)) / 2
        if mid > float(last) + half:
            self._place_book(state, now_ms, last, "bid")
        elif mid < float(last) - half:
            self._place_book(state, now_ms, last, "ask")
        else:
            where = self._rng.choice(("bid", "ask", "inside"))
            self._place_book(state, now_ms, last, where)

    def _place_book(self, state: _State, now_ms: int, anchor: Decimal, where: str) -> None:
        """Rebuild the book so `anchor` is the best bid, the best ask, or strictly inside."""
        rng, market = self._rng, state.inst.market
        width = 1 if rng.random() < min(0.9, 0.45 + 0.15 * state.inst.activity) else 2
        if rng.random() < 0.1 and state.inst.activity < 1.0:
            width += rng.randint(1, 3)
        if where == "inside" and width >= 2:
            below = rng.randint(1, width - 1)
            bid, ask = anchor, anchor
            for _ in range(below):
                bid = tick_down(market, bid)
            for _ in range(width - below):
                ask = tick_up(market, ask)
        elif where == "bid" or where == "inside":
            bid, ask = anchor, anchor
            for _ in range(width):
                ask = tick_up(market, ask)
        else:
            bid, ask = anchor, anchor
            for _ in range(width):
                bid = tick_down(market, bid)
        self._set_book(state, now_ms, bid, ask)

    def _set_book(self, state: _State, now_ms: int, best_bid: Decimal, best_ask: Decimal) -> None:
        bids = self._side(state, best_bid, state.book.bids, tick_down)
        asks = self._side(state, best_ask, state.book.asks, tick_up)
        state.seq += 1
        state.book = BookRecord(state.inst.symbol, state.seq, now_ms, bids, asks)

    def _side(
        self,
        state: _State,
        best: Decimal,
        old: tuple[Level, ...],
        move: Callable[[Market, Decimal], Decimal],
    ) -> tuple[Level, ...]:
        """One side of the book from its best price: one or more ticks between levels."""
        rng, market, unit = self._rng, state.inst.market, state.unit
        if old and old[0][0] == best:  # same touch: keep the ladder, one to three sizes change
            changed = set(rng.sample(range(len(old)), min(len(old), rng.randint(1, 3))))
            return tuple(
                (p, max(1, v // unit + int(rng.random() * 5) - 2) * unit)
                if i in changed
                else (p, v)
                for i, (p, v) in enumerate(old)
            )
        # The touch moved: price levels that were already quoted keep their sizes (a real book
        # changes a few levels at a time), new ones get fresh sizes.
        kept = dict(old)
        gap = 0.04 if state.inst.activity >= 1.0 else 0.2
        levels: list[Level] = []
        price = best
        for depth in range(BOOK_DEPTH):
            if depth:
                price = move(market, price)
                if price not in kept and rng.random() < gap:
                    price = move(market, price)
            if price <= _ZERO:
                break
            size = kept.get(price)
            levels.append(
                (price, size if size else (1 + int(rng.random() * (8 + 5 * depth))) * unit)
            )
        return tuple(levels)

    def _add_to_minute(self, state: _State, trade: Bar) -> None:
        start = trade.start_ms - trade.start_ms % MINUTE_MS
        minutes = state.minutes
        if minutes and minutes[-1].start_ms >= start:
            minutes[-1] = minutes[-1].merged(trade)
        else:
            minutes.append(replace(trade, start_ms=start))

    def _roll_day(self, state: _State, now_ms: int) -> None:
        """A new local day: today's bar becomes the previous day and the previous close."""
        start, end = day_bounds(state.inst.market, now_ms)
        last = state.trade.price
        state.prev_day = replace(state.day, close=last)
        state.day = Bar(start, last, last, last, last, 0, _ZERO)
        state.day_end_ms = end

    # ----------------------------------------------------------------- start-up history
    def _add(self, inst: Instrument, now_ms: int) -> None:
        """Start simulating an instrument with a previous day and today's bars so far.

        Uses its own generator seeded by (seed, symbol), so adding a symbol later never changes
        the stream of the others.
        """
        rng = random.Random(f"{self._seed}:{inst.symbol}")
        market = inst.market
        unit = inst.lot_size if market is Market.HK else 100
        sigma_day = inst.volatility * self._vol_scale / math.sqrt(252)
        sigma_min = inst.volatility * self._vol_scale * math.sqrt(MINUTE_MS / TRADING_MS_PER_YEAR)
        daily_volume = inst.activity * (40_000 * unit if market is Market.HK else 15_000_000)

        prev_close = _snap(market, float(inst.ref_price) * math.exp(rng.gauss(0, sigma_day)))
        p_open = float(prev_close) * math.exp(rng.gauss(0, sigma_day))
        p_high = max(p_open, float(prev_close)) * math.exp(abs(rng.gauss(0, sigma_day)) / 2)
        p_low = min(p_open, float(prev_close)) * math.exp(-abs(rng.gauss(0, sigma_day)) / 2)
        day_start, day_end = day_bounds(market, now_ms)
        prev_volume = max(unit, int(daily_volume * rng.uniform(0.7, 1.3)) // unit * unit)
        prev_day = Bar(
            previous_weekday_start(market, now_ms),
            _snap(market, p_open),
            max(_snap(market, p_high), prev_close, _snap(market, p_open)),
            min(_snap(market, p_low), prev_close, _snap(market, p_open)),
            prev_close,
            prev_volume,
            prev_close * prev_volume,
        )

        price = _snap(market, float(prev_close) * math.exp(rng.gauss(0, sigma_day / 3)))
        day = Bar(day_start, price, price, price, price, 0, _ZERO)
        minutes: deque[Bar] = deque(maxlen=MAX_MINUTE_BARS)
        this_minute = now_ms - now_ms % MINUTE_MS
        count = max(0, min(self._history_minutes, (this_minute - day_start) // MINUTE_MS))
        for i in range(count):
            x = float(price)
            close = _snap(market, x * math.exp(rng.gauss(0, sigma_min)))
            up, down = (math.exp(abs(rng.gauss(0, sigma_min)) / 2) for _ in range(2))
            high = max(price, close, _snap(market, max(x, float(close)) * up))
            low = min(price, close, _snap(market, min(x, float(close)) / down))
            volume = max(1, int(daily_volume / 330 * rng.uniform(0.3, 1.7)) // unit) * unit
            start = this_minute - (count - i) * MINUTE_MS
            minutes.append(Bar(start, price, high, low, close, volume, close * volume))
            day = day.merged(minutes[-1])
            price = close

        carried = self._carry.get(inst.symbol)
        if carried is not None:  # resume where the last run left off, today's bar around it
            price = carried
            day = Bar(day.start_ms, day.open, max(day.high, price), min(day.low, price), price,
                      day.volume, day.turnover)  # fmt: skip
        seq = self._seq_base + 1
        opening = TradeRecord(inst.symbol, seq, now_ms, price, unit, price * unit, 0)
        book = BookRecord(inst.symbol, seq, now_ms, (), ())
        log_mid = math.log(float(price))
        state = _State(inst, unit, log_mid, now_ms, seq, opening, book, day, prev_day, day_end)
        state.minutes = minutes
        saved_rng, self._rng = self._rng, rng
        try:
            self._place_book(state, now_ms, price, rng.choice(("bid", "ask")))
        finally:
            self._rng = saved_rng
        self._states[inst.symbol] = state
        self._pool_key = None

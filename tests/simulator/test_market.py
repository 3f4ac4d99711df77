"""The simulated market: prices on the grid, sane books, seeded determinism, lots, bars."""

from __future__ import annotations

import math
import statistics
from decimal import Decimal

import pytest

from desktop.domain.symbols import Market, Symbol
from desktop.domain.tick_grid import tick_size
from desktop.simulator.market import (
    MINUTE_MS,
    TRADING_MS_PER_YEAR,
    BookRecord,
    SimulatedMarket,
    TradeRecord,
    day_bounds,
    tick_down,
    tick_up,
)
from desktop.simulator.universe import (
    DEFAULT_INSTRUMENTS,
    Universe,
    parse_wire,
    synthesise_instrument,
)

T0 = 1_760_000_000_000  # a Thursday, 08:53 UTC: 16:53 in Hong Kong, 04:53 in New York
STEP_MS = 100
HK = Symbol("00700", Market.HK)
QUIET_HK = Symbol("00066", Market.HK)
US = Symbol("AAPL", Market.US)


def make_market(seed: int = 7, history: int = 30) -> SimulatedMarket:
    return SimulatedMarket(seed=seed, clock=lambda: T0, history_minutes=history)


def run(
    market: SimulatedMarket, steps: int, trades: int = 20, depth: bool = True
) -> tuple[list[TradeRecord], list[BookRecord]]:
    symbols = set(market.symbols())
    all_trades: list[TradeRecord] = []
    all_books: list[BookRecord] = []
    for i in range(1, steps + 1):
        new_trades, new_books = market.step(
            T0 + i * STEP_MS, trades, None, symbols if depth else ()
        )
        all_trades += new_trades
        all_books += new_books
    return all_trades, all_books


def ticks_between(market: Market, a: Decimal, b: Decimal) -> int:
    """How many whole ticks separate two prices; fails if the higher one is off the grid."""
    low, high = min(a, b), max(a, b)
    count = 0
    while low < high:
        low, count = tick_up(market, low), count + 1
    assert low == high, f"{high} is not a whole number of ticks from {min(a, b)}"
    return count


def on_grid(market: Market, price: Decimal) -> bool:
    return price > 0 and price % tick_size(market, price) == 0


def test_trade_and_book_prices_are_always_on_the_exchange_tick_grid_for_hk_and_us() -> None:
    market = make_market()
    trades, books = run(market, 80)
    assert {t.symbol.market for t in trades} == {Market.HK, Market.US}
    for trade in trades:
        assert on_grid(trade.symbol.market, trade.price), trade
    for book in books:
        for price, _ in book.bids + book.asks:
            assert on_grid(book.symbol.market, price), book
    for symbol in market.symbols():
        for bar in market.minute_bars(symbol) + [market.day_bar(symbol)]:
            for price in (bar.open, bar.high, bar.low, bar.close):
                assert on_grid(symbol.market, price), (symbol, bar)


def test_every_book_has_ten_strictly_ordered_levels_each_side_with_bid_below_ask() -> None:
    market = make_market()
    _, books = run(market, 60)
    assert len(books) == 60 * len(market.symbols())
    for book in books:
        assert len(book.bids) == 10 and len(book.asks) == 10, book
        assert book.bids[0][0] < book.asks[0][0], book
        bids = [p for p, _ in book.bids]
        asks = [p for p, _ in book.asks]
        assert all(a > b for a, b in zip(bids, bids[1:], strict=False)), book
        assert all(b > a for a, b in zip(asks, asks[1:], strict=False)), book
        for side in (bids, asks):
            for near, far in zip(side, side[1:], strict=False):
                assert ticks_between(book.symbol.market, near, far) >= 1, book
        assert all(v > 0 for _, v in book.bids + book.asks)


def test_the_last_trade_is_always_within_or_at_the_touch_of_the_current_book() -> None:
    market = make_market()
    symbols = set(market.symbols())
    for i in range(1, 200):
        market.step(T0 + i * STEP_MS, 10, None, symbols if i % 3 == 0 else ())
        for symbol in symbols:
            book, last = market.book(symbol), market.last_trade(symbol).price
            assert book.bids[0][0] <= last <= book.asks[0][0], (symbol, last, book)


def test_trade_direction_says_whether_the_trade_hit_the_ask_the_bid_or_printed_between() -> None:
    market = make_market()
    seen = set()
    for i in range(1, 3000):
        before = market.book(HK)
        (trade,), _ = market.step(T0 + i * STEP_MS, 1, {HK})
        bid, ask = before.bids[0][0], before.asks[0][0]
        if trade.direction == 1:
            assert trade.price >= ask
        elif trade.direction == 2:
            assert trade.price <= bid
        else:
            assert trade.direction == 0 and bid < trade.price < ask
        seen.add(trade.direction)
    assert seen == {0, 1, 2}


def test_the_same_seed_and_the_same_steps_give_an_identical_stream() -> None:
    first = run(make_market(seed=42), 40)
    second = run(make_market(seed=42), 40)
    assert first == second
    other = run(make_market(seed=43), 40)
    assert other[0] != first[0]


def test_reading_the_market_does_not_change_what_it_generates_next() -> None:
    plain, read = make_market(), make_market()
    for symbol in read.symbols():
        read.last_trade(symbol), read.book(symbol), read.day_bar(symbol), read.minute_bars(symbol)
    assert run(plain, 30) == run(read, 30)


def test_hk_trade_and_book_volumes_are_whole_board_lots() -> None:
    market = make_market()
    trades, books = run(market, 50)
    lots = {i.symbol: i.lot_size for i in DEFAULT_INSTRUMENTS}
    hk_trades = [t for t in trades if t.symbol.market is Market.HK]
    assert hk_trades
    for trade in hk_trades:
        assert trade.volume > 0 and trade.volume % lots[trade.symbol] == 0, trade
        assert trade.turnover == trade.price * trade.volume
    for book in books:
        if book.symbol.market is Market.HK:
            assert all(v % lots[book.symbol] == 0 for _, v in book.bids + book.asks)


def test_seq_increases_strictly_per_symbol_across_trades_and_books() -> None:
    market = make_market()
    last_seq = {s: market.book(s).seq for s in market.symbols()}
    symbols = set(market.symbols())
    for i in range(1, 100):
        trades, books = market.step(T0 + i * STEP_MS, 15, None, symbols)
        for record in [*trades, *books]:
            assert record.seq > last_seq[record.symbol]
            last_seq[record.symbol] = record.seq


def test_busy_symbols_trade_much_more_often_than_quiet_ones() -> None:
    market = make_market()
    trades, _ = run(market, 400, trades=10, depth=False)
    busy = sum(1 for t in trades if t.symbol == HK)
    quiet = sum(1 for t in trades if t.symbol == QUIET_HK)
    assert busy > 5 * max(quiet, 1)


def test_only_the_requested_symbols_trade() -> None:
    market = make_market()
    trades, _ = market.step(T0 + STEP_MS, 50, {HK, US})
    assert len(trades) == 50 and {t.symbol for t in trades} <= {HK, US}


def test_the_day_bar_tracks_open_high_low_volume_and_turnover_of_the_trades() -> None:
    market = make_market()
    start = market.day_bar(HK)
    trades, _ = run(market, 200, trades=5, depth=False)
    mine = [t for t in trades if t.symbol == HK]
    day = market.day_bar(HK)
    assert day.open == start.open
    assert day.high == max([start.high, *(t.price for t in mine)])
    assert day.low == min([start.low, *(t.price for t in mine)])
    assert day.close == mine[-1].price == market.last_trade(HK).price
    assert day.volume == start.volume + sum(t.volume for t in mine)
    assert day.turnover == start.turnover + sum(t.turnover for t in mine)
    previous = market.previous_day_bar(HK)
    assert previous.start_ms < day.start_ms and previous.low <= previous.close <= previous.high


def test_minute_bars_accumulate_the_trades_of_each_minute() -> None:
    market = SimulatedMarket(seed=3, clock=lambda: T0, history_minutes=0)
    assert market.minute_bars(US) == []
    trades = []
    for i in range(1, 181):  # three minutes, one trade a second
        trades += market.step(T0 + i * 1000, 1, {US})[0]
    bars = market.minute_bars(US)
    starts = sorted({t.tick_time - t.tick_time % MINUTE_MS for t in trades})
    assert [b.start_ms for b in bars] == starts
    for bar in bars:
        inside = [t for t in trades if bar.start_ms <= t.tick_time < bar.start_ms + MINUTE_MS]
        assert bar.open == inside[0].price and bar.close == inside[-1].price
        assert bar.high == max(t.price for t in inside) and bar.low == min(t.price for t in inside)
        assert bar.volume == sum(t.volume for t in inside)
    assert market.minute_bars(US, 2) == bars[-2:]


def test_startup_history_gives_minute_bars_that_add_up_to_the_day_bar() -> None:
    market = make_market(history=45)
    for symbol in (HK, US):
        bars = market.minute_bars(symbol)
        assert len(bars) == 45
        assert [b.start_ms for b in bars] == sorted(b.start_ms for b in bars)
        assert bars[-1].start_ms + MINUTE_MS <= T0
        day = market.day_bar(symbol)
        assert day.volume == sum(b.volume for b in bars)
        assert day.high == max(b.high for b in bars) and day.low == min(b.low for b in bars)
        assert market.last_trade(symbol).price == bars[-1].close


def test_a_new_local_day_rolls_the_day_bar_into_the_previous_close() -> None:
    market = make_market()
    market.step(T0 + 1000, 5, {HK})
    last = market.last_trade(HK).price
    _, next_midnight = day_bounds(Market.HK, T0)
    market.step(next_midnight + 1000, 0, (), {HK})
    assert market.previous_day_bar(HK).close == last
    assert market.day_bar(HK).start_ms == next_midnight
    assert market.day_bar(HK).volume == 0
    (trade,), _ = market.step(next_midnight + 2000, 1, {HK})
    assert market.day_bar(HK).open == trade.price and market.day_bar(HK).volume == trade.volume


def test_price_moves_have_roughly_the_instruments_volatility() -> None:
    market = make_market(seed=11, history=0)
    closes = []
    for minute in range(1, 241):
        market.step(T0 + minute * MINUTE_MS, 0, (), {US})
        closes.append(float(market.last_trade(US).price))
        market.step(T0 + minute * MINUTE_MS, 1, {US})
        closes[-1] = float(market.last_trade(US).price)
    returns = [math.log(b / a) for a, b in zip(closes, closes[1:], strict=False)]
    expected = market.instrument(US).volatility * math.sqrt(MINUTE_MS / TRADING_MS_PER_YEAR)
    assert 0.5 < statistics.pstdev(returns) / expected < 2.0


@pytest.mark.parametrize(
    ("market", "price", "up", "down"),
    [
        (Market.HK, "10.00", "10.02", "9.99"),
        (Market.HK, "9.99", "10.00", "9.98"),
        (Market.HK, "0.250", "0.255", "0.249"),
        (Market.HK, "600.00", "600.50", "599.50"),
        (Market.US, "1.00", "1.01", "0.9999"),
        (Market.US, "0.9999", "1.00", "0.9998"),
    ],
)
def test_one_tick_up_and_down_crosses_spread_table_bands_onto_the_new_grid(
    market: Market, price: str, up: str, down: str
) -> None:
    assert tick_up(market, Decimal(price)) == Decimal(up)
    assert tick_down(market, Decimal(price)) == Decimal(down)


def test_the_default_universe_has_about_thirty_us_and_thirty_hk_stocks_with_real_board_lots() -> (
    None
):
    universe = Universe()
    assert len(universe.symbols(Market.US)) >= 28 and len(universe.symbols(Market.HK)) >= 28
    lots = {str(i.symbol): i.lot_size for i in universe}
    assert lots["00700.HK"] == 100 and lots["09988.HK"] == 100 and lots["00005.HK"] == 400
    assert lots["01299.HK"] == 200 and lots["00941.HK"] == 500 and lots["00388.HK"] == 100
    assert all(lots[str(s)] == 1 for s in universe.symbols(Market.US))
    for instrument in universe:
        assert on_grid(instrument.market, instrument.ref_price), instrument
        assert 0.05 < instrument.volatility < 1.0 and instrument.activity > 0


def test_codes_resolve_only_in_their_exact_wire_form() -> None:
    universe = Universe()
    assert parse_wire("700.HK") == HK
    assert universe.resolve("700.HK") is not None and universe.resolve("AAPL.US") is not None
    for code in ("00700.HK", "aapl.US", "AAPL", "700", "HK-700", "", ".US"):
        assert universe.resolve(code) is None, code
    assert universe.resolve("ZZZZ.US") is None


def test_any_well_formed_code_can_be_synthesised_the_same_way_every_time() -> None:
    symbol = Symbol("01234", Market.HK)
    made = synthesise_instrument(symbol)
    assert made == synthesise_instrument(symbol) and made.synthetic
    assert made.lot_size in (100, 200, 400, 500, 1000, 2000)
    assert on_grid(Market.HK, made.ref_price)
    us = synthesise_instrument(Symbol("ZZZZ", Market.US))
    assert us.lot_size == 1 and on_grid(Market.US, us.ref_price) and us.currency == "USD"
    market = make_market()
    assert market.resolve("1234.HK") is None
    assert market.resolve("1234.HK", synthesise=True) == symbol
    trades, books = market.step(T0 + STEP_MS, 5, {symbol}, {symbol})
    assert len(trades) == 5 and len(books) == 1
    assert all(t.volume % made.lot_size == 0 for t in trades)


def test_adding_a_synthesised_symbol_does_not_change_the_other_symbols_history() -> None:
    plain, extended = make_market(), make_market()
    extended.resolve("4321.HK", synthesise=True)
    assert plain.book(HK) == extended.book(HK) and plain.minute_bars(US) == extended.minute_bars(US)


def test_wire_records_carry_numbers_as_decimal_strings() -> None:
    market = make_market()
    (trade,), (book,) = market.step(T0 + STEP_MS, 1, {HK}, {HK})
    wire = trade.to_wire()
    assert wire["code"] == "700.HK" and wire["tick_time"] == str(T0 + STEP_MS)
    assert all(isinstance(wire[k], str) for k in ("seq", "price", "volume", "turnover"))
    assert wire["trade_direction"] in (0, 1, 2)
    depth = book.to_wire(3)
    assert len(depth["bids"]) == 3 and len(depth["asks"]) == 3  # type: ignore[arg-type]
    assert depth["bids"][0] == {"price": str(book.bids[0][0]), "volume": str(book.bids[0][1])}  # type: ignore[index]


def test_real_tickers_get_their_real_names_and_lots_never_invented_ones() -> None:
    universe = Universe()
    sensetime = universe.resolve("20.HK", synthesise=True)
    abbvie = universe.resolve("ABBV.US", synthesise=True)
    unknown = universe.resolve("QQQZ.US", synthesise=True)
    assert sensetime is not None and sensetime.name_en == "SenseTime Group Inc."
    assert sensetime.name_cn == "商汤-W" and sensetime.lot_size == 1000
    assert abbvie is not None and abbvie.name_en == "AbbVie Inc." and abbvie.exchange == "NYSE"
    assert unknown is not None and unknown.name_en == "Simulated QQQZ"


def test_every_trade_prints_between_the_bid_and_the_ask_the_board_was_shown() -> None:
    market = make_market()
    symbol = Symbol("NVDA", Market.US)
    shown = market.book(symbol)  # the REST snapshot
    for i in range(2000):
        depth = {symbol} if i % 10 == 0 else set()
        for push in market.pushes(T0 + (i + 1) * STEP_MS * 50, 1, {symbol}, depth):
            if isinstance(push, BookRecord):
                shown = push  # the server sends every book of a depth-subscribed symbol
                continue
            bid, ask = shown.bids[0][0], shown.asks[0][0]
            assert bid <= push.price <= ask, (i, bid, push.price, ask)


def test_hong_kong_books_change_a_few_levels_at_a_time() -> None:
    market = make_market()
    symbol = Symbol("00700", Market.HK)
    changed: list[int] = []
    previous = market.book(symbol)
    for i in range(300):
        _, books = market.step(T0 + (i + 1) * STEP_MS * 10, 0, (), {symbol})
        book = books[0]
        old = {**dict(previous.bids), **dict(previous.asks)}
        new = {**dict(book.bids), **dict(book.asks)}
        changed.append(sum(1 for price, size in new.items() if old.get(price) != size))
        previous = book
    assert sum(changed) / len(changed) <= 4.0  # of 20 levels on the two sides
    assert max(changed) < 20

from __future__ import annotations

from decimal import Decimal

from desktop.domain.market_clock import MarketPhase
from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market

D = Decimal


def tick(
    symbol: str, price: str, volume: int = 100, ts: int = 1_000, seq: int | None = None
) -> Tick:
    return Tick(symbol, D(price), volume, None, TradeSide.NEUTRAL, ts, seq)


def test_a_tracked_symbol_starts_dirty_and_empty() -> None:
    book = QuoteBook()
    state = book.track("AAPL.US")
    assert state.last is None and state.change is None
    assert book.take_dirty() == {"AAPL.US"}
    assert book.take_dirty() == set()


def test_ticks_build_last_high_low_volume_and_direction() -> None:
    book = QuoteBook()
    book.track("AAPL.US")
    book.apply_tick(tick("AAPL.US", "100.00", 10, ts=1), 0.0)
    book.apply_tick(tick("AAPL.US", "101.50", 20, ts=2), 0.0)
    book.apply_tick(tick("AAPL.US", "99.75", 30, ts=3), 0.0)
    state = book.get("AAPL.US")
    assert state is not None
    assert (state.last, state.high, state.low, state.open) == (
        D("99.75"),
        D("101.50"),
        D("99.75"),
        D("100.00"),
    )
    assert state.volume == 60
    assert state.turnover == D("100.00") * 10 + D("101.50") * 20 + D("99.75") * 30
    assert state.tick_dir == -1
    assert book.counters.ticks == 3


def test_the_rest_day_bar_is_carried_forward_by_later_ticks_only() -> None:
    book = QuoteBook()
    book.track("00700.HK")
    ref = ReferenceData(
        "00700.HK",
        name="Tencent",
        prev_close=D("480.0"),
        open=D("482.0"),
        high=D("490.0"),
        low=D("478.0"),
        volume=1_000_000,
        turnover=D("480000000"),
        last=D("485.0"),
        last_time_ms=5_000,
        as_of_ms=5_000,
    )
    book.apply_reference(ref, 0.0)
    book.apply_tick(tick("00700.HK", "485.0", 500, ts=4_000), 0.0)  # already in the day bar
    book.apply_tick(tick("00700.HK", "491.0", 200, ts=6_000), 0.0)
    state = book.get("00700.HK")
    assert state is not None
    assert state.volume == 1_000_200
    assert state.high == D("491.0") and state.low == D("478.0") and state.open == D("482.0")
    assert state.change == D("11.0")
    assert state.change_pct is not None and round(state.change_pct, 4) == D("2.2917")
    assert state.name == "Tencent"


def test_duplicate_and_out_of_order_pushes_are_counted_and_not_applied() -> None:
    book = QuoteBook()
    book.track("AAPL.US")
    book.apply_tick(tick("AAPL.US", "100.00", ts=10, seq=5), 0.0)
    book.apply_tick(tick("AAPL.US", "100.00", ts=10, seq=5), 0.0)
    book.apply_tick(tick("AAPL.US", "90.00", ts=5, seq=3), 0.0)
    state = book.get("AAPL.US")
    assert state is not None
    assert book.counters.duplicates == 1 and book.counters.out_of_order == 1
    assert state.last == D("100.00") and state.low == D("100.00") and state.volume == 100


def test_depth_sets_best_bid_and_ask_and_empty_sides_clear_them() -> None:
    book = QuoteBook()
    book.track("00700.HK")
    levels = (DepthLevel(D("480.0"), 1000), DepthLevel(D("479.8"), 500))
    book.apply_depth(DepthSnapshot("00700.HK", levels, (DepthLevel(D("480.2"), 300),), 1), 0.0)
    state = book.get("00700.HK")
    assert state is not None
    assert (state.bid, state.bid_size, state.ask, state.ask_size) == (
        D("480.0"),
        1000,
        D("480.2"),
        300,
    )
    book.apply_depth(DepthSnapshot("00700.HK", levels, (), 2), 0.0)  # limit up: no asks
    assert state.ask is None and state.ask_size is None and state.bid == D("480.0")


def test_events_for_untracked_symbols_are_counted_not_stored() -> None:
    book = QuoteBook()
    book.apply_tick(tick("MSFT.US", "1.00"), 0.0)
    assert book.get("MSFT.US") is None and book.counters.unknown_symbol == 1


def test_impossible_trades_never_reach_last_high_low_or_volume() -> None:
    book = QuoteBook()
    book.track("AAPL.US")
    book.apply_tick(tick("AAPL.US", "190.00", 10, ts=1), 0.0)
    for bad in (
        tick("AAPL.US", "1e-400", ts=2),
        tick("AAPL.US", "9e18", ts=3),
        tick("AAPL.US", "0", ts=4),
        tick("AAPL.US", "-5", ts=5),
        tick("AAPL.US", "Infinity", ts=6),
        tick("AAPL.US", "191.00", 10**19, ts=7),
    ):
        book.apply_tick(bad, 0.0)
    state = book.get("AAPL.US")
    assert state is not None
    assert (state.last, state.high, state.low, state.volume) == (
        D("190.00"),
        D("190.00"),
        D("190.00"),
        10,
    )
    assert book.counters.rejected == 6 and book.counters.ticks == 1


def test_a_provider_name_loses_its_bidirectional_controls() -> None:
    book = QuoteBook()
    book.track("AAPL.US")
    book.apply_reference(ReferenceData("AAPL.US", name="Apple\u202e cnI\u2066"), 0.0)
    state = book.get("AAPL.US")
    assert state is not None and state.name == "Apple cnI"


# ------------------------------------------------------------------ extended hours
def _phases_by_hour(market: Market, ts_ms: int) -> MarketPhase:
    """A scripted US day in hours since epoch 0: 4–9 pre, 9–16 regular, 16–20 post."""
    hour = ts_ms // 3_600_000 % 24
    if 4 <= hour < 9:
        return MarketPhase.PRE
    if 9 <= hour < 16:
        return MarketPhase.RTH
    if 16 <= hour < 20:
        return MarketPhase.POST
    return MarketPhase.CLOSED


def _trade(symbol: str, price: str, hour: float, seq: int) -> Tick:
    return Tick(symbol, Decimal(price), 100, None, TradeSide.NEUTRAL, int(hour * 3_600_000), seq)


def test_extended_hours_trades_carry_their_own_change_against_the_regular_close() -> None:
    book = QuoteBook()
    book.set_phase_of(_phases_by_hour)
    state = book.track("AAPL.US")
    book.apply_tick(_trade("AAPL.US", "100", 15.5, 1), 0.0)
    assert state.ext_last is None and state.regular_close == Decimal(100)
    book.apply_tick(_trade("AAPL.US", "101.5", 16.5, 2), 0.0)
    assert state.ext_last == Decimal("101.5") and state.ext_change == Decimal("1.5")
    assert state.ext_change_pct == Decimal("1.5")
    assert state.last == Decimal("101.5")  # Last still shows the latest print
    book.apply_tick(_trade("AAPL.US", "99", 17, 3), 0.0)
    assert state.ext_change == Decimal(-1)
    book.apply_tick(_trade("AAPL.US", "98", 28.5, 4), 0.0)  # next morning's pre-market: 04:30
    assert state.ext_change == Decimal(-2) and state.ext_time_ms == int(28.5 * 3_600_000)


def test_a_regular_trade_clears_the_extended_price_and_hong_kong_is_never_extended() -> None:
    book = QuoteBook()
    book.set_phase_of(_phases_by_hour)
    us, hk = book.track("AAPL.US"), book.track("00700.HK")
    book.apply_tick(_trade("AAPL.US", "100", 5, 1), 0.0)
    assert us.ext_last == Decimal(100)
    book.apply_tick(_trade("AAPL.US", "102", 10, 2), 0.0)
    assert us.ext_last is None and us.regular_close == Decimal(102)
    book.apply_tick(_trade("00700.HK", "400", 5, 1), 0.0)
    assert hk.ext_last is None and hk.regular_close is None


def test_without_a_phase_source_every_trade_is_regular() -> None:
    book = QuoteBook()
    state = book.track("AAPL.US")
    book.apply_tick(_trade("AAPL.US", "100", 5, 1), 0.0)
    assert state.ext_last is None

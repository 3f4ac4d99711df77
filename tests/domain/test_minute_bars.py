"""MinuteBarStore: bars from trades, late prints, new days, REST seeding and volume windows."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.quote_book import QuoteBook

US_OPEN_S = 1_732_285_800  # Friday 2024-11-22 09:30 in New York
US = "AAPL.US"


def trade(store: MinuteBarStore, at_s: float, price: str, volume: int = 100) -> None:
    store.add_trade(Tick(US, Decimal(price), volume, None, TradeSide.BUY, int(at_s * 1000)))


def test_trades_build_open_high_low_close_and_volume_per_minute() -> None:
    store = MinuteBarStore()
    for second, price in [(0, "10"), (10, "12"), (20, "9"), (59, "11")]:
        trade(store, US_OPEN_S + second, price)
    trade(store, US_OPEN_S + 60, "11.5", 300)
    assert store.bars(US) == [
        MinuteBar(US_OPEN_S, 10.0, 12.0, 9.0, 11.0, 400),
        MinuteBar(US_OPEN_S + 60, 11.5, 11.5, 11.5, 11.5, 300),
    ]
    arrays = store.arrays(US)
    assert len(arrays) == 2 and arrays.high.tolist() == [12.0, 11.5]
    assert store.session_volume(US) == (700, 2)


def test_a_late_print_widens_its_minute_and_adds_volume_but_not_the_close() -> None:
    store = MinuteBarStore()
    trade(store, US_OPEN_S, "10")
    trade(store, US_OPEN_S + 65, "11")
    trade(store, US_OPEN_S + 30, "13", 50)
    first = store.bars(US)[0]
    assert (first.high, first.close, first.volume) == (13.0, 10.0, 150)
    assert store.session_volume(US) == (250, 2)


def test_a_new_exchange_day_starts_with_no_bars() -> None:
    store = MinuteBarStore()
    trade(store, US_OPEN_S - 86_400, "9")
    trade(store, US_OPEN_S, "10")
    assert [bar.start_s for bar in store.bars(US)] == [US_OPEN_S]
    assert store.session_volume(US) == (100, 1)


def test_rest_bars_replace_earlier_minutes_and_merge_into_the_running_one() -> None:
    store = MinuteBarStore()
    trade(store, US_OPEN_S + 62, "10.5", 100)  # the app started during 09:31
    trade(store, US_OPEN_S + 125, "10.9", 100)
    trade(store, US_OPEN_S + 130, "11.8", 200)
    rest = [
        MinuteBar(US_OPEN_S - 86_400, 1, 1, 1, 1, 1),  # yesterday: ignored
        MinuteBar(US_OPEN_S, 10.0, 10.2, 9.9, 10.1, 5_000),
        MinuteBar(US_OPEN_S + 60, 10.1, 10.6, 10.0, 10.4, 6_000),
        MinuteBar(US_OPEN_S + 120, 10.4, 11.0, 10.3, 10.8, 250),  # still running when fetched
    ]
    assert store.seed(US, rest) == 3
    bars = store.bars(US)
    assert bars[0] == MinuteBar(US_OPEN_S, 10.0, 10.2, 9.9, 10.1, 5_000)
    assert bars[1] == MinuteBar(US_OPEN_S + 60, 10.1, 10.6, 10.0, 10.4, 6_000)
    assert bars[2] == MinuteBar(US_OPEN_S + 120, 10.4, 11.8, 10.3, 11.8, 300)
    assert store.session_volume(US) == (11_300, 3)


def test_bars_of_an_older_day_than_the_live_ones_are_not_seeded() -> None:
    store = MinuteBarStore()
    trade(store, US_OPEN_S, "10")
    assert store.seed(US, [MinuteBar(US_OPEN_S - 86_400, 9, 9, 9, 9, 10)]) == 0
    assert len(store.bars(US)) == 1


def test_volume_since_counts_the_newest_minutes_only() -> None:
    store = MinuteBarStore()
    for minute in range(10):
        trade(store, US_OPEN_S + 60 * minute, "10", 100 * (minute + 1))
    assert store.volume_since(US, US_OPEN_S + 60 * 8) == (900 + 1000, 2)
    assert store.volume_since("NONE.US", US_OPEN_S) == (0, 0)


def test_the_oldest_bar_drops_out_past_the_limit_and_leaves_the_session_volume() -> None:
    store = MinuteBarStore(max_bars=3)
    for minute in range(5):
        trade(store, US_OPEN_S + 60 * minute, "10", 10**minute)
    assert [bar.volume for bar in store.bars(US)] == [100, 1_000, 10_000]
    assert store.session_volume(US) == (11_100, 3)


def test_cleared_bars_come_back_with_new_version_numbers_never_old_ones() -> None:
    store = MinuteBarStore()
    trade(store, US_OPEN_S, "10")
    before = store.version(US)
    store.clear()
    assert store.bars(US) == [] and store.version(US) > before
    emptied = store.version(US)
    trade(store, US_OPEN_S + 60, "11")
    assert store.version(US) > emptied and len(store.bars(US)) == 1


def test_shares_missed_in_an_outage_are_not_lumped_into_the_bar_after_it() -> None:
    # The re-snapshot after a reconnect raises the day volume by what was missed; the bars
    # keep only what was heard, so the first minute after the outage is not a volume spike.
    book, bars = QuoteBook(), MinuteBarStore()
    book.add_trade_listener(lambda t: bars.add(t.symbol, float(t.price), t.volume, t.ts_ms))
    book.track("AAPL.US")
    minute = 1_764_081_000  # 2025-11-25 14:30 UTC, a minute start
    book.apply_reference(ReferenceData("AAPL.US", volume=0, as_of_ms=(minute - 60) * 1000), 0.0)
    for i, at in enumerate((minute, minute + 10, minute + 130, minute + 140)):
        tick = Tick("AAPL.US", Decimal("100"), 100, None, TradeSide.BUY, at * 1000, seq=i + 1)
        book.apply_tick(tick, 0.0)
    missed = book.apply_reference(
        ReferenceData("AAPL.US", volume=18_400, as_of_ms=(minute + 135) * 1000), 0.0
    )
    assert missed > 0  # the board knows roughly what it missed …
    assert [b.volume for b in bars.bars("AAPL.US")] == [200, 200]  # … and the bars do not


def test_live_minutes_after_a_seeded_session_keep_every_bar_in_order() -> None:
    store = MinuteBarStore()
    seeded = [
        MinuteBar(US_OPEN_S + 60 * m, 10.0 + m, 11.0 + m, 9.0 + m, 10.5 + m, 100 + m)
        for m in range(30)
    ]
    assert store.seed(US, seeded) == 30
    for minute in range(29, 29 + 60):  # past any spare room the seeded arrays were given
        trade(store, US_OPEN_S + 60 * minute + 1, str(50 + minute), 7)
    bars = store.bars(US)
    assert len(bars) == 89 and store.minutes(US) == 89
    assert bars[:29] == seeded[:29]
    assert bars[29] == MinuteBar(US_OPEN_S + 60 * 29, 39.0, 79.0, 38.0, 79.0, 136)
    assert [bar.close for bar in bars[30:]] == [float(50 + m) for m in range(30, 89)]
    arrays = store.arrays(US)
    assert arrays.start_s.tolist() == [float(bar.start_s) for bar in bars]
    assert arrays.volume.tolist() == [float(bar.volume) for bar in bars]
    assert store.session_volume(US) == (sum(bar.volume for bar in bars), 89)
    assert store.first_minute_ms(US) == US_OPEN_S * 1000


def test_close_at_is_the_close_of_the_bar_covering_an_instant_or_the_latest_before_it() -> None:
    store = MinuteBarStore()
    for minute, price in [(0, "10"), (1, "11"), (4, "12")]:
        trade(store, US_OPEN_S + 60 * minute, price)
    assert store.close_at(US, US_OPEN_S - 1) is None
    assert store.close_at(US, US_OPEN_S + 61) == 11.0
    assert store.close_at(US, US_OPEN_S + 60 * 3) == 11.0  # minutes 2 and 3 had no trade
    assert store.close_at(US, US_OPEN_S + 60 * 9) == 12.0  # the running bar
    assert store.close_at("NONE.US", US_OPEN_S) is None


def test_a_late_print_lands_up_to_four_finished_bars_back_and_no_further() -> None:
    store = MinuteBarStore()
    for minute in range(7):
        trade(store, US_OPEN_S + 60 * minute, "10")
    trade(store, US_OPEN_S + 60 * 2 + 5, "15", 40)  # four bars before the running one
    trade(store, US_OPEN_S + 60 * 1 + 5, "16", 50)  # five: too late to place
    highs = [bar.high for bar in store.bars(US)]
    assert highs == [10.0, 10.0, 15.0, 10.0, 10.0, 10.0, 10.0]
    assert store.session_volume(US) == (740, 7)


def test_volume_since_counts_the_running_bar_and_the_finished_ones_from_that_minute() -> None:
    store = MinuteBarStore()
    for minute in range(5):
        trade(store, US_OPEN_S + 60 * minute, "10", 10**minute)
    assert store.volume_since(US, US_OPEN_S + 60 * 2) == (11_100, 3)
    assert store.volume_since(US, US_OPEN_S + 60 * 4 + 30) == (10_000, 1)  # inside the running one
    assert store.volume_since(US, US_OPEN_S + 60 * 5) == (0, 0)
    assert store.volume_since(US, US_OPEN_S - 600) == (11_111, 5)


def test_prices_come_back_as_the_very_floats_traded_or_seeded_however_many_decimals() -> None:
    store = MinuteBarStore()
    seeded = [
        MinuteBar(US_OPEN_S, 187.25, 187.3125, 186.99, 187.0, 5_000),
        MinuteBar(US_OPEN_S + 60, 0.1 + 0.2, 1 / 3, 0.0001, 987_654_321.5, 2**40),
        MinuteBar(US_OPEN_S + 120, 187.0, 187.0, 187.0, 187.0, 1),
    ]
    store.seed(US, seeded)
    for second, price in [(185, "187.123456"), (190, "187.5"), (250, "186.0001")]:
        trade(store, US_OPEN_S + second, price)
    trade(store, US_OPEN_S + 90, "190.987", 7)  # late: widens the second bar
    bars = store.bars(US)
    assert bars[:3] == [seeded[0], seeded[1]._replace(high=190.987, volume=2**40 + 7), seeded[2]]
    assert bars[3:] == [
        MinuteBar(US_OPEN_S + 180, 187.123456, 187.5, 187.123456, 187.5, 200),
        MinuteBar(US_OPEN_S + 240, 186.0001, 186.0001, 186.0001, 186.0001, 100),
    ]
    arrays = store.arrays(US)
    assert arrays.low.tolist() == [bar.low for bar in bars]
    assert arrays.volume.tolist() == [float(bar.volume) for bar in bars]
    assert store.close_at(US, US_OPEN_S + 61) == 987_654_321.5

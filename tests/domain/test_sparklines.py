"""SparklineStore: 10-second buckets, the open bucket, ring wrap-around, breaks, new days, seeding."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from desktop.domain.gaps import Gap
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.sparklines import BREAK_BUCKETS, SparklineStore

HK_OPEN_S = 1_732_239_000  # Friday 2024-11-22 09:30 in Hong Kong
US_OPEN_S = 1_732_285_800  # Friday 2024-11-22 09:30 in New York
HK = "00700.HK"
US = "AAPL.US"


def trade(store: SparklineStore, symbol: str, at_s: float, price: str) -> None:
    store.add_trade(Tick(symbol, Decimal(price), 100, None, TradeSide.BUY, int(at_s * 1000)))


def test_each_bucket_keeps_the_last_price_traded_in_it() -> None:
    store = SparklineStore()
    for second, price in [(0, "10"), (4, "11"), (9, "12"), (10, "13"), (19, "14"), (25, "15")]:
        trade(store, US, US_OPEN_S + second, price)
    buckets, prices = store.buckets(US)
    first = US_OPEN_S // 10
    assert buckets.tolist() == [first, first + 1, first + 2]
    assert prices.tolist() == [12.0, 14.0, 15.0]


def test_the_open_bucket_follows_every_trade_and_bumps_the_version() -> None:
    store = SparklineStore()
    trade(store, US, US_OPEN_S, "10")
    version = store.version(US)
    trade(store, US, US_OPEN_S + 1, "10.5")
    assert store.version(US) > version
    assert store.last_price(US) == 10.5
    assert store.buckets(US)[1].tolist() == [10.5]


def test_a_late_trade_for_a_closed_bucket_leaves_the_line_alone() -> None:
    store = SparklineStore()
    trade(store, US, US_OPEN_S, "10")
    trade(store, US, US_OPEN_S + 12, "11")
    trade(store, US, US_OPEN_S + 3, "99")
    assert store.buckets(US)[1].tolist() == [10.0, 11.0]


def test_a_full_ring_wraps_and_keeps_the_newest_points_in_order() -> None:
    store = SparklineStore(capacity=5)
    for i in range(9):
        trade(store, US, US_OPEN_S + 10 * i, str(100 + i))
    buckets, prices = store.buckets(US)
    first = US_OPEN_S // 10
    # five committed points in the ring plus the open bucket
    assert buckets.tolist() == [first + i for i in range(3, 9)]
    assert prices.tolist() == [float(100 + i) for i in range(3, 9)]


def test_a_short_lull_is_joined_and_keeps_its_width_on_the_time_axis() -> None:
    store = SparklineStore(max_fill_s=300)
    trade(store, US, US_OPEN_S, "10")
    trade(store, US, US_OPEN_S + 120, "11")
    points = store.points(US)
    assert points is not None
    assert points.x.tolist() == [0.0, 12.0]
    assert points.connect.tolist() == [1, 0]


def test_the_hk_lunch_break_becomes_a_short_break_in_the_line() -> None:
    store = SparklineStore()
    morning_end = HK_OPEN_S + (2 * 3600 + 30 * 60) - 10  # 11:59:50
    afternoon = HK_OPEN_S + 3 * 3600 + 30 * 60  # 13:00:00
    trade(store, HK, morning_end - 10, "480.0")
    trade(store, HK, morning_end, "480.2")
    trade(store, HK, afternoon, "481.0")
    trade(store, HK, afternoon + 10, "481.2")
    points = store.points(HK)
    assert points is not None
    assert points.y.tolist() == [480.0, pytest.approx(480.2), 481.0, pytest.approx(481.2)]
    assert points.connect.tolist() == [1, 0, 1, 0]  # no segment across lunch
    assert np.diff(points.x).tolist() == [1.0, float(BREAK_BUCKETS), 1.0]


def test_the_first_trade_of_a_new_exchange_day_starts_a_fresh_line() -> None:
    store = SparklineStore()
    yesterday_close = US_OPEN_S - 24 * 3600 + 6 * 3600 + 30 * 60 - 5  # Thursday 15:59:55
    trade(store, US, yesterday_close - 10, "9")
    trade(store, US, yesterday_close, "9.5")
    trade(store, US, US_OPEN_S, "10")
    buckets, prices = store.buckets(US)
    assert buckets.tolist() == [US_OPEN_S // 10]
    assert prices.tolist() == [10.0]


def test_seeding_fills_the_day_before_the_first_live_trade_and_skips_older_days() -> None:
    store = SparklineStore()
    live_at = US_OPEN_S + 5 * 60 + 30  # 09:35:30
    trade(store, US, live_at, "105")
    bars = [(US_OPEN_S - 86_400, 1.0)] + [(US_OPEN_S + 60 * m, 100.0 + m) for m in range(6)]
    added = store.seed(US, bars, as_of_s=live_at + 5)
    assert added == 5  # minutes 09:30–09:34; 09:35 is already live; yesterday's bar is ignored
    buckets, prices = store.buckets(US)
    assert prices.tolist() == [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]
    assert buckets[0] == (US_OPEN_S + 60) // 10 - 1  # a minute's close sits in its last bucket
    assert buckets[-1] == live_at // 10


def test_a_seeded_running_minute_still_takes_the_live_trades_that_follow() -> None:
    store = SparklineStore()
    as_of = US_OPEN_S + 60 + 15  # 09:31:15, the 09:31 bar is still running
    store.seed(US, [(US_OPEN_S, 100.0), (US_OPEN_S + 60, 101.0)], as_of_s=as_of)
    assert store.buckets(US)[0][-1] == as_of // 10
    trade(store, US, as_of + 2, "101.5")
    trade(store, US, as_of + 20, "102")
    assert store.buckets(US)[1].tolist() == [100.0, 101.5, 102.0]


def test_thinning_keeps_the_newest_point_and_both_ends_of_every_break() -> None:
    store = SparklineStore()
    for i in range(100):
        trade(store, HK, HK_OPEN_S + 10 * i, str(400 + i % 7))
    after = HK_OPEN_S + 10 * 99 + 3600
    for i in range(100):
        trade(store, HK, after + 10 * i, str(410 + i % 5))
    full = store.points(HK)
    thin = store.points(HK, max_points=20)
    assert full is not None and thin is not None
    assert len(thin.x) < 30
    assert thin.x[-1] == full.x[-1] and thin.y[-1] == full.y[-1]
    break_at = int(np.flatnonzero(full.connect[:-1] == 0)[0])
    assert full.x[break_at] in thin.x and full.x[break_at + 1] in thin.x
    assert thin.connect.tolist().count(0) == 2  # the break and the end


def test_many_symbols_each_keep_their_own_line_and_a_forgotten_one_is_gone() -> None:
    store = SparklineStore(capacity=4)
    symbols = [f"S{i}.US" for i in range(150)]
    for i, symbol in enumerate(symbols):
        trade(store, symbol, US_OPEN_S, str(10 + i))
        trade(store, symbol, US_OPEN_S + 10, str(20 + i))
    assert all(store.buckets(s)[1].tolist() == [10.0 + i, 20.0 + i] for i, s in enumerate(symbols))
    store.forget(symbols[0])
    assert symbols[0] not in store and store.points(symbols[0]) is None
    trade(store, "NEW.US", US_OPEN_S, "1")
    assert store.buckets("NEW.US")[1].tolist() == [1.0]
    assert store.buckets(symbols[1])[1].tolist() == [11.0, 21.0]


def test_a_cleared_line_comes_back_with_new_version_numbers_never_old_ones() -> None:
    store = SparklineStore()
    trade(store, US, US_OPEN_S, "10")
    trade(store, US, US_OPEN_S + 10, "11")
    before = store.version(US)
    store.clear()
    assert store.points(US) is None
    emptied = store.version(US)
    assert emptied > before  # "no line" is itself a change to redraw
    trade(store, US, US_OPEN_S + 20, "12")
    assert store.version(US) > emptied
    assert store.buckets(US)[1].tolist() == [12.0]


def test_a_line_grows_past_its_first_arrays_then_wraps_at_capacity_keeping_order() -> None:
    """Arrays start small and double; points stay in order through growth and the ring's wrap."""
    store = SparklineStore(capacity=150)
    for i in range(400):
        trade(store, US, US_OPEN_S + 10 * i, str(100 + i))
    buckets, prices = store.buckets(US)
    assert prices.tolist() == [float(100 + i) for i in range(249, 400)]  # 150 + the open one
    assert buckets.tolist() == [US_OPEN_S // 10 + i for i in range(249, 400)]
    store2 = SparklineStore(capacity=150)
    for i in range(100):  # grown once (64 → 128), not yet full
        trade(store2, US, US_OPEN_S + 10 * i, str(100 + i))
    assert store2.buckets(US)[1].tolist() == [float(100 + i) for i in range(100)]


def test_seeding_a_long_history_grows_the_line_to_hold_it() -> None:
    store = SparklineStore()
    closes = [(US_OPEN_S + 60 * m, 100.0 + m) for m in range(300)]
    added = store.seed(US, closes, as_of_s=US_OPEN_S + 60 * 300)
    assert added == 300
    assert store.buckets(US)[1].tolist() == [100.0 + m for m in range(300)]


def test_a_recorded_outage_breaks_the_line_where_it_happened_without_squeezing_it() -> None:
    store = SparklineStore()
    for second, price in [(0, "10"), (10, "10.1"), (20, "10.2"), (70, "11"), (80, "11.1")]:
        trade(store, US, US_OPEN_S + second, price)
    joined = store.points(US)
    assert joined is not None and joined.connect.tolist() == [1, 1, 1, 1, 0]
    version = store.version(US)
    start_ms = (US_OPEN_S + 25) * 1000
    store.outages.record(Gap(0, start_ms, start_ms + 42_000, (US,)))
    assert store.version(US) > version, "the cell must redraw"
    broken = store.points(US)
    assert broken is not None
    assert broken.connect.tolist() == [1, 1, 0, 1, 0]
    assert broken.x.tolist() == joined.x.tolist(), "a 42 s outage keeps its width"


def test_thinning_keeps_both_ends_of_a_recorded_outage() -> None:
    store = SparklineStore()
    for i in range(400):
        trade(store, US, US_OPEN_S + 10 * i, str(100 + i % 7))
    start_ms = (US_OPEN_S + 1_234) * 1000
    store.outages.record(Gap(0, start_ms, start_ms + 5_000, (US,)))
    points = store.points(US, max_points=40)
    assert points is not None
    assert points.connect.tolist().count(0) == 2  # the outage and the line's end


def test_a_seeded_line_holds_room_for_its_points_and_a_few_more_not_double() -> None:
    store = SparklineStore()
    closes = [(US_OPEN_S + 60 * m, 100.0 + m) for m in range(330)]
    store.seed(US, closes, as_of_s=US_OPEN_S + 60 * 330)
    line = store._lines[US]
    assert 329 <= line.buckets.shape[0] < 400 and line.prices.shape == line.buckets.shape
    for second in range(0, 1200, 10):  # live points past that room: the line keeps growing
        store.add(US, 200.0 + second, (US_OPEN_S + 60 * 330 + second) * 1000)
    prices = store.buckets(US)[1]
    assert prices[:329].tolist() == [100.0 + m for m in range(329)]
    assert prices[-1] == 1390.0 and prices.size == 329 + 1 + 120

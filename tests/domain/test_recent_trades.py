"""A symbol's remembered pushed trades: a bounded window of the newest, summed after a time."""

from __future__ import annotations

import gc
import random
from collections import deque
from decimal import Decimal

import pytest

from desktop.domain.market_data import Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.recent_trades import RECENT_TRADES, RecentTrades


def test_the_ring_sums_the_trades_after_a_time_as_the_window_of_the_newest() -> None:
    rng = random.Random(7)
    ring, window = RecentTrades(capacity=8), deque[tuple[int, int, Decimal]](maxlen=8)
    for n in range(30):
        trade = (1_000 + 10 * n, rng.randint(1, 10**6), Decimal(rng.randint(1, 10**9)) / 100)
        ring.add(trade[0], n, trade[1], trade[2])
        window.append(trade)
        for ts_ms in (0, trade[0] - 35, trade[0] - 1, trade[0]):
            volume = sum(v for at, v, _ in window if at > ts_ms)
            turnover = sum((t for at, _, t in window if at > ts_ms), Decimal())
            assert ring.after(ts_ms) == (volume, turnover)
    assert len(ring) == 8


@pytest.mark.parametrize(
    "amounts",
    [
        ["1.50", "100", "1E+2", "0.000001", "123456.789", "-2.5"],
        ["0.1", "0.0000001", "3"],  # seven decimals: the ring keeps Decimals from then on
        ["5", str(2**63), "0.25"],  # beyond 64 bits of millionths: the same
    ],
)
def test_a_sum_comes_back_as_the_same_decimal_as_summing_the_originals(amounts: list[str]) -> None:
    ring = RecentTrades(capacity=4)
    window = deque[tuple[int, Decimal]](maxlen=4)
    for n, text in enumerate(amounts):
        ring.add(10 * n, n, 1, Decimal(text))
        window.append((10 * n, Decimal(text)))
        for ts_ms in (-1, 10 * n - 15, 10 * n - 1, 10 * n):
            want = sum((t for at, t in window if at > ts_ms), Decimal())
            got = ring.after(ts_ms)[1]
            assert (got, str(got)) == (want, str(want))


def test_the_columns_hold_nothing_for_the_garbage_collector_to_walk() -> None:
    ring = RecentTrades()
    for n in range(RECENT_TRADES + 10):
        ring.add(n, n, 100, Decimal("12.345") * 100)
    walked = [inner for column in gc.get_referents(ring) for inner in gc.get_referents(column)]
    assert len(walked) < 20  # a column of Decimals would show the collector 512 of them


def test_the_ring_keeps_the_largest_volume_and_exact_turnovers() -> None:
    ring = RecentTrades()
    ring.add(5, None, 2**63 - 1, Decimal("0.1"))
    ring.add(6, None, 1, Decimal("0.2"))
    assert ring.after(0) == (2**63, Decimal("0.3"))
    with pytest.raises(ValueError):
        RecentTrades(capacity=0)


def test_a_quote_remembers_nothing_until_its_first_pushed_trade() -> None:
    book = QuoteBook()
    state = book.track("AAPL.US")
    assert state.recent is None and state.pushed_after(0) == (0, Decimal())
    for n in range(RECENT_TRADES + 3):
        book.apply_tick(Tick("AAPL.US", Decimal("10.5"), 2, None, None, 1_000 + n, n + 1), 0)
    assert state.recent is not None and len(state.recent) == RECENT_TRADES
    assert state.pushed_after(0) == (2 * RECENT_TRADES, Decimal("21.0") * RECENT_TRADES)


def test_a_trade_in_the_as_of_millisecond_counts_only_after_the_as_of_seq() -> None:
    ring = RecentTrades()
    ring.add(1_000, 4, 10, Decimal("1"))
    ring.add(1_000, 5, 20, Decimal("2"))
    ring.add(1_000, 6, 40, Decimal("4"))
    ring.add(1_000, None, 80, Decimal("8"))
    assert ring.after(1_000, 5) == (40, Decimal("4")), "only seq 6: the unknown one is counted"
    assert ring.after(1_000) == (0, Decimal()), "no as-of seq: the whole millisecond is counted"
    assert ring.after(999, 5) == (150, Decimal("15"))


def test_a_joining_board_adds_a_same_millisecond_trade_after_the_cached_value() -> None:
    from desktop.domain.market_data import ReferenceData

    book = QuoteBook()
    state = book.track("AAPL.US")
    cached = ReferenceData(
        "AAPL.US", volume=1_000, turnover=Decimal("10000"), last=Decimal("10"),
        last_time_ms=5_000, last_seq=7, as_of_ms=5_000, as_of_seq=7,
    )  # fmt: skip
    book.apply_reference(cached, 0)
    book.apply_tick(Tick("AAPL.US", Decimal("10"), 100, None, None, 5_000, 7), 0)  # held already
    assert state.volume == 1_000
    book.apply_tick(Tick("AAPL.US", Decimal("10.01"), 300, None, None, 5_000, 8), 0)
    assert state.volume == 1_300 and state.last == Decimal("10.01")
    # A REST day bar knows no seq: its whole millisecond stays counted, as before.
    rest = book.track("MSFT.US")
    book.apply_reference(ReferenceData("MSFT.US", volume=500, as_of_ms=5_000), 0)
    book.apply_tick(Tick("MSFT.US", Decimal("1"), 50, None, None, 5_000, 9), 0)
    assert rest.volume == 500

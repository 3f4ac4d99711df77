"""A symbol's remembered pushed trades: a bounded window of the newest, summed after a time."""

from __future__ import annotations

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
        ring.add(*trade)
        window.append(trade)
        for ts_ms in (0, trade[0] - 35, trade[0] - 1, trade[0]):
            volume = sum(v for at, v, _ in window if at > ts_ms)
            turnover = sum((t for at, _, t in window if at > ts_ms), Decimal())
            assert ring.after(ts_ms) == (volume, turnover)
    assert len(ring) == 8


def test_the_ring_keeps_the_largest_volume_and_exact_turnovers() -> None:
    ring = RecentTrades()
    ring.add(5, 2**63 - 1, Decimal("0.1"))
    ring.add(6, 1, Decimal("0.2"))
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

"""Outages from the gap ledger, per symbol: which consecutive points an outage breaks apart."""

from __future__ import annotations

import numpy as np

from desktop.domain.gaps import Gap
from desktop.domain.outages import Outages, breaks_between


def ms(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_an_outage_between_two_points_breaks_only_that_segment() -> None:
    starts = ms(0, 10_000, 20_000, 70_000, 80_000)
    cut = breaks_between(starts, [(25_000, 67_000)])
    assert cut.tolist() == [False, False, True, False]


def test_an_outage_inside_a_point_breaks_the_line_after_it() -> None:
    # The point's last price may be from before the outage: what followed is unknown.
    cut = breaks_between(ms(0, 60_000, 120_000), [(65_000, 70_000)])
    assert cut.tolist() == [False, True]


def test_an_outage_before_or_after_every_point_breaks_nothing() -> None:
    starts = ms(100_000, 110_000, 120_000)
    assert not breaks_between(starts, [(0, 100_000), (130_000, 140_000)]).any()


def test_an_open_outage_breaks_everything_after_its_start() -> None:
    cut = breaks_between(ms(0, 10_000, 20_000, 30_000), [(15_000, None)])
    assert cut.tolist() == [False, True, True]


def test_a_gap_that_ends_replaces_its_open_span_and_bumps_each_symbols_version() -> None:
    outages = Outages()
    opened = Gap(2, 1_000, None, ("AAPL.US", "MSFT.US"))
    assert outages.record(opened) == ["AAPL.US", "MSFT.US"]
    assert outages.spans("AAPL.US") == [(1_000, None)]
    version = outages.version("AAPL.US")
    closed = Gap(2, 1_000, 43_000, ("AAPL.US", "MSFT.US"))
    outages.record(closed)
    assert outages.spans("AAPL.US") == [(1_000, 43_000)]
    assert outages.version("AAPL.US") > version
    assert outages.record(closed) == [], "the same span again changes nothing"
    assert outages.spans("TSLA.US") == [] and outages.version("TSLA.US") == 0


def test_clearing_forgets_the_spans_but_drawings_still_see_a_change() -> None:
    outages = Outages()
    outages.record(Gap(0, 1_000, 2_000, ("AAPL.US",)))
    version = outages.version("AAPL.US")
    outages.clear()
    assert outages.spans("AAPL.US") == []
    assert outages.version("AAPL.US") > version


def test_on_a_delayed_feed_the_break_lands_where_the_data_stopped_in_exchange_time() -> None:
    outages = Outages()
    lags = {"AAPL.US": 900_000.0, "MSFT.US": -250.0, "TSLA.US": 86_400_000.0}
    opened = Gap(0, 1_000_000, None, ("AAPL.US", "MSFT.US", "TSLA.US"))
    outages.record(opened, lags.__getitem__)
    assert outages.spans("AAPL.US") == [(100_000, None)], "15 minutes behind"
    assert outages.spans("MSFT.US") == [(1_000_000, None)], "a clock a bit ahead: never forward"
    assert outages.spans("TSLA.US") == [(1_000_000, None)], "a day behind is no delayed feed"
    lags["AAPL.US"] = 0.0  # by the end no push has arrived: the lag of the start still holds
    outages.record(Gap(0, 1_000_000, 1_042_000, opened.symbols), lags.__getitem__)
    assert outages.spans("AAPL.US") == [(100_000, 142_000)]
    # Points every 10 s of exchange time: the 15-minute-old stretch breaks, not "now".
    starts = ms(90_000, 100_000, 150_000, 1_000_000, 1_010_000)
    assert breaks_between(starts, outages.spans("AAPL.US")).tolist() == [
        False, True, False, False,
    ]  # fmt: skip


def test_a_symbols_exchange_lag_is_measured_from_its_last_push() -> None:
    from decimal import Decimal

    from desktop.domain.market_data import Tick, TradeSide
    from desktop.domain.quote_book import QuoteBook

    book = QuoteBook()
    state = book.track("AAPL.US")
    assert state.exchange_lag_ms(50.0, 2_000_000) == 0.0
    book.apply_tick(Tick("AAPL.US", Decimal("1"), 1, None, TradeSide.BUY, 1_000_000), 40.0)
    # Arrived at wall 2,000,000 - 10 s = 1,990,000 ms, stamped 1,000,000: 990 s behind.
    assert state.exchange_lag_ms(50.0, 2_000_000) == 990_000.0

"""Newest data wins: pushes and REST snapshots in any order leave the book on the newest data."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick, TradeSide
from desktop.domain.provenance import Source
from desktop.domain.quote_book import QuoteBook

D = Decimal
SYMBOL = "00700.HK"


def push(price: str, ts: int, seq: int, volume: int = 100) -> Tick:
    return Tick(SYMBOL, D(price), volume, None, TradeSide.NEUTRAL, ts, seq)


def snapshot(price: str, ts: int) -> ReferenceData:
    return ReferenceData(SYMBOL, last=D(price), last_time_ms=ts)


def depth(bid: str, ts: int, seq: int | None) -> DepthSnapshot:
    return DepthSnapshot(SYMBOL, (DepthLevel(D(bid), 100),), (), ts, seq)


def fresh_book() -> QuoteBook:
    book = QuoteBook()
    book.track(SYMBOL)
    return book


def test_a_snapshot_stamped_the_same_second_as_a_newer_push_does_not_overwrite_it() -> None:
    # The WS docs' own example carries a whole-second tick_time (§1.9): both say 1677831545000.
    book = fresh_book()
    book.apply_tick(push("651.20", 1_677_831_545_000, 7), 1.0)
    book.apply_reference(snapshot("650.00", 1_677_831_545_000), 2.0)
    state = book.get(SYMBOL)
    assert state is not None and state.last == D("651.20")
    assert state.last_src is not None and state.last_src.source is Source.PUSH
    assert book.counters.stale_snapshots == 1


def test_a_newer_snapshot_replaces_an_older_push_and_remembers_where_it_came_from() -> None:
    book = fresh_book()
    book.apply_tick(push("651.20", 1_000, 7), 1.0)
    book.apply_reference(snapshot("655.00", 2_000), 2.0)
    state = book.get(SYMBOL)
    assert state is not None and state.last == D("655.00")
    assert state.last_src is not None
    assert (state.last_src.source, state.last_src.ts_ms, state.last_src.received_at) == (
        Source.SNAPSHOT,
        2_000,
        2.0,
    )


def test_a_rest_book_never_replaces_a_pushed_book_of_the_same_time() -> None:
    book = fresh_book()
    assert book.apply_depth(depth("651.00", 5_000, 9), 1.0)
    assert not book.apply_depth(depth("650.00", 5_000, None), 2.0, Source.SNAPSHOT)
    state = book.get(SYMBOL)
    assert state is not None and state.bid == D("651.00")


def test_an_out_of_order_pushed_book_is_counted_and_dropped() -> None:
    book = fresh_book()
    book.apply_depth(depth("651.00", 5_000, 9), 1.0)
    assert not book.apply_depth(depth("650.00", 4_000, 8), 2.0)
    assert not book.apply_depth(depth("650.00", 5_000, 9), 2.0)
    state = book.get(SYMBOL)
    assert state is not None and state.bid == D("651.00")
    assert book.counters.out_of_order == 1 and book.counters.duplicates == 1


def test_a_day_bar_after_an_outage_keeps_later_pushes_and_says_what_was_missed() -> None:
    book = fresh_book()
    book.apply_reference(ReferenceData(SYMBOL, volume=1_000, as_of_ms=1_000), 0.0)
    book.apply_tick(push("10", 2_000, 1, volume=50), 1.0)  # 1 050 counted
    # The outage: 18 000 shares traded unseen; the day bar up to 5 000 says 19 050.
    book.apply_tick(push("10", 6_000, 2, volume=7), 2.0)  # pushed after the bar's time
    missed = book.apply_reference(ReferenceData(SYMBOL, volume=19_050, as_of_ms=5_000), 3.0)
    state = book.get(SYMBOL)
    assert state is not None and state.volume == 19_057
    assert missed == 18_000


# -- the property: every interleaving of pushes and snapshots ends on the newest data ----------
# Trades happen at strictly increasing (time, seq); times repeat (whole seconds). Snapshots echo
# one of those trades (same time and price, REST has no seq in the board's view) or are older.
_TRADES = st.lists(st.tuples(st.integers(0, 3), st.integers(1, 999)), min_size=1, max_size=12).map(
    lambda steps: [
        ((1 + sum(step for step, _ in steps[: i + 1])) * 1000, i + 1, f"{price}.00")
        for i, (_, price) in enumerate(steps)
    ]
)


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[list[tuple[str, int, int, str]], tuple[int, str]]:
    trades = draw(_TRADES)
    events: list[tuple[str, int, int, str]] = [
        ("push", ts, seq, price) for ts, seq, price in trades
    ]
    events += [
        ("push", ts, seq, price) for ts, seq, price in draw(st.lists(st.sampled_from(trades)))
    ]
    for ts, seq, price in draw(st.lists(st.sampled_from(trades), max_size=4)):
        events.append(("snapshot", ts, seq, price))
    order = draw(st.permutations(events))
    newest = max(trades, key=lambda t: (t[0], t[1]))
    return list(order), (newest[0], newest[2])


@settings(max_examples=400, deadline=None)
@given(deliveries())
def test_pushes_and_snapshots_in_any_order_end_on_the_newest_trade(
    case: tuple[list[tuple[str, int, int, str]], tuple[int, str]],
) -> None:
    events, (newest_ts, newest_price) = case
    book = fresh_book()
    for now, (kind, ts, seq, price) in enumerate(events):
        if kind == "push":
            book.apply_tick(push(price, ts, seq), float(now))
        else:
            book.apply_reference(snapshot(price, ts), float(now))
    state = book.get(SYMBOL)
    assert state is not None
    # The time shown is always the newest time delivered, whatever the order.
    assert state.last_time_ms == newest_ts == max(ts for _, ts, _, _ in events)
    newest_seq = max(seq for kind, _, seq, _ in events if kind == "push")
    newest_pushed = next(e for e in events if e[0] == "push" and e[2] == newest_seq)
    if newest_pushed[1] == newest_ts:
        # The newest trade arrived as a push: no late push, duplicate or same-second snapshot
        # may replace it.
        assert state.last == D(newest_pushed[3])
        assert state.last_src is not None and state.last_src.seq == newest_seq
    # Every push is applied once or counted as a duplicate / out of order, never both.
    pushes = sum(1 for kind, *_ in events if kind == "push")
    counters = book.counters
    assert counters.ticks + counters.duplicates + counters.out_of_order == pushes
    applied = {seq for kind, _, seq, _ in events if kind == "push"}
    assert counters.ticks <= len(applied)
    assert state.volume == 100 * counters.ticks


@settings(max_examples=300, deadline=None)
@given(deliveries())
def test_in_delivery_order_the_newest_push_is_what_the_row_shows(
    case: tuple[list[tuple[str, int, int, str]], tuple[int, str]],
) -> None:
    events, (newest_ts, newest_price) = case
    # Deliver the pushes in exchange order, snapshots anywhere: the final price is exact.
    pushes = sorted((e for e in events if e[0] == "push"), key=lambda e: (e[1], e[2]))
    snaps = [e for e in events if e[0] == "snapshot"]
    merged = list(snaps[: len(snaps) // 2]) + pushes + list(snaps[len(snaps) // 2 :])
    book = fresh_book()
    for now, (kind, ts, seq, price) in enumerate(merged):
        if kind == "push":
            book.apply_tick(push(price, ts, seq), float(now))
        else:
            book.apply_reference(snapshot(price, ts), float(now))
    state = book.get(SYMBOL)
    assert state is not None and state.last == D(newest_price) and state.last_time_ms == newest_ts

"""The tape ring: median print today, the big-print rule, dividers, the model's cursor."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.gaps import Gap
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.tape import TapeBook

# 2026-03-02 15:00:00 UTC = 10:00 ET (EST) = 23:00 HKT
T0 = 1_772_463_600_000


def trade(size: int, ms: int = 0, symbol: str = "AAPL.US", side: int = 1) -> Tick:
    return Tick(symbol, Decimal("189.23"), size, None, TradeSide(side), T0 + ms)


def test_no_print_is_big_until_the_symbol_has_its_median() -> None:
    tape = TapeBook(min_prints=5)
    for i in range(4):
        tape.add(trade(100, i))
    tape.add(trade(10_000, 10))
    assert [e.big for e in tape.recent("AAPL.US")] == [False] * 5
    assert tape.median_size("AAPL.US") == 100


def test_a_print_five_times_the_median_of_its_own_symbol_is_big() -> None:
    tape = TapeBook(min_prints=5, big_multiple=5.0)
    for i, size in enumerate([100, 200, 100, 300, 100, 200]):  # median 150
        tape.add(trade(size, i))
    tape.add(trade(700, 10))  # 4.7×: not big
    tape.add(trade(1_500, 11))  # median is now 200 (7 prints): 7.5×
    entries = tape.recent("AAPL.US")
    assert entries[-2].big is False and round(entries[-2].multiple, 2) == 4.67
    assert entries[-1].big is True and entries[-1].multiple == 7.5


def test_another_symbols_prints_do_not_move_this_ones_median() -> None:
    tape = TapeBook(min_prints=3)
    for i in range(5):
        tape.add(trade(100, i))
        tape.add(trade(50_000, i, symbol="00700.HK"))
    tape.add(trade(1_100, 20))  # 11× its own median of 100
    assert tape.recent("AAPL.US")[-1].big
    assert tape.median_size("00700.HK") == 50_000


def test_the_median_starts_afresh_on_a_new_exchange_day() -> None:
    tape = TapeBook(min_prints=3)
    for i in range(5):
        tape.add(trade(1_000, i))
    next_day = 24 * 3_600_000
    tape.add(trade(10, next_day))
    assert tape.prints_today("AAPL.US") == 1
    assert tape.median_size("AAPL.US") is None


def test_a_divider_lands_on_every_tape_and_the_cursor_reads_only_new_entries() -> None:
    tape = TapeBook()
    tape.add(trade(100, 1))
    tape.add(trade(100, 2, symbol="00700.HK"))
    cursor = tape.cursor("AAPL.US")
    tape.mark_gap(T0 + 5, "Feed reconnected: prints may be missing")
    tape.add(trade(200, 6))
    entries, cursor2, lost = tape.entries_since("AAPL.US", cursor)
    assert [e.divider for e in entries] == ["Feed reconnected: prints may be missing", ""]
    assert cursor2 == cursor + 2 and not lost
    assert tape.recent("00700.HK")[-1].divider


def test_a_cursor_the_ring_has_overtaken_reports_lost_entries() -> None:
    tape = TapeBook(capacity=3)
    for i in range(5):
        tape.add(trade(100 + i, i))
    entries, cursor, lost = tape.entries_since("AAPL.US", 0)
    assert lost and cursor == 5
    assert [e.volume for e in entries] == [102, 103, 104]


def test_biggest_since_finds_the_largest_multiple_in_the_window() -> None:
    tape = TapeBook(min_prints=3)
    for i, size in enumerate([100, 100, 100, 900, 100, 2_000, 100]):
        tape.add(trade(size, i * 1000))
    best = tape.biggest_since("AAPL.US", T0 + 4_000)
    assert best is not None and best.volume == 2_000 and best.multiple == 20.0


def test_an_outage_the_ledger_recorded_marks_only_its_symbols_tapes_once() -> None:
    tape = TapeBook()
    for symbol in ("AAPL.US", "MSFT.US", "00700.HK"):
        tape.add(trade(100, 0, symbol))
    opened = Gap(1, T0 + 1_000, None, ("AAPL.US", "00700.HK"), reason="connection lost")
    assert not tape.mark_outage(opened), "an outage is marked where it ends"
    closed = Gap(1, T0 + 1_000, T0 + 43_000, opened.symbols, reason="connection lost")
    assert tape.mark_outage(closed)
    (divider,) = [e for e in tape.recent("AAPL.US") if e.divider]
    assert divider.divider == "gap 42 s · reconnected" and divider.ts_ms == T0 + 43_000
    assert divider.detail == (
        "No prints were received from 10:00:01 to 10:00:43 (connection lost): "
        "prints may be missing above."
    )
    revision, cursor = tape.revision("AAPL.US"), tape.cursor("AAPL.US")
    reconciled = Gap(
        1, T0 + 1_000, T0 + 43_000, opened.symbols, {"AAPL.US": 18_000}, reason="connection lost"
    )
    assert tape.mark_outage(reconciled), "the same outage, learning what was missed"
    (divider,) = [e for e in tape.recent("AAPL.US") if e.divider]
    assert divider.divider == "gap 42 s · ~18.0K shares traded" and divider.ts_ms == T0 + 43_000
    assert divider.detail.endswith("about 18,000 shares traded meanwhile.")
    assert tape.revision("AAPL.US") == revision + 1 and tape.cursor("AAPL.US") == cursor
    assert not tape.mark_outage(reconciled), "nothing new to say"
    assert [e.divider for e in tape.recent("00700.HK")] == ["", "gap 42 s · reconnected"]
    assert not any(e.divider for e in tape.recent("MSFT.US")), "its connection never dropped"

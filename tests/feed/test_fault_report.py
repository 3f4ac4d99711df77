"""The fault matrix's bar: which rows miss it, and which waits are named instead."""

from __future__ import annotations

from benchmarks.fault_report import CaseResult, bar_problems, format_table
from desktop.simulator.faults import FaultKind


def _row(
    fault: FaultKind,
    stale: float | None,
    live: float | None,
    *,
    stagger: float = 0.0,
) -> CaseResult:
    return CaseResult(
        fault,
        True,
        1.0,
        1,
        0,
        True,
        True,
        True,
        "Live",
        time_to_stale_s=stale,
        time_to_live_s=live,
        stagger_s=stagger,
    )


def test_a_plain_outage_must_be_stale_within_a_second_and_live_within_five() -> None:
    assert bar_problems(_row(FaultKind.CLOSE_1006, 0.01, 4.9)) == []
    assert bar_problems(_row(FaultKind.CLOSE_1006, 1.5, 1.0))
    assert bar_problems(_row(FaultKind.CLOSE_1006, 0.01, 5.5))
    assert bar_problems(_row(FaultKind.CLOSE_1006, 0.01, None)), "stale and never live again"


def test_the_subscribe_stagger_is_allowed_and_nothing_beyond_it() -> None:
    assert bar_problems(_row(FaultKind.CLOSE_1000, 0.01, 6.1, stagger=6.0)) == []
    assert bar_problems(_row(FaultKind.CLOSE_1000, 0.01, 11.5, stagger=6.0))


def test_named_detection_windows_and_refusals_are_excused_only_for_their_own_column() -> None:
    assert bar_problems(_row(FaultKind.STALL, 22.0, 0.5)) == []
    assert bar_problems(_row(FaultKind.STALL, 22.0, 9.0)), "a watchdog excuses stale, not live"
    assert bar_problems(_row(FaultKind.CLOSE_606, 0.02, 50.0)) == []
    assert bar_problems(_row(FaultKind.CLOSE_606, 3.0, 50.0)), "a refusal excuses live only"


def test_the_table_says_when_the_bar_is_missed_and_names_the_waits() -> None:
    good = [_row(FaultKind.CLOSE_1000, 0.01, 6.0, stagger=6.0), _row(FaultKind.STALL, 22.0, 0.1)]
    table = format_table(good, timing="real waits")
    assert "met by every fault" in table
    assert "`stall`: a silent socket is noticed by the 20 s heartbeat watchdog" in table
    assert "6 s stagger" in table
    bad = format_table([*good, _row(FaultKind.CLOSE_1011, 0.01, 8.0)], timing="real waits")
    assert "MISSED: close-1011: time to live 8.00 s > 5 s" in bad

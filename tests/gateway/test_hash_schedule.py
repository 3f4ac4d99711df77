"""When the gateway writes each latest-value hash, and the cover it records in stream entries."""

from __future__ import annotations

import pytest

from desktop.gateway.hash_schedule import HashSchedule


def _flush(schedule: HashSchedule, numbers: dict[str, int], now: float, *symbols: str) -> list[str]:
    numbers["trades"] += 1
    schedule.changed("trades", symbols, numbers["trades"], now)
    return schedule.take_due(now, numbers)


def test_a_first_change_is_written_at_once_and_later_ones_wait_their_turn() -> None:
    schedule = HashSchedule(every_s=0.1)
    numbers = {"trades": 0, "books": 0}
    assert _flush(schedule, numbers, 0.000, "A", "B") == ["A", "B"]
    assert schedule.cover("trades", numbers["trades"]) == 2  # nothing behind: past the newest
    assert _flush(schedule, numbers, 0.005, "A") == []
    assert _flush(schedule, numbers, 0.010, "A", "B") == []
    assert schedule.cover("trades", numbers["trades"]) == 2  # A behind since batch 2
    assert schedule.wait_s(0.010) == pytest.approx(0.09)  # A's turn: 100 ms after its last write
    assert schedule.take_due(0.099, numbers) == []
    assert schedule.take_due(0.100, numbers) == ["A", "B"]
    assert schedule.cover("trades", numbers["trades"]) == 4
    assert schedule.wait_s(0.1) is None
    assert schedule.writes == 4


def test_the_cover_is_the_oldest_batch_any_hash_lacks() -> None:
    schedule = HashSchedule(every_s=1.0)
    numbers = {"trades": 0, "books": 0}
    _flush(schedule, numbers, 0.0, "A", "B", "C")  # written: the first change of each
    _flush(schedule, numbers, 0.1, "B")  # batch 2
    _flush(schedule, numbers, 0.2, "C")  # batch 3
    _flush(schedule, numbers, 0.3, "B")  # batch 4: B is still behind from batch 2
    assert schedule.cover("trades", 4) == 2
    assert schedule.behind("trades") == 2
    schedule.force(["B"])
    assert schedule.take_due(0.4, numbers) == ["B"]
    assert schedule.cover("trades", 4) == 3  # C's batch 3 is the oldest missing now


def test_a_hash_that_lags_half_the_stream_is_written_before_maxlen_trims_what_a_joiner_needs() -> (
    None
):
    schedule = HashSchedule(every_s=60.0, max_lag=5)
    numbers = {"trades": 0, "books": 0}
    _flush(schedule, numbers, 0.0, "A", "Q")
    lags = []
    for step in range(1, 40):
        _flush(schedule, numbers, step * 0.005, "A")
        lags.append(numbers["trades"] - schedule.cover("trades", numbers["trades"]))
    assert max(lags) < 5  # without the bound A would lag 38 batches
    assert schedule.behind("books") == 0

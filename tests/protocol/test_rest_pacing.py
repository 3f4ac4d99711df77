"""RestPacer: every plan's documented REST limits (reference §1.10), and back-off on refusals."""

from __future__ import annotations

import itertools

from desktop.protocol.plans import PLANS, Plan
from desktop.protocol.rest_pacing import BATCH_KLINE, RestPacer


def send_times(pacer: RestPacer, path: str, count: int, now: float = 0.0) -> list[float]:
    """When `count` back-to-back requests to `path` may go, asked for all at `now`."""
    return [now + pacer.reserve(path, now) for _ in range(count)]


def test_batch_kline_is_spaced_by_the_plan_10_3_2_and_1_seconds() -> None:
    expected = {Plan.FREE: 10.0, Plan.BASIC: 3.0, Plan.PREMIUM: 2.0, Plan.PROFESSIONAL: 1.0}
    for plan, spacing in expected.items():
        times = send_times(RestPacer(PLANS[plan]), BATCH_KLINE, 3)
        assert [b - a for a, b in itertools.pairwise(times)] == [spacing, spacing], plan


def test_other_endpoints_are_spaced_each_on_its_own() -> None:
    pacer = RestPacer(PLANS[Plan.BASIC])
    assert send_times(pacer, "/trade-tick", 3) == [0.0, 1.0, 2.0]
    assert send_times(pacer, "/static_info", 2) == [0.0, 1.0]  # a separate endpoint


def test_free_never_sends_more_than_ten_a_minute_over_all_endpoints() -> None:
    pacer = RestPacer(PLANS[Plan.FREE])
    times = sorted(
        t
        for path in ("/trade-tick", "/depth-tick", "/static_info")
        for t in send_times(pacer, path, 6)
    )
    for i in range(len(times) - 10):
        assert times[i + 10] - times[i] >= 60.0


def test_refusals_hold_the_endpoint_longer_each_time_until_one_goes_through() -> None:
    pacer = RestPacer(PLANS[Plan.PROFESSIONAL], first_hold_s=1.0, max_hold_s=8.0)
    holds = [pacer.refused("/trade-tick", 0.0) for _ in range(5)]
    assert holds == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert pacer.reserve("/trade-tick", 0.0) == 8.0
    pacer.accepted("/trade-tick")
    assert pacer.refused("/trade-tick", 10.0) == 1.0

from __future__ import annotations

import random

from desktop.protocol.backoff import CloseKind, ReconnectBackoff


def test_delays_start_at_the_plan_floor_grow_and_are_capped() -> None:
    backoff = ReconnectBackoff(floor_s=3.0, cap_s=60.0, rng=random.Random(1))
    delays = [backoff.next_delay(opened_for_s=10.0) for _ in range(30)]
    assert delays[0] == 0.0  # the last attempt was 10 s ago: the floor is already kept
    assert all(3.0 <= d <= 60.0 for d in delays[1:])
    assert max(delays[-10:]) > 20.0  # it does grow


def test_the_first_retry_after_a_good_session_waits_only_the_rest_of_the_floor() -> None:
    backoff = ReconnectBackoff(floor_s=3.0, refused_within_s=1.0, rng=random.Random(6))
    assert backoff.next_delay(opened_for_s=2.0) == 1.0  # attempts stay ≥ 3 s apart
    fresh = ReconnectBackoff(floor_s=3.0, rng=random.Random(7))
    assert fresh.next_delay(opened_for_s=None) >= 3.0  # never opened: the whole floor


def test_free_plan_never_retries_sooner_than_ten_seconds() -> None:
    backoff = ReconnectBackoff(floor_s=10.0, rng=random.Random(2))
    assert min(backoff.next_delay(None) for _ in range(50)) >= 10.0


def test_a_socket_closed_right_after_opening_is_a_refusal_and_backs_off_long() -> None:
    backoff = ReconnectBackoff(floor_s=3.0, long_delay_s=60.0, rng=random.Random(3))
    assert backoff.classify(0.5, CloseKind.DROPPED) is CloseKind.REFUSED
    assert all(backoff.next_delay(0.5) >= 30.0 for _ in range(20))


def test_only_a_healthy_session_resets_the_attempt_count() -> None:
    backoff = ReconnectBackoff(floor_s=3.0, healthy_reset_s=30.0, rng=random.Random(4))
    for _ in range(5):
        backoff.next_delay(10.0)
    assert backoff.attempt == 5
    backoff.next_delay(45.0)
    assert backoff.attempt == 1


def test_a_long_but_stalled_session_does_not_reset_the_attempt_count() -> None:
    backoff = ReconnectBackoff(floor_s=3.0, healthy_reset_s=30.0, rng=random.Random(5))
    for _ in range(4):
        backoff.next_delay(10.0)
    backoff.next_delay(90.0, CloseKind.DROPPED, healthy_for_s=5.0)  # open 90 s, mute after 5 s
    assert backoff.attempt == 5
    backoff.next_delay(90.0, CloseKind.DROPPED, healthy_for_s=40.0)
    assert backoff.attempt == 1


def test_rate_limited_closes_back_off_long_even_when_the_socket_lived_long() -> None:
    backoff = ReconnectBackoff(floor_s=3.0, long_delay_s=60.0, rng=random.Random(6))
    assert all(backoff.next_delay(120.0, CloseKind.RATE_LIMITED) >= 30.0 for _ in range(20))

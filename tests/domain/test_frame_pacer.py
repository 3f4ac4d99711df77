"""FramePacer: no latency floor after an idle frame, coalescing at the frame rate under load."""

from __future__ import annotations

import math

import pytest

from desktop.domain.frame_pacer import MAX_FRAME_HZ, FramePacer, frame_interval_s

FRAME = 1 / 60


def test_the_first_change_is_flushed_at_once() -> None:
    pacer = FramePacer(FRAME)
    assert pacer.request(100.0) == 0.0
    assert pacer.pending


def test_a_change_after_an_idle_frame_is_flushed_at_once() -> None:
    pacer = FramePacer(FRAME)
    pacer.frame_ran(100.0)
    assert pacer.request(100.0 + FRAME) == 0.0
    pacer.frame_ran(100.0 + FRAME)
    assert pacer.request(105.0) == 0.0


def test_a_change_within_the_frame_interval_waits_for_the_rest_of_it() -> None:
    pacer = FramePacer(FRAME)
    pacer.frame_ran(100.0)
    delay = pacer.request(100.004)
    assert delay == pytest.approx(FRAME - 0.004)


def test_changes_while_a_frame_is_pending_ride_along_with_it() -> None:
    pacer = FramePacer(FRAME)
    pacer.frame_ran(100.0)
    assert pacer.request(100.001) is not None
    assert pacer.request(100.002) is None
    assert pacer.request(100.010) is None
    pacer.frame_ran(100.0 + FRAME)
    assert not pacer.pending
    assert pacer.request(100.0 + FRAME + 0.001) == pytest.approx(FRAME - 0.001)


def test_under_a_steady_stream_frames_run_at_the_frame_rate_never_slower() -> None:
    """Ticks every millisecond for a second: one frame per interval, none late."""
    pacer = FramePacer(FRAME)
    due: float | None = None
    frames: list[float] = []
    for ms in range(1000):
        now = 10.0 + ms / 1000
        if due is not None and now >= due:
            pacer.frame_ran(due)
            frames.append(due)
            due = None
        delay = pacer.request(now)
        if delay is not None:
            due = now + delay
    gaps = [b - a for a, b in zip(frames, frames[1:], strict=False)]
    assert len(frames) == pytest.approx(60, abs=2)
    assert max(gaps) == pytest.approx(FRAME, abs=0.0011)
    assert min(gaps) >= FRAME - 1e-9


def test_a_frame_late_because_the_loop_was_busy_lets_the_next_change_go_at_once() -> None:
    pacer = FramePacer(FRAME)
    pacer.frame_ran(100.0)
    pacer.request(100.001)
    pacer.frame_ran(100.050)  # the loop was busy: the frame ran late
    assert pacer.request(100.050 + FRAME + 0.001) == 0.0


@pytest.mark.parametrize(
    ("hz", "expected"),
    [
        (60.0, 1 / 60),
        (144.0, 1 / MAX_FRAME_HZ),
        (240.0, 1 / MAX_FRAME_HZ),
        (50.0, 1 / 50),
        (30.0, 1 / 30),
        (None, 1 / MAX_FRAME_HZ),
        (0.0, 1 / MAX_FRAME_HZ),
        (-1.0, 1 / MAX_FRAME_HZ),
        (math.nan, 1 / MAX_FRAME_HZ),
    ],
)
def test_the_interval_follows_the_screen_capped_at_60_hz(hz: float | None, expected: float) -> None:
    assert frame_interval_s(hz) == pytest.approx(expected)


def test_a_nonpositive_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        FramePacer(0.0)

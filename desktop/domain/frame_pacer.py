"""When the next frame (a flush of what changed into the models) should run: the pacing policy.

A change that arrives after an idle frame is flushed at once, on the next turn of the event loop,
so a quiet market shows every tick with no latency floor. A change that arrives within one frame
interval of the previous flush waits for the rest of that interval, so under load changes are
coalesced at the screen's refresh rate and never flushed slower than it. Pure: the caller passes
`now` and owns the timer.
"""

from __future__ import annotations

__all__ = ["MAX_FRAME_HZ", "FramePacer", "frame_interval_s"]

MAX_FRAME_HZ = 60.0
"""No screen shows more than this many frames of a quote table to a person reading numbers."""


def frame_interval_s(refresh_hz: float | None) -> float:
    """Seconds between frames for a screen refreshing at `refresh_hz` (at most 60 Hz).

    An unknown or nonsensical rate (None, zero, negative, NaN) is taken as 60 Hz.
    """
    if refresh_hz is None or not refresh_hz > 0:
        return 1.0 / MAX_FRAME_HZ
    return 1.0 / min(refresh_hz, MAX_FRAME_HZ)


class FramePacer:
    """Decides how long to wait before the next frame; one pending frame at a time."""

    __slots__ = ("_interval_s", "_last_frame", "_pending")

    def __init__(self, interval_s: float) -> None:
        if not interval_s > 0:
            raise ValueError(f"frame interval must be positive, not {interval_s!r}")
        self._interval_s = interval_s
        self._last_frame: float | None = None
        self._pending = False

    @property
    def interval_s(self) -> float:
        """The shortest time between two frames."""
        return self._interval_s

    @property
    def pending(self) -> bool:
        """True while a frame is scheduled and has not run yet."""
        return self._pending

    def request(self, now: float) -> float | None:
        """Something changed at `now`: the delay (s) after which to run a frame, or None when a
        frame is already scheduled (it will take this change with it)."""
        if self._pending:
            return None
        self._pending = True
        if self._last_frame is None:
            return 0.0
        return max(0.0, self._last_frame + self._interval_s - now)

    def frame_ran(self, now: float) -> None:
        """A frame started at `now` (scheduled or not): changes after it need a new request."""
        self._pending = False
        self._last_frame = now

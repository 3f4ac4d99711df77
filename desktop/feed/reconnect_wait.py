"""The wait before a reconnect: cut short when the server answers again or the user says so.

Long back-offs are for refusals and rate limits; a server that went away and came back should
see the board again within seconds. While a plain outage's back-off runs, a cheap TCP probe
(no WebSocket handshake, so it counts as no connection) asks every `probe_every_s` whether the
server answers; when it does, or when the user presses Reconnect now, the wait ends as soon as
the plan's floor since the last attempt allows (reference §1.7: attempts ≥ 3 s apart).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from enum import Enum
from urllib.parse import urlsplit

__all__ = ["ReconnectWait", "WaitEnd", "tcp_answers"]


class WaitEnd(Enum):
    """Why a reconnect wait ended."""

    TIMER = "the back-off ran out"
    SERVER = "the server answers again"
    USER = "Reconnect now"


async def tcp_answers(url: str, timeout_s: float) -> bool:
    """Whether something accepts a TCP connection at the URL's host and port (then closed)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme in ("wss", "https") else 80)
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class ReconnectWait:
    """One connection's wait between attempts: a timer, a probe and a Reconnect now button."""

    def __init__(
        self,
        probe: Callable[[], Awaitable[bool]],
        *,
        probe_every_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self.probe_every_s = probe_every_s
        self._clock = clock
        self._wake = asyncio.Event()
        self.waiting_until: float | None = None
        """Monotonic end of the current wait (None when not waiting): the status countdown."""
        self.probes = 0

    def wake(self) -> None:
        """Reconnect now: end the current (or the next) wait as soon as the floor allows."""
        self._wake.set()

    async def wait(self, delay_s: float, earliest: float, *, probe: bool = True) -> WaitEnd:
        """Wait `delay_s`, probing the server when `probe`; never end before monotonic `earliest`."""
        deadline = self._clock() + delay_s
        self.waiting_until = deadline
        try:
            end = await self._until(deadline, probe)
            if end is not WaitEnd.TIMER:
                self.waiting_until = max(self._clock(), earliest)
                rest = earliest - self._clock()
                if rest > 0:
                    await asyncio.sleep(rest)
            return end
        finally:
            self.waiting_until = None

    async def _until(self, deadline: float, probe: bool) -> WaitEnd:
        while True:
            if self._wake.is_set():
                self._wake.clear()
                return WaitEnd.USER
            left = deadline - self._clock()
            if left <= 0:
                return WaitEnd.TIMER
            if probe and left > self.probe_every_s:
                self.probes += 1
                if await self._probe():
                    return WaitEnd.SERVER
            left = deadline - self._clock()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, min(self.probe_every_s, left)))

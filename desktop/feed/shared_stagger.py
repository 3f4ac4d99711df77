"""The cross-connection subscribe stagger, shared by every ingest worker process of one token.

Reference §1.7: subscribe requests of different connections go 3 s apart, and the limit belongs
to the token, not to a process. With the connections spread over several worker processes
(`--ingest-workers N`) each worker's sessions must see the others' subscribes, so the stagger's
state lives in a small `multiprocessing.shared_memory` block:

- the last subscribe's time and connection, read and claimed under one lock (`try_claim` checks
  and claims in one step, so two processes never both take the slot);
- per connection, the pid of the worker whose connection waits to send its trade set ("trade
  sets go first"); one writer per slot, so no lock;
- the pid holding the lock.

A worker killed while its connection waits, or while it holds the lock, would hold every other
worker back for good; the GUI process, which sees each worker exit, calls `release_dead(pid)`.
(A worker killed between taking the lock and writing its pid, a few bytecodes, is the one case
that is not recovered: the others then wait on a lock timeout each time and the pool must be
restarted.) Times are `time.monotonic()` readings, which every process on the machine shares.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import struct
from multiprocessing.shared_memory import SharedMemory
from typing import Any

__all__ = ["MAX_CONNECTIONS", "SharedStagger"]

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 16
"""Connection slots (plans allow up to ten connections per token)."""
_HEAD = struct.Struct("<qdq")
"""Lock holder pid, last subscribe's time, last subscribe's connection (-1: none yet)."""
_SLOT = struct.Struct("<q")
_SIZE = _HEAD.size + MAX_CONNECTIONS * _SLOT.size
_LOCK_TIMEOUT_S = 0.1
"""How long a claim waits for the lock before it counts as "wait and look again"."""


class SharedStagger:
    """`SubscribeStagger` over shared memory: one per token, for connections in many processes."""

    def __init__(
        self,
        memory: SharedMemory,
        lock: Any,
        spacing_s: float,
        *,
        owner: bool,
        lock_timeout_s: float = _LOCK_TIMEOUT_S,
    ) -> None:
        self.spacing_s = spacing_s
        self.lock_timeout_s = lock_timeout_s
        self.waits = 0
        """How many subscribes of this process's connections had to wait (diagnostics)."""
        buf = memory.buf
        assert buf is not None  # an open block
        self._memory = memory
        self._buf: memoryview = buf
        self._lock = lock
        self._owner = owner
        self._retry_at = -1e18
        """After a lock timeout: look again then, not at once."""

    @classmethod
    def create(
        cls, spacing_s: float = 3.0, lock_timeout_s: float = _LOCK_TIMEOUT_S
    ) -> SharedStagger:
        """A new block, owned (and unlinked at `close`) by this process."""
        memory = SharedMemory(create=True, size=_SIZE)
        lock = multiprocessing.get_context("spawn").Lock()
        stagger = cls(memory, lock, spacing_s, owner=True, lock_timeout_s=lock_timeout_s)
        stagger._buf[:_SIZE] = bytes(_SIZE)
        _HEAD.pack_into(stagger._buf, 0, 0, -1e18, -1)
        return stagger

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Passed to a spawned worker as a process argument: the lock travels only that way.
        return (_attach, (self._memory.name, self._lock, self.spacing_s, self.lock_timeout_s))

    @property
    def name(self) -> str:
        """The shared memory block's name."""
        return self._memory.name

    # -- the Stagger protocol ------------------------------------------------------------------
    def want_trades(self, index: int, waiting: bool) -> None:
        """Connection `index` (hosted here) has, or no longer has, a trade subscribe to send."""
        _SLOT.pack_into(self._buf, _slot(index), os.getpid() if waiting else 0)

    def trades_waiting_elsewhere(self, index: int) -> bool:
        """Whether another connection, in any worker, still waits to send its trade set."""
        buf = self._buf
        return any(
            other != index and _SLOT.unpack_from(buf, _slot(other))[0]
            for other in range(MAX_CONNECTIONS)
        )

    def wait_s(self, index: int, now: float) -> float:
        """Seconds connection `index` must still wait (a lock-free read: `try_claim` decides)."""
        last_at: float
        last_index: int
        _holder, last_at, last_index = _HEAD.unpack_from(self._buf, 0)
        local = max(0.0, self._retry_at - now)
        if last_index < 0 or last_index == index:
            return local
        return max(local, last_at + self.spacing_s - now)

    def try_claim(self, index: int, now: float) -> bool:
        """Claim the slot at `now` unless another connection's subscribe is too recent."""
        if not self._lock.acquire(timeout=self.lock_timeout_s):
            self._retry_at = now + max(0.05, self.spacing_s / 6)
            return False
        buf = self._buf
        try:
            _SLOT.pack_into(buf, 0, os.getpid())
            _holder, last_at, last_index = _HEAD.unpack_from(buf, 0)
            if 0 <= last_index != index and last_at + self.spacing_s > now:
                return False
            _HEAD.pack_into(buf, 0, os.getpid(), now, index)
            return True
        finally:
            _SLOT.pack_into(buf, 0, 0)
            self._lock.release()

    def count_wait(self) -> None:
        """A subscribe was held back by another connection's."""
        self.waits += 1

    # -- the owner's side ----------------------------------------------------------------------
    def release_dead(self, pid: int) -> int:
        """Worker `pid` has exited: drop its waiting trade sets and the lock if it held it.

        Returns how many claims were released (the lock counts as one)."""
        buf = self._buf
        released = 0
        for index in range(MAX_CONNECTIONS):
            if _SLOT.unpack_from(buf, _slot(index))[0] == pid:
                _SLOT.pack_into(buf, _slot(index), 0)
                released += 1
        if pid and _SLOT.unpack_from(buf, 0)[0] == pid:
            _SLOT.pack_into(buf, 0, 0)
            self._lock.release()  # a plain Lock: any process may release it
            released += 1
        if released:
            log.warning(
                "released %d stagger claim(s) of the exited ingest worker %s", released, pid
            )
        return released

    def close(self) -> None:
        """Detach; the owner also removes the block."""
        self._memory.close()
        if self._owner:
            self._memory.unlink()


def _slot(index: int) -> int:
    if not 0 <= index < MAX_CONNECTIONS:
        raise ValueError(f"connection index {index} is beyond the stagger's {MAX_CONNECTIONS}")
    return _HEAD.size + index * _SLOT.size


def _attach(name: str, lock: Any, spacing_s: float, lock_timeout_s: float) -> SharedStagger:
    """The worker's side: the same block and lock, not owned (the GUI process unlinks it)."""
    memory = SharedMemory(name=name)
    return SharedStagger(memory, lock, spacing_s, owner=False, lock_timeout_s=lock_timeout_s)

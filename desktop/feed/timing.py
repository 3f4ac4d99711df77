"""Timing of the feed's connections, in one place so tests and benchmarks can shrink it, and
where they run (`IngestMode`).

The rules these numbers serve (spacing, stagger, rate-limit back-off) live in
`protocol.pacing` and `protocol.alltick_session`; reference §1.6–1.7.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["MAX_INGEST_WORKERS", "ConnectionSettings", "IngestMode"]

MAX_INGEST_WORKERS = 10
"""`--ingest-workers` at most: more workers than the plans' most connections would sit idle."""


class IngestMode(Enum):
    """Where the feed's sockets and decoding run (`--ingest`)."""

    LOOP = "loop"
    """On the GUI's asyncio loop (qasync), in one thread with everything else."""
    PROCESS = "process"
    """In a worker process (`feed.ingest_process`); the GUI process applies the decoded events."""


@dataclass(slots=True)
class ConnectionSettings:
    """Timing of one connection; tests shrink these instead of sleeping for real seconds."""

    heartbeat_s: float = 10.0
    """22000 every this many seconds (§1.6)."""
    dead_after_s: float = 20.0
    """No 22001 for this long: the connection is dead (well before the server's 30 s)."""
    request_spacing_s: float = 1.2
    """Requests on one connection at least this far apart: the rule is 1 s (§1.7), plus margin."""
    stagger_s: float = 3.0
    """Subscribe requests of different connections are this far apart (§1.7)."""
    open_timeout_s: float = 10.0
    reconnect_floor_s: float = 3.0
    reconnect_cap_s: float = 60.0
    healthy_reset_s: float = 30.0
    refused_within_s: float = 3.0
    long_backoff_s: float = 60.0
    mute_after_s: float = 60.0
    """Heartbeats answered but no data for this long while a market is open: reconnect."""
    rate_limit_first_s: float = 2.0
    rate_limit_cap_s: float = 30.0
    max_queue: int = 4096

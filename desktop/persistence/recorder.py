"""The tick recorder: the feed offers every event; a writer thread stores them in batches.

`offer()` runs on the GUI/event-loop thread for every tick, so it only filters, stamps the time
and `put_nowait`s into a bounded queue — it never blocks, and when the queue is full the event is
counted as dropped. The writer thread owns the sink: it gathers a batch (up to `batch_max` events
or `batch_interval_s`), writes it in one transaction, and prunes old history a chunk at a time
between batches. When storage fails (a full disk, a locked file, a lost server) it keeps the
batch, pauses with a sentence in `status()`, and retries with backoff until it works again. A
batch the storage refuses for what one row holds (`RowRejected`) is halved until that row is
found; the row is skipped and counted in `stats.rejected`, and everything else is written.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from desktop.domain.recording import MarketEvent, RecordingState, RecordingStatus, Retention
from desktop.persistence.tick_sink import RecordedItem, RowRejected, SinkUnavailable, TickSink

__all__ = ["Recorder", "RecorderStats", "RecorderTiming"]

log = logging.getLogger(__name__)

_STOP = object()


@dataclass(slots=True)
class RecorderTiming:
    """Knobs of the writer thread; tests shrink them."""

    capacity: int = 250_000
    """Events the queue holds before new ones are dropped (≈ 100 MB at worst)."""
    batch_max: int = 20_000
    batch_interval_s: float = 0.25
    retry_floor_s: float = 0.5
    retry_cap_s: float = 15.0
    prune_every_s: float = 30.0
    prune_chunk: int = 5_000


@dataclass(slots=True)
class RecorderStats:
    """Counters for the status bar, the performance display, smoke mode and tests."""

    offered: int = 0
    """Events accepted into the queue."""
    filtered: int = 0
    dropped: int = 0
    """Events lost because the queue was full (storage too slow, or paused too long)."""
    ticks: int = 0
    """Trades committed."""
    depth: int = 0
    references: int = 0
    batches: int = 0
    failures: int = 0
    pruned: int = 0
    rejected: int = 0
    """Events the storage cannot hold (a value out of range): skipped, never retried."""
    last_batch_ms: float = 0.0


class Recorder:
    """Records market events into a `TickSink` without ever blocking the caller of `offer()`."""

    def __init__(
        self,
        sink: TickSink,
        *,
        retention: Retention | None = None,
        symbols: Collection[str] | None = None,
        timing: RecorderTiming | None = None,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        self.sink = sink
        self.timing = timing or RecorderTiming()
        self.stats = RecorderStats()
        self._retention = retention or Retention()
        self._symbols: frozenset[str] | None = None if symbols is None else frozenset(symbols)
        self._clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._capacity = self.timing.capacity
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._progress = threading.Condition()
        self._done = 0
        self._state = RecordingState.OFF
        self._message = ""
        self._notice = ""
        self._last_id = 0
        self._rejected_kinds: set[str] = set()

    # -- the hot path (GUI / event-loop thread) -----------------------------------------------
    def offer(self, event: MarketEvent) -> None:
        """Queue one event for writing; never blocks (counts a drop when the queue is full)."""
        allowed = self._symbols
        if allowed is not None and event.symbol not in allowed:
            self.stats.filtered += 1
            return
        if self._queue.qsize() >= self._capacity or self._thread is None:
            self.stats.dropped += 1
            return
        self._queue.put_nowait((self._clock_ms(), event))
        self.stats.offered += 1

    __call__ = offer

    @property
    def queue_depth(self) -> int:
        """Events waiting to be written."""
        return self._queue.qsize()

    # -- control ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the writer thread (it opens the sink itself)."""
        if self._thread is not None:
            return
        self._closing.clear()
        self._state = RecordingState.RECORDING
        self._message = ""
        self._thread = threading.Thread(target=self._run, name="tick-recorder", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is queued (one last attempt if storage is failing), close the sink.

        Returns True when everything offered was committed (or refused as unstorable, counted
        in `stats.rejected`).
        """
        thread = self._thread
        if thread is None:
            return self._done == self.stats.offered
        self._thread = None  # offer() drops from now on
        self._closing.set()
        self._queue.put_nowait(_STOP)
        thread.join(timeout)
        self._state = RecordingState.OFF
        return self._done == self.stats.offered

    def set_symbols(self, symbols: Collection[str] | None) -> None:
        """Record only these symbols (None: every streamed symbol)."""
        self._symbols = None if symbols is None else frozenset(symbols)

    def set_retention(self, retention: Retention) -> None:
        """Change how much history is kept; applied at the next pruning step."""
        self._retention = retention

    def wait_written(self, timeout: float) -> bool:
        """Block until every event offered so far is committed (tests, shutdown); False on time-out."""
        target = self.stats.offered
        with self._progress:
            return self._progress.wait_for(lambda: self._done >= target, timeout)

    @property
    def running(self) -> bool:
        """True while the writer thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def last_id(self) -> int:
        """The id of the last committed event (its position in the recorded order)."""
        return self._last_id

    def status(self) -> RecordingStatus:
        """A snapshot for the status bar: state, why it paused, queue depth and totals."""
        stats = self.stats
        return RecordingStatus(
            self._state,
            self._message,
            queue_depth=self.queue_depth,
            written=stats.ticks,
            dropped=stats.dropped,
            target=self.sink.target,
            notice=self._notice,
        )

    # -- the writer thread --------------------------------------------------------------------
    def _run(self) -> None:
        timing = self.timing
        pending: list[RecordedItem] = []
        delay = timing.retry_floor_s
        next_prune = time.monotonic()
        stopping = False
        opened = False
        while True:
            if opened and not pending:
                if not stopping:
                    stopping = self._gather(pending)
                if stopping:
                    self._drain(pending)
                    if not pending:
                        break
            if not opened or pending:
                if self._store(pending, opened):
                    opened, pending, delay = True, [], timing.retry_floor_s
                else:
                    opened = False
                    if stopping:
                        break  # one last attempt after close() failed too: give up
                    stopping = self._closing.wait(delay)
                    delay = min(delay * 2, timing.retry_cap_s)
                    continue
            if not stopping and self._retention.limited:
                next_prune = self._maybe_prune(next_prune)
        self.sink.close()

    def _store(self, batch: list[RecordedItem], opened: bool) -> bool:
        """Open the sink if needed and commit `batch`; on failure pause with a message."""
        try:
            if not opened:
                self.sink.open()
                self._notice = getattr(self.sink, "recovery_message", None) or self._notice
            if batch:
                self._commit_isolating(batch)
        except SinkUnavailable as exc:
            self._failed(exc.reason)
            return False
        except Exception as exc:  # a bug must pause recording, never kill the thread
            log.exception("recording failed")
            self._failed(f"unexpected error ({type(exc).__name__}: {exc})")
            return False
        if self._state is RecordingState.PAUSED:
            log.warning("recording resumed")
        self._state, self._message = RecordingState.RECORDING, ""
        return True

    def _gather(self, batch: list[RecordedItem]) -> bool:
        """Wait for the first event, let a batch build up for `batch_interval_s`, take it.

        The window is a plain wait (close() cuts it short), not a get() per event: waking this
        thread for every tick would fight the feed's thread for the GIL. Returns True when the
        stop marker was seen.
        """
        timing = self.timing
        try:
            first = self._queue.get(timeout=timing.batch_interval_s)
        except queue.Empty:
            return False
        if first is _STOP:
            return True
        batch.append(first)  # type: ignore[arg-type]
        if self._queue.qsize() < timing.batch_max:
            self._closing.wait(timing.batch_interval_s)
        get = self._queue.get_nowait
        while len(batch) < timing.batch_max:
            try:
                item = get()
            except queue.Empty:
                break
            if item is _STOP:
                return True
            batch.append(item)  # type: ignore[arg-type]
        return False

    def _drain(self, batch: list[RecordedItem]) -> None:
        """Take whatever is queued, up to a batch (after stop: no waiting)."""
        while len(batch) < self.timing.batch_max:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP:
                batch.append(item)  # type: ignore[arg-type]

    def _commit_isolating(self, batch: list[RecordedItem]) -> None:
        """Commit `batch` front to back, removing what is done (a retry after a storage failure
        starts where this stopped); a part the storage refuses is halved until the one refused
        row is found, which is skipped."""
        size = len(batch)
        while batch:
            chunk = batch[:size]
            try:
                self._commit(chunk)
            except RowRejected as exc:
                if len(chunk) > 1:
                    size = (len(chunk) + 1) // 2
                    continue
                self._reject(chunk[0], exc)
            del batch[: len(chunk)]
            size = len(batch)

    def _reject(self, item: RecordedItem, exc: RowRejected) -> None:
        """Skip one row the storage cannot hold; log each kind of refusal once."""
        self.stats.rejected += 1
        kind = str(exc).split("(", 1)[0].strip() or type(exc).__name__
        if kind not in self._rejected_kinds and len(self._rejected_kinds) < 100:
            self._rejected_kinds.add(kind)
            log.warning("recording skipped an event of %s it cannot store: %s", item[1].symbol, exc)
        self._advance(1)

    def _commit(self, batch: list[RecordedItem]) -> None:
        started = time.perf_counter()
        counts = self.sink.write(batch)
        stats = self.stats
        stats.ticks += counts.ticks
        stats.depth += counts.depth
        stats.references += counts.references
        stats.rejected += counts.rejected
        stats.batches += 1
        stats.last_batch_ms = (time.perf_counter() - started) * 1000
        if counts.last_id:
            self._last_id = counts.last_id
        self._advance(len(batch))

    def _advance(self, handled: int) -> None:
        """`handled` more offered events are committed or refused: wake `wait_written`."""
        with self._progress:
            self._done += handled
            self._progress.notify_all()

    def _failed(self, reason: str) -> None:
        """Pause with a message and close the sink; the next attempt reopens it."""
        self.stats.failures += 1
        message = f"Recording paused: {reason}. Retrying."
        if self._state is not RecordingState.PAUSED or self._message != message:
            log.warning("%s", message)
        self._state, self._message = RecordingState.PAUSED, message
        with contextlib.suppress(Exception):
            self.sink.close()

    def _maybe_prune(self, due: float) -> float:
        """One small pruning step when due; runs again soon while there is more to delete."""
        now = time.monotonic()
        if now < due or self._queue.qsize() > self.timing.batch_max:
            return due
        try:
            result = self.sink.prune(self._retention, self._clock_ms(), self.timing.prune_chunk)
        except SinkUnavailable as exc:
            log.info("pruning deferred: %s", exc.reason)
            return now + self.timing.prune_every_s
        self.stats.pruned += result.deleted
        return now if result.more else now + self.timing.prune_every_s

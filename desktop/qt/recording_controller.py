"""The tick recorder as the app sees it: settings in, a status signal out, export and symbols.

Owns the `Recorder` and picks its sink (SQLite `ticks.db` in the data folder, or PostgreSQL when
the settings carry a connection string). `offer` is the feed's tap and costs one attribute check
when recording is off. Slow work (closing the writer thread, export, reading the symbol list)
runs in a worker thread so the GUI never waits on storage.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.recording import (
    MarketEvent,
    RecordingSettings,
    RecordingState,
    RecordingStatus,
)
from desktop.persistence.postgres_sink import PostgresTickSink, redact_dsn
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_export import ExportResult, export_csv
from desktop.persistence.tick_store import TICKS_FILENAME, SqliteTickStore

__all__ = ["RecordingController"]

log = logging.getLogger(__name__)


class RecordingController(QObject):
    """Starts, reconfigures and stops the recorder; publishes its status once a second."""

    statusChanged = Signal(object)
    """A new `RecordingStatus`."""

    def __init__(
        self,
        data_dir: Path,
        settings: RecordingSettings,
        password: str | None = None,
        *,
        timing: RecorderTiming | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self._settings = settings
        self._password = password
        self._timing = timing
        self._recorder: Recorder | None = None
        self._suspended = False
        self._last: RecordingStatus | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.poll)

    # -- the feed's tap (hot path) ------------------------------------------------------------
    def offer(self, event: MarketEvent) -> None:
        """Hand one accepted event to the recorder, if recording."""
        recorder = self._recorder
        if recorder is not None and not self._suspended:
            recorder.offer(event)

    # -- state --------------------------------------------------------------------------------
    @property
    def settings(self) -> RecordingSettings:
        """The settings in force."""
        return self._settings

    @property
    def recorder(self) -> Recorder | None:
        """The running recorder (None when recording is off)."""
        return self._recorder

    @property
    def ticks_path(self) -> Path:
        """The SQLite tick database in the data folder."""
        return self.data_dir / TICKS_FILENAME

    @property
    def queue_depth(self) -> int:
        """Events waiting for the writer thread (for the performance display)."""
        return self._recorder.queue_depth if self._recorder is not None else 0

    def target(self) -> str:
        """Where ticks go, safe to show (no password)."""
        if self._settings.postgres_dsn:
            return redact_dsn(self._settings.postgres_dsn)
        return str(self.ticks_path)

    def status(self) -> RecordingStatus:
        """The recorder's status, or OFF with the reason."""
        recorder = self._recorder
        if recorder is None:
            return RecordingStatus(RecordingState.OFF, "Recording is off", target=self.target())
        status = recorder.status()
        if self._suspended:
            return RecordingStatus(
                RecordingState.OFF,
                "Recording is suspended while a recording is replayed",
                status.queue_depth,
                status.written,
                status.dropped,
                status.target,
            )
        return status

    # -- control ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start recording if the settings say so (idempotent)."""
        settings = self._settings
        if settings.enabled and self._recorder is None:
            recorder = Recorder(
                self._sink(),
                retention=settings.retention,
                symbols=None if settings.all_symbols else settings.symbols,
                timing=self._timing,
            )
            recorder.start()
            self._recorder = recorder
            log.info("recording ticks into %s", self.target())
        self._timer.start()
        self.poll()

    async def apply(self, settings: RecordingSettings, password: str | None = None) -> None:
        """Switch to new settings: the old recorder writes what it holds, then the new one starts."""
        old, self._recorder = self._recorder, None
        if old is not None:
            await asyncio.to_thread(old.close)
        self._settings = settings
        self._password = password
        self.start()

    async def close(self) -> Recorder | None:
        """Stop recording, writing everything queued; returns the closed recorder (its stats)."""
        self._timer.stop()
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            await asyncio.to_thread(recorder.close)
        return recorder

    def set_suspended(self, suspended: bool) -> None:
        """Stop taking events (while replaying) without closing the recorder."""
        self._suspended = suspended
        self.poll()

    def poll(self) -> None:
        """Emit `statusChanged` when the status differs from the last one sent."""
        status = self.status()
        if status != self._last:
            self._last = status
            self.statusChanged.emit(status)

    # -- reading: export and the export dialog's choices --------------------------------------
    def _sink(self) -> SqliteTickStore | PostgresTickSink:
        if self._settings.postgres_dsn:
            return PostgresTickSink(self._settings.postgres_dsn, password=self._password)
        return SqliteTickStore(self.ticks_path)

    async def recorded(self) -> tuple[list[str], tuple[int, int] | None]:
        """(recorded symbols, (first, last) exchange time) for the export dialog."""

        def read() -> tuple[list[str], tuple[int, int] | None]:
            if not self._settings.postgres_dsn and not self.ticks_path.exists():
                return [], None
            reader = self._sink()
            try:
                return reader.symbols(), reader.time_span()
            finally:
                reader.close()

        return await asyncio.to_thread(read)

    async def export(self, symbol: str, start_ms: int, end_ms: int, path: Path) -> ExportResult:
        """Write a symbol's recorded events in [start_ms, end_ms] to a CSV file."""

        def run() -> ExportResult:
            reader = self._sink()
            try:
                return export_csv(reader, symbol, start_ms, end_ms, path)
            finally:
                reader.close()

        return await asyncio.to_thread(run)

"""Child process for the SIGKILL test: records ticks in a loop, printing each committed id.

Usage: python -m tests.persistence._kill_writer sqlite PATH | postgres  (DSN from the env)
"""

from __future__ import annotations

import os
import sys
import time

from desktop.persistence.postgres_sink import PostgresTickSink
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_store import SqliteTickStore
from tests.persistence._events import SYMBOLS, tick


def main() -> None:
    """Record until killed."""
    if sys.argv[1] == "sqlite":
        sink: SqliteTickStore | PostgresTickSink = SqliteTickStore(sys.argv[2])
    else:
        sink = PostgresTickSink(os.environ["QB_TEST_POSTGRES_DSN"])
    recorder = Recorder(sink, timing=RecorderTiming(batch_max=2_000, batch_interval_s=0.01))
    recorder.start()
    shown = 0
    n = 0
    while True:
        for _ in range(200):
            recorder.offer(tick(n, SYMBOLS[n % 3]))
            n += 1
        if recorder.last_id != shown:
            shown = recorder.last_id
            print(f"committed {shown}", flush=True)
        time.sleep(0.001)


if __name__ == "__main__":
    main()

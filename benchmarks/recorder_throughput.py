"""How many ticks a second the recorder sustains into SQLite and into PostgreSQL on this machine.

`python -m benchmarks.recorder_throughput` offers N events (trades, and one book per ten trades)
as fast as the calling thread can, then waits until the writer thread has committed them all.
It reports the sustained rate (events committed per second of wall time), what one `offer()`
costs the calling thread, and the batch sizes. PostgreSQL is measured when a server is given with
`--postgres DSN` or `QB_TEST_POSTGRES_DSN` (its tick tables are dropped first: use a scratch
database). Figures go to stdout as a table and, with `--json FILE`, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from desktop.domain.market_data import DepthLevel, DepthSnapshot, Tick, TradeSide
from desktop.domain.recording import redact_dsn
from desktop.persistence.postgres_sink import PostgresTickSink
from desktop.persistence.recorder import Recorder, RecorderTiming
from desktop.persistence.tick_sink import TickSink
from desktop.persistence.tick_store import SqliteTickStore

SYMBOLS = [f"S{n:03d}.US" for n in range(50)]


def events(count: int) -> list[Tick | DepthSnapshot]:
    """`count` events over 50 symbols: nine trades, then a 10-level book, repeated."""
    out: list[Tick | DepthSnapshot] = []
    for n in range(count):
        symbol = SYMBOLS[n % len(SYMBOLS)]
        price = Decimal(f"{100 + n % 500}.{n % 100:02d}")
        if n % 10 == 9:
            bids = tuple(DepthLevel(price - Decimal(i) / 100, 100 * (i + 1)) for i in range(10))
            asks = tuple(DepthLevel(price + Decimal(i + 1) / 100, 100 * (i + 1)) for i in range(10))
            out.append(DepthSnapshot(symbol, bids, asks, 1_714_642_200_000 + n, n))
        else:
            out.append(
                Tick(symbol, price, 100, price * 100, TradeSide.BUY, 1_714_642_200_000 + n, n)
            )
    return out


def measure(name: str, make_sink: Callable[[], TickSink], count: int) -> dict[str, object]:
    """Offer `count` events and time until every one is committed."""
    payload = events(count)
    recorder = Recorder(make_sink(), timing=RecorderTiming(capacity=count + 1, batch_max=20_000))
    recorder.start()
    recorder.offer(payload[0])  # let the writer open the sink before the clock starts
    if not recorder.wait_written(60):
        raise SystemExit(f"{name}: the first event was not written: {recorder.status().message}")
    started = time.perf_counter()
    for event in payload[1:]:
        recorder.offer(event)
    offered = time.perf_counter()
    if not recorder.wait_written(600):
        raise SystemExit(f"{name}: not everything was written: {recorder.status().message}")
    done = time.perf_counter()
    recorder.close()
    stats = recorder.stats
    written = count - 1
    return {
        "sink": name,
        "events": written,
        "events_per_s": round(written / (done - started)),
        "offer_us": round((offered - started) / written * 1e6, 2),
        "batches": stats.batches - 1,
        "mean_batch": round(written / max(1, stats.batches - 1)),
        "dropped": stats.dropped,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.recorder_throughput")
    parser.add_argument("--events", type=int, default=300_000, help="events per sink")
    parser.add_argument("--postgres", default=os.environ.get("QB_TEST_POSTGRES_DSN", ""))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ticks.db"
        results.append(measure("SQLite (ticks.db)", lambda: SqliteTickStore(path), args.events))
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS qb_events, qb_refs, qb_meta")
        sink = PostgresTickSink(args.postgres)
        sink.open()
        kind = "TimescaleDB" if sink.hypertable else "PostgreSQL"
        sink.close()
        results.append(
            measure(f"{kind} (COPY)", lambda: PostgresTickSink(args.postgres), args.events)
        )
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS qb_events, qb_refs, qb_meta")
        print(f"PostgreSQL: {redact_dsn(args.postgres)}", file=sys.stderr)

    print(f"{'sink':<22}{'events/s':>12}{'offer µs':>10}{'batches':>9}{'mean batch':>12}")
    for row in results:
        print(
            f"{row['sink']:<22}{row['events_per_s']:>12,}{row['offer_us']:>10}"
            f"{row['batches']:>9}{row['mean_batch']:>12,}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

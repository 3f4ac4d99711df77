"""The tick recorder's PostgreSQL / TimescaleDB sink, for desks that outgrow one machine's SQLite.

The same `TickSink` as `SqliteTickStore`, over psycopg 3: each batch is one transaction with one
`COPY … FROM STDIN` into `qb_events` (and one into `qb_refs` when REST snapshots came in). When
the TimescaleDB extension exists `qb_events` is a hypertable on `recv_ms` (one chunk a day, and
optionally compressed after a week); otherwise a plain table with the same indexes, or with
`partition_daily` (the desk gateway's history writer) native daily range partitions. Prices are
`numeric` (exact). The connection string is shown and logged only through `redact_dsn` — never
with its password.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from desktop.domain.recording import (
    RECORDING_FORMAT,
    EventKind,
    Retention,
    redact_dsn,
)
from desktop.persistence.tick_sink import (
    BatchCounts,
    ExportRow,
    PruneResult,
    RecordedItem,
    RowRejected,
    SinkUnavailable,
    batch_rows,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresTickSink", "postgres_available", "redact_dsn"]

log = logging.getLogger(__name__)

_DAY_MS = 86_400_000
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS qb_meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE IF NOT EXISTS qb_events (
        id bigserial NOT NULL,
        recv_ms bigint NOT NULL,
        kind smallint NOT NULL,
        symbol text NOT NULL,
        ts_ms bigint NOT NULL,
        seq bigint,
        price numeric,
        volume bigint,
        turnover numeric,
        side smallint,
        bids text,
        asks text
    )""",
    """CREATE TABLE IF NOT EXISTS qb_refs (
        id bigserial PRIMARY KEY,
        recv_ms bigint NOT NULL,
        symbol text NOT NULL,
        name text,
        lot_size integer,
        prev_close numeric,
        open numeric,
        high numeric,
        low numeric,
        volume bigint,
        turnover numeric,
        last numeric,
        last_time_ms bigint,
        as_of_ms bigint
    )""",
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS qb_events_by_symbol ON qb_events (symbol, ts_ms)",
    "CREATE INDEX IF NOT EXISTS qb_events_by_time ON qb_events (recv_ms)",
    "CREATE INDEX IF NOT EXISTS qb_refs_by_symbol ON qb_refs (symbol, recv_ms)",
)
_COPY_EVENTS = (
    "COPY qb_events (recv_ms, kind, symbol, ts_ms, seq, price, volume, turnover, side, bids, asks)"
    " FROM STDIN"
)
_COPY_REFS = (
    "COPY qb_refs (recv_ms, symbol, name, lot_size, prev_close, open, high, low, volume,"
    " turnover, last, last_time_ms, as_of_ms) FROM STDIN"
)


_COMPRESSION = (
    "CREATE OR REPLACE FUNCTION qb_now_ms() RETURNS bigint LANGUAGE sql STABLE AS"
    " $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$",
    "SELECT set_integer_now_func('qb_events', 'qb_now_ms', replace_if_exists => TRUE)",
    "ALTER TABLE qb_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol',"
    " timescaledb.compress_orderby = 'recv_ms')",
    "SELECT add_compression_policy('qb_events', compress_after => 604800000::bigint,"
    " if_not_exists => TRUE)",
)


def _timescale_available(conn: psycopg.Connection[Any]) -> bool:
    """Whether the TimescaleDB extension can be created (or already is) in this database."""
    row = conn.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'"
    ).fetchone()
    return row is not None


def postgres_available() -> bool:
    """True when psycopg is installed (`pip install 'quoteboard[postgres]'`)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


class PostgresTickSink:
    """`TickSink` and `TickReader` over one PostgreSQL database; one instance per thread."""

    def __init__(
        self,
        dsn: str,
        *,
        password: str | None = None,
        connect_timeout_s: float = 10.0,
        lock_timeout_s: float = 10.0,
        partition_daily: bool = False,
        compress: bool = False,
    ) -> None:
        self._dsn = dsn
        self.partition_daily = partition_daily
        """Without TimescaleDB, create `qb_events` with native daily range partitions on
        `recv_ms` (the desk's history writer: days can be detached or dropped whole)."""
        self.compress = compress
        """With TimescaleDB, compress chunks older than a week (segmented by symbol)."""
        self._days: set[int] = set()
        self._password = password
        self.connect_timeout_s = connect_timeout_s
        self.lock_timeout_s = lock_timeout_s
        self.hypertable = False
        self.partitioned = False
        self._conn: psycopg.Connection[Any] | None = None
        self._pruned_at_size = 0

    def __repr__(self) -> str:
        return f"PostgresTickSink({self.target!r})"

    @property
    def target(self) -> str:
        """The connection string without its password."""
        return redact_dsn(self._dsn)

    # -- opening ------------------------------------------------------------------------------
    def open(self) -> None:
        """Connect and create the tables (a hypertable when TimescaleDB is there)."""
        self.close()
        try:
            import psycopg
        except ImportError as exc:
            raise SinkUnavailable(
                "recording into PostgreSQL needs psycopg: pip install 'quoteboard[postgres]'"
            ) from exc
        extra: dict[str, Any] = {"password": self._password} if self._password else {}
        try:
            conn = psycopg.connect(
                self._dsn,
                autocommit=True,
                connect_timeout=max(1, round(self.connect_timeout_s)),
                options=f"-c lock_timeout={int(self.lock_timeout_s * 1000)}",
                application_name="quoteboard-recorder",
                **extra,
            )
        except psycopg.Error as exc:
            raise self._unavailable(exc) from None
        try:
            self._prepare(conn)
        except psycopg.Error as exc:
            conn.close()
            raise self._unavailable(exc) from None
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _prepare(self, conn: psycopg.Connection[Any]) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7311001)")  # two recorders creating at once
            exists = conn.execute("SELECT to_regclass('qb_events') IS NOT NULL").fetchone()
            fresh = not (exists and exists[0])
            if fresh and self.partition_daily and not _timescale_available(conn):
                conn.execute(f"{_SCHEMA[1]} PARTITION BY RANGE (recv_ms)")
            for statement in _SCHEMA:
                conn.execute(statement)
            row = conn.execute("SELECT value FROM qb_meta WHERE key='format'").fetchone()
            if row is not None and int(row[0]) > RECORDING_FORMAT:
                raise SinkUnavailable(
                    f"{self.target} was written by a newer Quote Board (format {row[0]})"
                )
            conn.execute(
                "INSERT INTO qb_meta (key, value) VALUES ('format', %s) ON CONFLICT DO NOTHING",
                (str(RECORDING_FORMAT),),
            )
            if fresh:
                self._make_hypertable(conn, self.compress)
            self.hypertable = self._is_hypertable(conn)
            self.partitioned = self._is_partitioned(conn)
            for statement in _INDEXES:
                conn.execute(statement)
        log.info(
            "recording into %s (%s)",
            self.target,
            "TimescaleDB hypertable"
            if self.hypertable
            else "daily partitions"
            if self.partitioned
            else "plain table",
        )

    @staticmethod
    def _make_hypertable(conn: psycopg.Connection[Any], compress: bool = False) -> None:
        """Turn the new, empty `qb_events` into a hypertable if TimescaleDB can be had; with
        `compress`, chunks older than a week are compressed (segmented by symbol)."""
        import psycopg

        if not _timescale_available(conn):
            return
        try:
            with conn.transaction():  # a savepoint: failing here keeps the plain table
                conn.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
                conn.execute(
                    "SELECT create_hypertable('qb_events', 'recv_ms',"
                    " chunk_time_interval => 86400000::bigint, if_not_exists => TRUE)"
                )
        except psycopg.Error as exc:
            log.info("TimescaleDB is there but unusable (%s); using a plain table", exc)
            return
        if not compress:
            return
        try:
            with conn.transaction():
                for statement in _COMPRESSION:
                    conn.execute(statement)
        except psycopg.Error as exc:
            log.warning("TimescaleDB compression could not be enabled (%s)", exc)

    @staticmethod
    def _is_partitioned(conn: psycopg.Connection[Any]) -> bool:
        row = conn.execute(
            "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass('qb_events')"
        ).fetchone()
        return bool(row and row[0])

    def _ensure_partitions(
        self, conn: psycopg.Connection[Any], events: list[tuple[object, ...]]
    ) -> None:
        """Create the daily partitions this batch needs (in its transaction)."""
        days = {int(values[0]) // _DAY_MS for values in events}  # type: ignore[call-overload]
        for day in sorted(days - self._days):
            start = day * _DAY_MS
            name = f"qb_events_d{day}"
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF qb_events"
                f" FOR VALUES FROM ({start}) TO ({start + _DAY_MS})"
            )
        self._days |= days

    @staticmethod
    def _is_hypertable(conn: psycopg.Connection[Any]) -> bool:
        known = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").fetchone()
        if not known:
            return False
        row = conn.execute(
            "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name='qb_events'"
        ).fetchone()
        return row is not None

    def _unavailable(self, exc: Exception) -> SinkUnavailable:
        """A sentence for a psycopg error, never containing the password."""
        import psycopg
        from psycopg import errors

        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if self._password:
            text = text.replace(self._password, "***")
        text = redact_dsn(text)
        if isinstance(exc, errors.LockNotAvailable | errors.DeadlockDetected):
            return SinkUnavailable(f"the tick tables in {self.target} are locked", kind="locked")
        if isinstance(exc, errors.DiskFull):
            return SinkUnavailable(f"the PostgreSQL server's disk is full ({text})", kind="full")
        if isinstance(exc, psycopg.OperationalError):
            return SinkUnavailable(f"PostgreSQL is unreachable ({text})", kind="offline")
        return SinkUnavailable(f"PostgreSQL: {text}", kind="error")

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self.open()
        assert self._conn is not None
        return self._conn

    # -- writing ------------------------------------------------------------------------------
    def write(
        self,
        items: Sequence[RecordedItem],
        also: Sequence[tuple[str, tuple[object, ...]]] = (),
    ) -> BatchCounts:
        """COPY a batch in one transaction; `also` are statements committed with it (the
        history writer's stream position, so a batch is stored exactly once)."""
        import psycopg

        conn = self._connection()
        events, refs, counts = batch_rows(items, str, lambda value: value)
        try:
            with conn.transaction(), conn.cursor() as cur:
                if self.partitioned and events:
                    self._ensure_partitions(conn, events)
                with cur.copy(_COPY_EVENTS) as copy:
                    for values in events:
                        copy.write_row(values)
                if refs:
                    with cur.copy(_COPY_REFS) as copy:
                        for values in refs:
                            copy.write_row(values)
                if counts.ticks or counts.depth:
                    row = cur.execute("SELECT currval('qb_events_id_seq')").fetchone()
                    counts.last_id = int(row[0]) if row else 0
                for statement, params in also:
                    cur.execute(statement, params)
        except (psycopg.DataError, psycopg.IntegrityError, OverflowError, ValueError) as exc:
            # What a row holds (a NUL in a name, a number the column cannot take): retrying
            # the same batch would fail forever.
            raise RowRejected(f"{type(exc).__name__} ({self._unavailable(exc).reason})") from None
        except psycopg.Error as exc:
            raise self._unavailable(exc) from None
        return counts

    def prune(self, retention: Retention, now_ms: int, chunk: int) -> PruneResult:
        """Delete up to `chunk` rows past the limits; a GB limit caps the tables' growth.

        PostgreSQL only returns space to the OS on `VACUUM FULL`, so after deleting for the GB
        limit this runs a plain `VACUUM` (the space is reused) and deletes again only once the
        tables have grown past the size they had then.
        """
        import psycopg

        conn = self._connection()
        deleted, more = 0, False
        try:
            if retention.days > 0:
                cutoff = now_ms - int(retention.days * _DAY_MS)
                with conn.transaction():
                    deleted += conn.execute(
                        "DELETE FROM qb_events WHERE ctid = ANY(ARRAY(SELECT ctid FROM qb_events"
                        " WHERE recv_ms < %s ORDER BY recv_ms LIMIT %s))",
                        (cutoff, chunk),
                    ).rowcount
                    conn.execute("DELETE FROM qb_refs WHERE recv_ms < %s", (cutoff,))
                more = deleted >= chunk
            if retention.gigabytes > 0 and not more:
                size = self.used_bytes()
                if size > retention.gigabytes * 1e9 and size > self._pruned_at_size:
                    with conn.transaction():
                        deleted += conn.execute(
                            "DELETE FROM qb_events WHERE ctid = ANY(ARRAY(SELECT ctid FROM"
                            " qb_events ORDER BY recv_ms LIMIT %s))",
                            (chunk,),
                        ).rowcount
                    conn.execute("VACUUM qb_events")
                    self._pruned_at_size = self.used_bytes()
        except psycopg.Error as exc:
            raise self._unavailable(exc) from None
        return PruneResult(deleted, more)

    def used_bytes(self) -> int:
        """Bytes the tick tables and their indexes occupy on the server."""
        conn = self._connection()
        if self.hypertable:
            row = conn.execute("SELECT hypertable_size('qb_events')").fetchone()
        else:
            row = conn.execute("SELECT pg_total_relation_size('qb_events')").fetchone()
        return int(row[0] or 0) if row else 0

    def close(self) -> None:
        """Close the connection (never raises)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    # -- reading (export, tests) --------------------------------------------------------------
    def symbols(self) -> list[str]:
        """Every symbol with recorded events, sorted."""
        rows = self._connection().execute("SELECT DISTINCT symbol FROM qb_events ORDER BY 1")
        return [str(row[0]) for row in rows]

    def time_span(self, symbol: str | None = None) -> tuple[int, int] | None:
        """(first, last) exchange time of recorded events (of one symbol, if given)."""
        conn = self._connection()
        if symbol is None:
            row = conn.execute("SELECT min(ts_ms), max(ts_ms) FROM qb_events").fetchone()
        else:
            row = conn.execute(
                "SELECT min(ts_ms), max(ts_ms) FROM qb_events WHERE symbol = %s", (symbol,)
            ).fetchone()
        return None if row is None or row[0] is None else (int(row[0]), int(row[1]))

    def rows(self, symbol: str, start_ms: int, end_ms: int) -> Iterator[ExportRow]:
        """Events of `symbol` with exchange time in [start_ms, end_ms], in recorded order."""
        conn = self._connection()
        with conn.transaction(), conn.cursor(name="qb_export") as cur:
            cur.execute(
                "SELECT id, recv_ms, kind, symbol, ts_ms, seq, price::text, volume,"
                " turnover::text, side, bids, asks FROM qb_events"
                " WHERE symbol = %s AND ts_ms BETWEEN %s AND %s ORDER BY id",
                (symbol, start_ms, end_ms),
            )
            for row in cur:
                yield ExportRow(*row)

    def counts(self) -> dict[str, int]:
        """Events per kind (tests and the benchmark)."""
        rows = self._connection().execute("SELECT kind, count(*) FROM qb_events GROUP BY kind")
        named = {int(EventKind.TRADE): "ticks", int(EventKind.DEPTH): "depth"}
        return {named.get(int(kind), str(kind)): int(n) for kind, n in rows}

"""CSV export of a symbol and time range: exact prices, market-local times, all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desktop.persistence.tick_export import CSV_COLUMNS, export_csv
from desktop.persistence.tick_store import SqliteTickStore
from tests.persistence._events import book, tick


@pytest.fixture
def store(tmp_path: Path) -> SqliteTickStore:
    store = SqliteTickStore(tmp_path / "ticks.db")
    store.open()
    store.write([(1_714_642_300_000 + n, tick(n)) for n in range(10)])
    store.write([(1_714_642_300_000, book(4, "AAPL.US")), (1, tick(3, "00700.HK"))])
    return store


def test_a_range_of_one_symbol_is_written_with_exact_prices_and_local_times(
    store: SqliteTickStore, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "aapl.csv"
    result = export_csv(store, "AAPL.US", 1_714_642_200_002, 1_714_642_200_005, out)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_COLUMNS
    trades = [r for r in rows[1:] if r[3] == "trade"]
    books = [r for r in rows[1:] if r[3] == "book"]
    assert [r[5] for r in trades] == ["2", "3", "4", "5"]
    assert trades[0][6] == "102.0002" and trades[0][8] == "306.10" and trades[0][9] == "sell"
    assert trades[0][0] == "2024-05-02T05:30:00.002-04:00"  # New York time for a US stock
    assert books[0][10] == "304.20@500 304.00@500" and books[0][11].startswith("304.40@200")
    assert (result.trades, result.books) == (4, 1)
    assert "4 trades and 1 books" in result.message


def test_a_failed_export_leaves_no_half_written_file(
    store: SqliteTickStore, tmp_path: Path
) -> None:
    out = tmp_path / "aapl.csv"

    class Broken:
        def rows(self, symbol: str, start_ms: int, end_ms: int):  # type: ignore[no-untyped-def]
            yield from store.rows(symbol, start_ms, end_ms)
            raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        export_csv(Broken(), "AAPL.US", 0, 2**62, out)  # type: ignore[arg-type]
    assert not out.exists()
    assert list(tmp_path.glob(".*partial")) == []

"""ChartWindowRepository: open chart windows come back after a restart, other kinds untouched."""

from __future__ import annotations

from pathlib import Path

from desktop.domain.chart_layout import ChartMode, ChartPlacement
from desktop.persistence.chart_windows import ChartWindowRepository
from desktop.persistence.database import Database


def test_chart_windows_survive_a_restart_in_their_order(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = Database(path)
    placements = [
        ChartPlacement("AAPL.US", 10, 20, 900, 600, "left", ChartMode.LINE, False),
        ChartPlacement("00700.HK", 1930, 40, 800, 500, "right"),
    ]
    ChartWindowRepository(db).save(placements)
    db.close()
    reopened = Database(path)
    assert ChartWindowRepository(reopened).load() == placements
    reopened.close()


def test_saving_replaces_the_chart_rows_and_leaves_other_windows_alone(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    db.conn.execute("INSERT INTO windows(kind, symbol) VALUES('depth', 'AAPL.US')")
    repo = ChartWindowRepository(db)
    repo.save([ChartPlacement("AAPL.US", 0, 0, 800, 500)])
    repo.save([ChartPlacement("MSFT.US", 5, 5, 700, 400)])
    assert [p.symbol for p in repo.load()] == ["MSFT.US"]
    assert db.conn.execute("SELECT kind FROM windows ORDER BY id").fetchall() == [
        ("depth",),
        ("chart",),
    ]
    db.close()


def test_an_unreadable_row_is_skipped(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    db.conn.execute(
        "INSERT INTO windows(kind, symbol, x, y, width, height, extra) "
        "VALUES('chart', 'AAPL.US', 0, 0, 10, 10, '{\"mode\": \"renko\"}')"
    )
    repo = ChartWindowRepository(db)
    assert repo.load() == []
    db.close()

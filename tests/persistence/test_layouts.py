"""LayoutRepository: pop-out layouts round-trip through the `windows` table, per kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.window_placement import Rect, WindowLayout
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "quoteboard.db")
    yield database
    database.close()


def ladder(symbol: str, x: int, **fields: object) -> WindowLayout:
    return WindowLayout("depth", symbol, Rect(x, 40, 540, 620), **fields)  # type: ignore[arg-type]


def test_every_field_of_a_pop_out_comes_back_after_a_reopen(tmp_path: Path) -> None:
    saved = WindowLayout(
        kind="depth",
        symbol="00700.HK",
        geometry=Rect(2100, 120, 540, 620),
        screen="DP-2",
        screen_geometry=Rect(1920, 0, 2560, 1440),
        dpr=1.5,
        on_top=True,
        link_group="yellow",
        extra={"note": "kept"},
    )
    first = Database(tmp_path / "q.db")
    LayoutRepository(first).save("depth", [saved])
    first.close()
    second = Database(tmp_path / "q.db")
    try:
        assert LayoutRepository(second).load("depth") == [saved]
    finally:
        second.close()


def test_saving_replaces_the_previous_layout_of_that_kind_only(db: Database) -> None:
    repo = LayoutRepository(db)
    repo.save("chart", [WindowLayout("chart", "AAPL.US", Rect(0, 0, 800, 500))])
    repo.save("depth", [ladder("00700.HK", 0), ladder("AAPL.US", 600)])
    repo.save("depth", [ladder("09988.HK", 30)])
    assert [w.symbol for w in repo.load("depth")] == ["09988.HK"]
    assert [w.symbol for w in repo.load("chart")] == ["AAPL.US"]


def test_windows_load_in_the_order_they_were_saved(db: Database) -> None:
    repo = LayoutRepository(db)
    symbols = ["MSFT.US", "00700.HK", "AAPL.US"]
    repo.save("depth", [ladder(s, i * 10) for i, s in enumerate(symbols)])
    assert [w.symbol for w in repo.load("depth")] == symbols


def test_a_pinned_window_is_saved_as_pinned_with_no_group(db: Database) -> None:
    repo = LayoutRepository(db)
    repo.save("depth", [ladder("00700.HK", 0)])
    row = db.conn.execute("SELECT pinned, link_group FROM windows").fetchone()
    assert tuple(row) == (1, None)
    assert repo.load("depth")[0].pinned


def test_unusable_rows_are_skipped_and_the_rest_still_load(db: Database) -> None:
    repo = LayoutRepository(db)
    repo.save("depth", [ladder("00700.HK", 0)])
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO windows (kind, symbol, x, y, width, height, extra, position) "
            "VALUES ('depth', 'AAPL.US', 0, 0, 0, 300, '{}', 5)"
        )
        conn.execute(
            "INSERT INTO windows (kind, symbol, x, y, width, height, extra, position) "
            "VALUES ('depth', 'MSFT.US', 0, 0, 500, 300, 'not json', 6)"
        )
    loaded = repo.load("depth")
    assert [w.symbol for w in loaded] == ["00700.HK", "MSFT.US"]
    assert loaded[1].extra == {} and loaded[1].screen_geometry is None

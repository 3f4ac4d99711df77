"""WatchlistRepository: ordered lists and items, names, view state, seeding, snapshots, migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.domain.symbols import SymbolError
from desktop.domain.watchlist import (
    ColumnState,
    StorageError,
    ViewState,
    WatchlistNameError,
    WatchlistNotFound,
)
from desktop.persistence.database import MIGRATIONS, SCHEMA_VERSION, Database
from desktop.persistence.watchlists import WatchlistRepository


@pytest.fixture
def repo(tmp_path: Path) -> WatchlistRepository:
    return WatchlistRepository(Database(tmp_path / "q.db"))


def names(repo: WatchlistRepository) -> list[str]:
    return [info.name for info in repo.lists()]


def test_lists_keep_their_order_and_items_keep_theirs(repo: WatchlistRepository) -> None:
    tech = repo.create("Tech", ["nvda", "AAPL", "msft"])
    banks = repo.create("HK banks", ["5", "939.HK", "2388"])
    assert names(repo) == ["Tech", "HK banks"]
    assert repo.symbols(tech.id) == ["NVDA.US", "AAPL.US", "MSFT.US"]
    assert repo.symbols(banks.id) == ["00005.HK", "00939.HK", "02388.HK"]
    assert [info.count for info in repo.lists()] == [3, 3]
    assert repo.all_symbols()[:3] == ["NVDA.US", "AAPL.US", "MSFT.US"]


def test_add_inserts_before_a_symbol_and_skips_ones_already_there(
    repo: WatchlistRepository,
) -> None:
    tech = repo.create("Tech", ["AAPL", "MSFT"])
    assert repo.add_symbols(tech.id, ["NVDA", "AAPL", "AMD"], before="MSFT.US") == [
        "NVDA.US",
        "AMD.US",
    ]
    assert repo.symbols(tech.id) == ["AAPL.US", "NVDA.US", "AMD.US", "MSFT.US"]
    assert repo.add_symbols(tech.id, ["TSLA"]) == ["TSLA.US"]
    assert repo.symbols(tech.id)[-1] == "TSLA.US"


def test_remove_and_reorder_keep_positions_dense(repo: WatchlistRepository) -> None:
    tech = repo.create("Tech", ["AAPL", "MSFT", "NVDA", "AMD"])
    assert repo.remove_symbols(tech.id, ["MSFT", "TSLA"]) == ["MSFT.US"]
    repo.set_symbols(tech.id, ["AMD", "AAPL", "NVDA"])
    rows = repo.db.conn.execute(
        "SELECT symbol, position FROM watchlist_items WHERE watchlist_id=? ORDER BY position",
        (tech.id,),
    ).fetchall()
    assert rows == [("AMD.US", 0), ("AAPL.US", 1), ("NVDA.US", 2)]


def test_a_move_between_lists_is_one_transaction(repo: WatchlistRepository) -> None:
    a = repo.create("A", ["AAPL", "MSFT"])
    b = repo.create("B", ["700"])
    with pytest.raises(SymbolError):
        repo.edit({a.id: ["AAPL"], b.id: ["700", "$$$"]})
    assert repo.symbols(a.id) == ["AAPL.US", "MSFT.US"]  # the half that was fine was not kept
    with pytest.raises(WatchlistNotFound):
        repo.edit({a.id: ["AAPL"], 999: ["MSFT"]})
    assert repo.symbols(a.id) == ["AAPL.US", "MSFT.US"]
    repo.edit({a.id: ["AAPL"], b.id: ["700", "MSFT"]})
    assert repo.symbols(a.id) == ["AAPL.US"] and repo.symbols(b.id) == ["00700.HK", "MSFT.US"]


def test_names_are_cleaned_unique_without_case_and_bounded(repo: WatchlistRepository) -> None:
    tech = repo.create("  Tech \n stocks ")
    assert tech.name == "Tech stocks"
    with pytest.raises(WatchlistNameError, match="already exists"):
        repo.create("TECH STOCKS")
    with pytest.raises(WatchlistNameError, match="needs a name"):
        repo.rename(tech.id, "   ")
    with pytest.raises(WatchlistNameError, match="at most"):
        repo.create("x" * 41)
    assert repo.unique_name("Tech stocks") == "Tech stocks 2"
    assert repo.rename(tech.id, "tech Stocks").name == "tech Stocks"  # its own name, new case
    with pytest.raises(WatchlistNotFound):
        repo.rename(999, "Nope")
    assert repo.find("TECH stocks") is not None and repo.find("nothing") is None


def test_delete_and_restore_bring_back_the_same_list_in_its_place(
    repo: WatchlistRepository,
) -> None:
    repo.create("A", ["AAPL"])
    b = repo.create("B", ["700", "5"])
    repo.create("C")
    view = ViewState(
        (ColumnState("symbol", 90), ColumnState("last", 80, hidden=True)), "last", True
    )
    repo.set_view_state(b.id, view)
    snapshot = repo.delete(b.id)
    assert names(repo) == ["A", "C"]
    assert (
        repo.db.conn.execute(
            "SELECT COUNT(*) FROM watchlist_items WHERE watchlist_id=?", (b.id,)
        ).fetchone()[0]
        == 0
    )
    restored = repo.restore(snapshot)
    assert restored.id == b.id and names(repo) == ["A", "B", "C"]
    assert repo.symbols(b.id) == ["00700.HK", "00005.HK"] and repo.view_state(b.id) == view


def test_reorder_lists_follows_the_tabs(repo: WatchlistRepository) -> None:
    a, b, c = (repo.create(n) for n in "ABC")
    repo.reorder_lists([c.id, a.id])
    assert names(repo) == ["C", "A", "B"]
    assert [info.position for info in repo.lists()] == [0, 1, 2]


def test_view_state_round_trips_and_survives_a_damaged_value(repo: WatchlistRepository) -> None:
    tech = repo.create("Tech")
    assert repo.view_state(tech.id) == ViewState()
    state = ViewState((ColumnState("name", 200), ColumnState("symbol", 70)), None, False)
    repo.set_view_state(tech.id, state)
    assert repo.view_state(tech.id) == state
    repo.db.conn.execute("UPDATE watchlist_view SET columns='not json'")
    assert repo.view_state(tech.id).columns == ()


def test_seeding_happens_once_and_never_over_a_users_lists(repo: WatchlistRepository) -> None:
    assert repo.seed({"US": ["AAPL"], "Hong Kong": ["700"]})
    assert names(repo) == ["US", "Hong Kong"]
    for info in repo.lists():
        repo.delete(info.id)
    assert not repo.seed({"US": ["AAPL"]})  # deleting everything is not a first run
    assert names(repo) == []


def test_seeding_skips_a_database_that_already_has_lists(tmp_path: Path) -> None:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    repo.create("Mine", ["TSLA"])
    assert not repo.seed({"US": ["AAPL"]})
    assert names(repo) == ["Mine"]


def test_the_active_list_is_remembered_only_while_it_exists(repo: WatchlistRepository) -> None:
    a, b = repo.create("A"), repo.create("B")
    assert repo.active_list() is None
    repo.set_active_list(b.id)
    assert repo.active_list() == b.id
    repo.delete(b.id)
    assert repo.active_list() is None and a.id != b.id


def test_a_v1_database_with_lists_is_migrated_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    old = Database(path, MIGRATIONS[:1])
    old.conn.execute("INSERT INTO watchlists(name, position, created_at) VALUES('Tech', 0, 1.0)")
    old.conn.executemany(
        "INSERT INTO watchlist_items VALUES(1, ?, ?)", [("MSFT.US", 1), ("AAPL.US", 0)]
    )
    old.close()
    repo = WatchlistRepository(Database(path))
    assert repo.db.version == SCHEMA_VERSION
    assert names(repo) == ["Tech"] and repo.symbols(1) == ["AAPL.US", "MSFT.US"]
    assert repo.view_state(1) == ViewState()  # the v2 table exists and starts empty
    repo.set_view_state(1, ViewState((ColumnState("symbol", 80),), "last", True))
    assert repo.view_state(1).sort_column == "last"


def test_a_second_connection_sees_committed_edits_at_once(tmp_path: Path) -> None:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    tech = repo.create("Tech", ["AAPL"])
    other = sqlite3.connect(tmp_path / "q.db")
    repo.add_symbols(tech.id, ["MSFT"])
    rows = other.execute("SELECT symbol FROM watchlist_items ORDER BY position").fetchall()
    assert rows == [("AAPL.US",), ("MSFT.US",)]
    other.close()


def test_a_failed_write_raises_storage_error_and_leaves_no_open_transaction(
    repo: WatchlistRepository,
) -> None:
    tech = repo.create("Tech", ["AAPL"])
    repo.db.conn.execute("PRAGMA query_only=ON")  # every write fails, as on a full disk
    with pytest.raises(StorageError, match="could not be saved"):
        repo.add_symbols(tech.id, ["MSFT"])
    assert not repo.db.conn.in_transaction
    repo.db.conn.execute("PRAGMA query_only=OFF")
    assert repo.add_symbols(tech.id, ["MSFT"]) == ["MSFT.US"]  # the connection still works

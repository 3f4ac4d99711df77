"""WatchlistSession: undoable list and symbol edits, the streamed union, files, outside changes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.list_text import MAX_LIST_BYTES
from desktop.domain.quote_book import QuoteBook
from desktop.domain.watchlist import ColumnState, ViewState
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.symbol_mime import SymbolPayload
from desktop.qt.watchlist_session import WatchlistSession


class Board:
    """A session over two lists, recording what it emits."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "q.db"
        self.repo = WatchlistRepository(Database(self.path))
        self.us = self.repo.create("US", ["AAPL", "MSFT"]).id
        self.hk = self.repo.create("HK", ["700"]).id
        self.book = QuoteBook()
        self.session = WatchlistSession(self.repo, self.book, {"AAPL.US": "Apple Inc."}.get)
        self.unions: list[list[str]] = []
        self.notices: list[tuple[str, str]] = []
        self.session.symbolsChanged.connect(self.unions.append)
        self.session.notice.connect(lambda kind, text: self.notices.append((kind, text)))

    def names(self) -> list[str]:
        return [info.name for info in self.repo.lists()]

    def undo(self) -> None:
        self.session.undo_stack.undo()

    def redo(self) -> None:
        self.session.undo_stack.redo()


@pytest.fixture
def board(tmp_path: Path) -> Iterator[Board]:
    b = Board(tmp_path)
    yield b
    b.repo.db.close()


def test_every_symbol_edit_undoes_and_redoes_through_the_database(board: Board) -> None:
    s = board.session
    assert s.add_symbols(board.us, ["NVDA.US", "AMD.US"], before="MSFT.US") == ["NVDA.US", "AMD.US"]
    assert s.remove_symbols(board.us, ["AAPL.US"])
    assert s.move_within(board.us, ["MSFT.US"], "NVDA.US")
    assert s.transfer(board.us, board.hk, ["AMD.US"], None, copy=False)
    assert board.repo.symbols(board.us) == ["MSFT.US", "NVDA.US"]
    assert board.repo.symbols(board.hk) == ["00700.HK", "AMD.US"]
    texts = [s.undo_stack.text(i) for i in range(s.undo_stack.count())]
    assert texts == ["Add 2 Symbols", "Remove AAPL.US", "Move MSFT.US", "Move AMD.US to “HK”"]
    for _ in texts:
        board.undo()
    assert board.repo.symbols(board.us) == ["AAPL.US", "MSFT.US"]
    assert board.repo.symbols(board.hk) == ["00700.HK"]
    assert s.symbols(board.us) == ["AAPL.US", "MSFT.US"]
    for _ in texts:
        board.redo()
    assert board.repo.symbols(board.us) == ["MSFT.US", "NVDA.US"]
    assert s.model(board.hk) is not None and s.symbols(board.hk) == ["00700.HK", "AMD.US"]


def test_the_union_is_emitted_once_per_edit_and_only_when_it_changes(board: Board) -> None:
    s = board.session
    s.add_symbols(board.us, [f"Q{chr(65 + i // 26)}{chr(65 + i % 26)}.US" for i in range(50)])
    assert len(board.unions) == 1 and len(board.unions[0]) == 53
    s.move_within(board.us, ["MSFT.US"], None)  # order only: the feed has nothing to do
    s.transfer(board.us, board.hk, ["AAPL.US"], None, copy=True)  # already streamed
    assert len(board.unions) == 1
    s.remove_symbols(board.us, ["AAPL.US"])  # still on HK: still streamed
    assert len(board.unions) == 1
    s.remove_symbols(board.hk, ["AAPL.US"])
    assert len(board.unions) == 2 and "AAPL.US" not in board.unions[-1]


def test_lists_are_created_renamed_reordered_and_deleted_with_undo(board: Board) -> None:
    s = board.session
    created = s.create_list()
    assert created is not None and created.name == "Watchlist"
    assert s.create_list("watchlist") is not None  # taken: gets a number
    assert board.names() == ["US", "HK", "Watchlist", "watchlist 2"]
    assert s.rename_list(created.id, "Movers")
    assert not s.rename_list(board.hk, "movers")
    assert "already exists" in board.notices[-1][1]
    assert s.reorder_lists([created.id, board.us])
    assert board.names() == ["Movers", "US", "HK", "watchlist 2"]
    board.repo.set_view_state(board.hk, ViewState((ColumnState("symbol", 99),), "last", True))
    assert s.delete_list(board.hk)
    assert board.names() == ["Movers", "US", "watchlist 2"] and s.model(board.hk) is None
    board.undo()
    assert board.names() == ["Movers", "US", "HK", "watchlist 2"]
    assert s.symbols(board.hk) == ["00700.HK"] and s.view_state(board.hk).sort_column == "last"
    board.undo()  # the reorder
    board.undo()  # the rename
    assert board.names() == ["US", "HK", "Watchlist", "watchlist 2"]
    board.undo()
    board.undo()
    assert board.names() == ["US", "HK"]
    board.redo()
    assert board.names() == ["US", "HK", "Watchlist"]


def test_the_last_list_cannot_be_deleted(board: Board) -> None:
    assert board.session.delete_list(board.hk)
    assert not board.session.delete_list(board.us)
    assert board.names() == ["US"]


def test_text_with_bad_parts_adds_the_good_ones_and_names_the_bad(board: Board) -> None:
    payload = SymbolPayload(("NVDA.US",), None, ("“!!!” is not a symbol: …",))
    assert board.session.paste_text(board.us, payload)
    assert board.repo.symbols(board.us)[-1] == "NVDA.US"
    assert board.notices[0] == ("warning", "“!!!” is not a symbol: …")


def test_import_creates_a_list_named_after_the_file_and_export_writes_it(
    board: Board, tmp_path: Path
) -> None:
    source = tmp_path / "Banks.txt"
    source.write_text("5 939 2388\n", encoding="utf-8")
    info = board.session.import_file(source)
    assert info is not None and info.name == "Banks"
    assert board.repo.symbols(info.id) == ["00005.HK", "00939.HK", "02388.HK"]
    board.undo()
    assert board.names() == ["US", "HK"]
    us_file = tmp_path / "us.txt"
    us_file.write_text("NVDA AAPL\n", encoding="utf-8")
    board.session.import_file(us_file)  # "us" exists: added to it, case-insensitively
    assert board.repo.symbols(board.us) == ["AAPL.US", "MSFT.US", "NVDA.US"]
    target = tmp_path / "out.csv"
    assert board.session.export_list(board.us, target)
    assert target.read_text(encoding="utf-8").splitlines()[:2] == [
        "symbol,name",
        "AAPL.US,Apple Inc.",
    ]


def test_a_bad_import_is_reported_and_changes_nothing(board: Board, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("AAPL\n???\n", encoding="utf-8")
    assert board.session.import_file(bad) is None
    assert board.notices[-1][0] == "error" and "bad.txt line 2" in board.notices[-1][1]
    assert board.names() == ["US", "HK"]
    assert not board.session.export_list(board.us, tmp_path / "missing-dir" / "x.csv")
    assert "Could not write" in board.notices[-1][1]


def test_changes_by_another_process_are_picked_up(board: Board) -> None:
    board.session.add_symbols(board.us, ["NVDA.US"])
    assert board.session.undo_stack.count() == 1
    assert not board.session.check_external_changes()
    other = WatchlistRepository(Database(board.path))  # e.g. `quoteboard import` while running
    other.add_symbols(board.hk, ["9988"])
    other.create("Script")
    other.db.close()
    assert board.session.check_external_changes()
    assert board.session.symbols(board.hk) == ["00700.HK", "09988.HK"]
    assert [i.name for i in board.session.lists()] == ["US", "HK", "Script"]
    assert board.session.undo_stack.count() == 0
    assert "changed outside the app" in board.notices[-1][1]


def test_an_undo_that_no_longer_applies_says_so_and_shows_what_is_stored(board: Board) -> None:
    board.session.add_symbols(board.hk, ["9988"])
    board.repo.db.conn.execute("DELETE FROM watchlists WHERE id=?", (board.hk,))  # behind its back
    board.undo()
    assert board.notices[-1][0] == "error" and "Undo Add 09988.HK failed" in board.notices[-1][1]
    assert board.session.model(board.hk) is None and board.names() == ["US"]


def test_a_new_feed_empties_every_table_then_refills_the_lists(board: Board) -> None:
    from decimal import Decimal

    from desktop.domain.market_data import ReferenceData
    from desktop.qt.quote_columns import ColumnId

    book = board.book
    book.apply_reference(ReferenceData("AAPL.US", name="Apple", last=Decimal("230")), 1.0)
    board.session.set_active_list(board.us)
    us = board.session.model(board.us)
    assert us is not None
    us.refresh(book.take_dirty(), 1.0)
    assert us.index(0, int(ColumnId.LAST)).data().startswith("230")
    forgotten: list[int] = []

    def forget() -> None:
        forgotten.append(us.rowCount())
        for symbol in book.symbols():
            book.untrack(symbol)

    board.session.clear_rows(forget)
    assert forgotten == [0]  # the tables were empty while the old book was dropped
    assert us.symbols() == ["AAPL.US", "MSFT.US"] and board.session.symbols(board.hk) == [
        "00700.HK"
    ]
    assert us.index(0, int(ColumnId.LAST)).data() in ("", None)


async def test_a_large_import_is_parsed_off_the_gui_thread_with_progress(
    board: Board, tmp_path: Path
) -> None:
    from benchmarks.import_scale import symbols_text

    source = tmp_path / "Everything.csv"
    rows = [f"{code},A company with a rather long name number {n}" for n, code in
            enumerate(symbols_text(16_000).split())]  # fmt: skip
    source.write_text("symbol,name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert board.session.is_large_import(source)
    progress: list[int] = []
    board.session.importProgress.connect(lambda name, pct: progress.append(pct))
    ticks = 0
    done = asyncio.Event()

    async def board_keeps_running() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    runner = asyncio.create_task(board_keeps_running())
    info = await board.session.import_in_background(source)
    done.set()
    await runner
    assert info is not None and info.name == "Everything" and info.count == 16_000
    assert len(progress) > 2 and progress == sorted(progress) and progress[0] == 0
    assert ticks > len(progress)  # the event loop ran while the file was parsed
    assert board.notices[-1] == (
        "info",
        "Imported 16000 symbols from Everything.csv as “Everything”.",
    )


def test_a_file_above_the_size_limit_is_refused_with_the_reason(
    board: Board, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.truncate(MAX_LIST_BYTES + 1)  # sparse: nothing written, yet too big
    assert board.session.import_file(huge) is None
    kind, text = board.notices[-1]
    assert kind == "error" and "may be at most 8 MB" in text and "huge.txt" in text
    assert board.names() == ["US", "HK"]

"""WatchlistTableModel: drag and drop through mimeData / dropMimeData / moveRows, saved first."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.domain.market_data import ReferenceData
from desktop.domain.quote_book import QuoteBook
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.quote_columns import FLASH_NOTICE_BRUSHES, ColumnId
from desktop.qt.symbol_mime import symbols_mime
from desktop.qt.watchlist_model import WatchlistTableModel
from desktop.qt.watchlist_session import WatchlistSession

MOVE = Qt.DropAction.MoveAction
COPY = Qt.DropAction.CopyAction
ROOT = QModelIndex()
LAST = int(ColumnId.LAST)


class Lists:
    """Two lists in a temporary database, their session and models."""

    def __init__(self, tmp_path: Path) -> None:
        self.repo = WatchlistRepository(Database(tmp_path / "q.db"))
        self.us = self.repo.create("US", ["AAPL", "MSFT", "NVDA", "TSLA"]).id
        self.hk = self.repo.create("HK", ["700", "9988"]).id
        self.book = QuoteBook()
        self.session = WatchlistSession(self.repo, self.book)
        self.session.set_active_list(self.us)

    def model(self, list_id: int) -> WatchlistTableModel:
        model = self.session.model(list_id)
        assert model is not None
        return model

    def stored(self, list_id: int) -> list[str]:
        return self.repo.symbols(list_id)


@pytest.fixture
def lists(tmp_path: Path) -> Iterator[Lists]:
    board = Lists(tmp_path)
    yield board
    board.repo.db.close()


def text_mime(text: str) -> QMimeData:
    data = QMimeData()
    data.setText(text)
    return data


def test_mime_data_of_rows_carries_their_symbols_and_list(lists: Lists) -> None:
    model = lists.model(lists.us)
    indexes = [model.index(2, 0), model.index(0, 3), model.index(2, 5)]
    data = model.mimeData(indexes)
    assert data.text() == "AAPL.US\nNVDA.US\n"
    assert set(model.mimeTypes()) == {"application/x-quoteboard-symbols", "text/plain"}
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(ROOT) & Qt.ItemFlag.ItemIsDropEnabled
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDropEnabled


def test_dropping_text_inserts_at_the_row_and_saves_before_showing(
    lists: Lists, qtmodeltester: ModelTester
) -> None:
    model = lists.model(lists.us)
    qtmodeltester.check(model)
    assert model.dropMimeData(text_mime("AMD, 700.HK"), COPY, 1, 0, ROOT)
    expected = ["AAPL.US", "AMD.US", "00700.HK", "MSFT.US", "NVDA.US", "TSLA.US"]
    assert lists.stored(lists.us) == expected
    assert model.symbols() == expected
    qtmodeltester.check(model)


def test_dropping_on_a_row_or_below_the_last_row(lists: Lists) -> None:
    model = lists.model(lists.us)
    assert model.dropMimeData(text_mime("AMD"), COPY, -1, -1, model.index(3, 2))
    assert model.dropMimeData(text_mime("INTC"), COPY, -1, -1, ROOT)
    assert lists.stored(lists.us) == [
        "AAPL.US",
        "MSFT.US",
        "NVDA.US",
        "AMD.US",
        "TSLA.US",
        "INTC.US",
    ]


def test_a_symbol_already_on_the_list_is_not_added_twice_its_row_flashes(lists: Lists) -> None:
    model = lists.model(lists.us)
    revealed: list[tuple[int, list[str]]] = []
    lists.session.revealed.connect(lambda list_id, symbols: revealed.append((list_id, symbols)))
    assert not model.dropMimeData(text_mime("msft"), COPY, 0, 0, ROOT)
    assert lists.stored(lists.us) == ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US"]
    row = model.row_of("MSFT.US")
    assert row is not None
    assert model.index(row, LAST).data(Qt.ItemDataRole.BackgroundRole) == FLASH_NOTICE_BRUSHES[0]
    assert revealed == [(lists.us, ["MSFT.US"])]


def test_reordering_rows_by_a_drag_within_the_list(
    lists: Lists, qtmodeltester: ModelTester
) -> None:
    model = lists.model(lists.us)
    qtmodeltester.check(model)
    data = model.mimeData([model.index(3, 0)])  # TSLA …
    assert model.dropMimeData(data, MOVE, 1, 0, ROOT)  # … dropped above MSFT
    assert lists.stored(lists.us) == ["AAPL.US", "TSLA.US", "MSFT.US", "NVDA.US"]
    assert model.symbols() == lists.stored(lists.us)
    qtmodeltester.check(model)


def test_move_rows_moves_a_block_and_rejects_nonsense(
    lists: Lists, qtmodeltester: ModelTester
) -> None:
    model = lists.model(lists.us)
    qtmodeltester.check(model)
    assert model.moveRows(ROOT, 0, 2, ROOT, 4)  # AAPL, MSFT to the end
    assert lists.stored(lists.us) == ["NVDA.US", "TSLA.US", "AAPL.US", "MSFT.US"]
    assert model.symbols() == lists.stored(lists.us)
    assert not model.moveRows(ROOT, 3, 2, ROOT, 0)  # past the end
    assert not model.moveRows(ROOT, 0, 1, ROOT, 9)
    assert not model.moveRows(ROOT, 1, 1, ROOT, 1)  # onto itself: nothing to do
    qtmodeltester.check(model)


def test_dragging_rows_to_another_list_moves_them_and_ctrl_copies(lists: Lists) -> None:
    us, hk = lists.model(lists.us), lists.model(lists.hk)
    data = us.mimeData([us.index(0, 0), us.index(2, 0)])  # AAPL, NVDA
    assert hk.dropMimeData(data, MOVE, 1, 0, ROOT)
    assert lists.stored(lists.us) == ["MSFT.US", "TSLA.US"]
    assert lists.stored(lists.hk) == ["00700.HK", "AAPL.US", "NVDA.US", "09988.HK"]
    data = us.mimeData([us.index(0, 0)])  # MSFT, with Ctrl
    assert hk.dropMimeData(data, COPY, -1, -1, ROOT)
    assert lists.stored(lists.us) == ["MSFT.US", "TSLA.US"]
    assert lists.stored(lists.hk)[-1] == "MSFT.US"
    assert us.symbols() == lists.stored(lists.us) and hk.symbols() == lists.stored(lists.hk)


def test_a_drop_into_a_sorted_list_is_added_next_to_its_row_and_shown_by_the_sort(
    lists: Lists, qtmodeltester: ModelTester
) -> None:
    model = lists.model(lists.us)
    qtmodeltester.check(model)
    model.sort(int(ColumnId.SYMBOL), Qt.SortOrder.DescendingOrder)
    assert model.symbols() == ["TSLA.US", "NVDA.US", "MSFT.US", "AAPL.US"]
    assert model.dropMimeData(text_mime("AMD"), COPY, 1, 0, ROOT)  # dropped on NVDA's row
    assert lists.stored(lists.us) == ["AAPL.US", "MSFT.US", "AMD.US", "NVDA.US", "TSLA.US"]
    assert model.symbols() == ["TSLA.US", "NVDA.US", "MSFT.US", "AMD.US", "AAPL.US"]
    qtmodeltester.check(model)


def test_rows_cannot_be_reordered_by_hand_while_a_sort_decides(lists: Lists) -> None:
    model = lists.model(lists.us)
    model.sort(int(ColumnId.SYMBOL), Qt.SortOrder.AscendingOrder)
    notices: list[str] = []
    lists.session.notice.connect(lambda kind, text: notices.append(text))
    data = model.mimeData([model.index(3, 0)])
    assert not model.canDropMimeData(data, MOVE, 0, 0, ROOT)
    assert model.canDropMimeData(text_mime("AMD"), MOVE, 0, 0, ROOT)
    assert not model.dropMimeData(data, MOVE, 0, 0, ROOT)
    assert not model.moveRows(ROOT, 0, 1, ROOT, 3)
    assert lists.stored(lists.us) == ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US"]
    assert "Restore Watchlist Order" in notices[-1]


def test_remove_rows_takes_symbols_off_the_stored_list(
    lists: Lists, qtmodeltester: ModelTester
) -> None:
    model = lists.model(lists.us)
    qtmodeltester.check(model)
    assert model.removeRows(1, 2)
    assert lists.stored(lists.us) == ["AAPL.US", "TSLA.US"] and model.symbols() == lists.stored(
        lists.us
    )
    assert not model.removeRows(5, 1)
    qtmodeltester.check(model)


def test_a_failed_commit_changes_nothing_on_screen(lists: Lists) -> None:
    model = lists.model(lists.us)
    notices: list[tuple[str, str]] = []
    lists.session.notice.connect(lambda kind, text: notices.append((kind, text)))
    lists.repo.db.conn.execute("PRAGMA query_only=ON")  # every write now fails like a full disk
    assert not model.dropMimeData(text_mime("AMD"), COPY, 0, 0, ROOT)
    lists.repo.db.conn.execute("PRAGMA query_only=OFF")
    assert model.symbols() == ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US"]
    assert notices[-1][0] == "error" and "nothing was changed" in notices[-1][1]


def test_a_hidden_list_skips_formatting_and_catches_up_when_shown(lists: Lists) -> None:
    hk = lists.model(lists.hk)
    assert not hk.is_live()
    ref = ReferenceData("00700.HK", name="Tencent", prev_close=Decimal("400"), last=Decimal("410"))
    lists.book.apply_reference(ref, 1.0)
    assert hk.refresh(lists.book.take_dirty(), 1.0) == 0
    assert hk.index(0, LAST).data() in ("", None)
    lists.session.set_active_list(lists.hk)
    assert hk.is_live() and not lists.model(lists.us).is_live()
    assert hk.index(0, LAST).data().startswith("410")
    assert hk.index(0, LAST).data(Qt.ItemDataRole.BackgroundRole) is None  # no flash storm


def test_mime_from_the_search_results_is_added_as_a_copy(lists: Lists) -> None:
    model = lists.model(lists.hk)
    assert model.dropMimeData(symbols_mime(["AAPL.US", "00005.HK"]), MOVE, 0, 0, ROOT)
    assert lists.stored(lists.hk) == ["AAPL.US", "00005.HK", "00700.HK", "09988.HK"]

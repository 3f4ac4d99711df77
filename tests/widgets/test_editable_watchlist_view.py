"""EditableWatchlistView: drops through the view, Delete, copy/paste, typing, saved columns."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.domain.watchlist import ColumnState, ViewState
from desktop.qt.quote_columns import ColumnId
from desktop.widgets.editable_watchlist_view import EditableWatchlistView
from tests.widgets.conftest import Lists


def make_view(qtbot: QtBot, lists: Lists, list_id: int) -> EditableWatchlistView:
    model = lists.session.model(list_id)
    assert model is not None
    view = EditableWatchlistView(model)
    view.resize(1200, 300)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def drop_text(view: EditableWatchlistView, text: str, row: int, upper: bool = True) -> bool:
    """Enter, move and drop at `row` (its upper or lower half), as a drag from another app."""
    rect = view.visualRect(view.model().index(row, 1))
    pos = QPointF(rect.center().x(), rect.top() + 3 if upper else rect.bottom() - 3)
    data = QMimeData()
    data.setText(text)
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    args = (actions, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(pos.toPoint(), *args))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(pos.toPoint(), *args))
    drop = QDropEvent(pos, *args)
    QApplication.sendEvent(view.viewport(), drop)
    return drop.isAccepted()


def test_text_dropped_on_the_upper_or_lower_half_of_a_row_lands_above_or_below(
    qtbot: QtBot, lists: Lists
) -> None:
    view = make_view(qtbot, lists, lists.us)
    assert drop_text(view, "AMD", 1)
    assert lists.stored(lists.us) == ["AAPL.US", "AMD.US", "MSFT.US", "NVDA.US", "TSLA.US"]
    assert drop_text(view, "INTC, 700.HK", 4, upper=False)
    assert lists.stored(lists.us)[-2:] == ["INTC.US", "00700.HK"]
    assert view.list_model().symbols() == lists.stored(lists.us)


def test_delete_removes_the_selected_rows_and_undo_brings_them_back(
    qtbot: QtBot, lists: Lists
) -> None:
    view = make_view(qtbot, lists, lists.us)
    view.reveal(["MSFT.US", "TSLA.US"])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert lists.stored(lists.us) == ["AAPL.US", "NVDA.US"]
    lists.session.undo_stack.undo()
    assert lists.stored(lists.us) == ["AAPL.US", "MSFT.US", "NVDA.US", "TSLA.US"]
    assert view.list_model().symbols() == lists.stored(lists.us)


def test_copy_puts_symbols_on_the_clipboard_and_paste_adds_text(qtbot: QtBot, lists: Lists) -> None:
    us = make_view(qtbot, lists, lists.us)
    us.reveal(["NVDA.US", "AAPL.US"])
    qtbot.keyClick(us, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "AAPL.US\nNVDA.US\n"
    hk = make_view(qtbot, lists, lists.hk)
    qtbot.keyClick(hk, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert lists.stored(lists.hk) == ["00700.HK", "09988.HK", "AAPL.US", "NVDA.US"]
    QGuiApplication.clipboard().setText("5 ???")
    assert hk.paste()
    assert lists.stored(lists.hk)[-1] == "00005.HK"


def test_typing_a_ticker_on_the_list_jumps_to_its_row(qtbot: QtBot, lists: Lists) -> None:
    view = make_view(qtbot, lists, lists.us)
    typed: list[str] = []
    view.typedText.connect(typed.append)
    qtbot.keyClicks(view, "ns")  # no "NS…": a search for it; the row stays where it was
    assert typed == ["ns"]
    qtbot.keyClicks(view, "ts")
    assert view.current_symbol() == "TSLA.US"
    view._typed_at -= 5.0  # a pause (without sleeping): the next key starts a new ticker
    qtbot.keyClicks(view, "m")
    assert view.current_symbol() == "MSFT.US"
    view._typed_at -= 5.0
    qtbot.keyClicks(view, "n")
    assert view.current_symbol() == "NVDA.US"
    assert typed == ["ns"]
    hk = make_view(qtbot, lists, lists.hk)
    qtbot.keyClicks(hk, "99")  # HK codes match without their leading zeros
    assert hk.current_symbol() == "09988.HK"


def test_typing_a_ticker_not_on_the_list_asks_for_a_search(qtbot: QtBot, lists: Lists) -> None:
    view = make_view(qtbot, lists, lists.us)
    typed: list[str] = []
    view.typedText.connect(typed.append)
    qtbot.keyClicks(view, "z")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert typed == ["z"]


def test_columns_widths_order_and_sort_round_trip_through_view_state(
    qtbot: QtBot, lists: Lists
) -> None:
    view = make_view(qtbot, lists, lists.us)
    header = view.horizontalHeader()
    header.moveSection(header.visualIndex(int(ColumnId.VOLUME)), 2)
    header.resizeSection(int(ColumnId.LAST), 133)
    view.set_column_hidden("open", True)
    view.set_column_hidden("symbol", True)  # the symbol column never hides
    view.sortByColumn(int(ColumnId.SYMBOL), Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(view.viewStateChanged, timeout=2000):
        pass
    state = view.view_state()
    assert [c.key for c in state.columns][:3] == ["symbol", "name", "volume"]
    assert ColumnState("last", 133) in state.columns
    assert (
        ColumnState("open", state.columns[[c.key for c in state.columns].index("open")].width, True)
        in state.columns
    )
    assert state.sort_column == "symbol" and state.sort_descending
    other = make_view(qtbot, lists, lists.hk)
    other.apply_view_state(state)
    assert other.view_state() == state
    assert other.is_column_hidden("open") and not other.is_column_hidden("symbol")
    assert other.list_model().symbols() == ["09988.HK", "00700.HK"]
    other.apply_view_state(ViewState((ColumnState("no-such-column", 50),), "nope"))
    assert other.list_model().sort_column() == -1


def test_a_drag_within_a_sorted_list_explains_why_it_is_refused(qtbot: QtBot, lists: Lists) -> None:
    view = make_view(qtbot, lists, lists.us)
    view.sortByColumn(int(ColumnId.SYMBOL), Qt.SortOrder.AscendingOrder)
    model = view.list_model()
    assert model.is_reorder_refused(model.mimeData([model.index(0, 0)]))
    assert not model.is_reorder_refused(QMimeData())

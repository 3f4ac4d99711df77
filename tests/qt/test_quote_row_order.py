"""QuoteRowOrder's pure helpers: membership changes go in blocks, and the re-sort throttle."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.qt.quote_row_order import QuoteRowOrder, adjacent_runs, insert_runs, removal_runs


def test_new_symbols_go_in_as_one_block_per_run_top_first() -> None:
    wanted = ["A", "N1", "N2", "B", "N3", "C", "N4"]
    assert insert_runs(wanted, {"N1", "N2", "N3", "N4"}) == [(1, 3), (4, 5), (6, 7)]
    assert insert_runs(wanted, set()) == []
    assert insert_runs(["N1", "N2"], {"N1", "N2"}) == [(0, 2)]


def test_missing_rows_come_out_as_one_block_per_run_bottom_first() -> None:
    doomed = [0, 1, 3, 5, 6, 7]
    assert removal_runs(doomed) == [(5, 7), (3, 3), (0, 1)]
    assert doomed == [0, 1, 3, 5, 6, 7]  # the caller's list is left alone
    assert removal_runs([]) == []


def test_a_stale_order_resorts_once_per_interval_and_never_while_held() -> None:
    order = QuoteRowOrder()
    order.stale = True
    assert not order.resort_due(0.0)  # not sorted: the list's own order never goes stale
    order.sort_by(3, Qt.SortOrder.DescendingOrder)
    order.stale = True
    assert order.resort_due(0.0)
    assert not order.stale
    order.stale = True
    assert not order.resort_due(0.4)
    order.held = True
    assert not order.resort_due(0.6)
    order.held = False
    assert order.resort_due(0.6)


def test_adjacent_changed_columns_go_in_one_block_each() -> None:
    assert adjacent_runs([7, 3, 4, 5, 9]) == [(3, 5), (7, 7), (9, 9)]
    assert adjacent_runs([2]) == [(2, 2)]

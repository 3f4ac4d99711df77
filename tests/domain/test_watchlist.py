"""Watchlist records and rules: names, canonical symbols, and where moved rows land."""

from __future__ import annotations

import pytest

from desktop.domain.symbols import SymbolError
from desktop.domain.watchlist import WatchlistNameError, canonical, clean_name, moved_order


def test_moved_rows_land_before_the_anchor_or_the_next_row_that_stays() -> None:
    current = ["A", "B", "C", "D"]
    assert moved_order(current, ["D"], "A") == ["D", "A", "B", "C"]
    assert moved_order(current, ["A"], None) == ["B", "C", "D", "A"]
    assert moved_order(current, ["C", "A"], "D") == ["B", "C", "A", "D"]
    assert moved_order(current, ["B", "C"], "C") == ["A", "B", "C", "D"]  # onto itself
    assert moved_order(current, ["X"], "B") == current  # not on the list: nothing moves


def test_names_are_trimmed_and_bounded() -> None:
    assert clean_name("  Hong\tKong   banks ") == "Hong Kong banks"
    with pytest.raises(WatchlistNameError):
        clean_name(" \n ")
    with pytest.raises(WatchlistNameError):
        clean_name("x" * 41)


def test_canonical_symbols_are_deduplicated_in_order() -> None:
    assert canonical(["aapl", "700", "AAPL.US", "0700.hk"]) == ["AAPL.US", "00700.HK"]
    with pytest.raises(SymbolError):
        canonical(["AAPL", "$$$"])

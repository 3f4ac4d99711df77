"""The bundled universe files parse, are big enough, and carry lots and names; the parser is strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.symbol_universe import SymbolUniverse, UniverseError, parse_universe_csv
from desktop.domain.symbols import Market, Symbol

SYMBOLS_DIR = Path(__file__).resolve().parents[2] / "resources" / "symbols"


@pytest.fixture(scope="module")
def universe() -> SymbolUniverse:
    return SymbolUniverse.from_files([SYMBOLS_DIR / "us.csv", SYMBOLS_DIR / "hk.csv"])


def test_the_bundled_files_hold_at_least_500_us_and_80_hk_listings(
    universe: SymbolUniverse,
) -> None:
    markets = [entry.symbol.market for entry in universe.entries()]
    assert markets.count(Market.US) >= 500
    assert markets.count(Market.HK) >= 80
    hsi = [e for e in universe.entries() if "HSI" in e.indices]
    assert len(hsi) >= 70


def test_each_file_says_where_it_comes_from_and_that_it_is_best_effort() -> None:
    for name in ("us.csv", "hk.csv"):
        head = (SYMBOLS_DIR / name).read_text(encoding="utf-8").split("\nsymbol,", 1)[0]
        assert "2026-11" in head and "best-effort" in head.lower() and "change" in head


def test_hk_listings_have_board_lots_and_chinese_names(universe: SymbolUniverse) -> None:
    tencent = universe.get(Symbol.parse("700"))
    assert tencent is not None
    assert tencent.name.startswith("Tencent") and tencent.name_zh == "腾讯控股"
    assert tencent.lot_size == 100
    assert "lot 100" in tencent.detail and "Hang Seng" in tencent.detail
    hsbc = universe.get(Symbol.parse("5"))
    assert hsbc is not None and hsbc.lot_size == 400
    assert all(e.lot_size >= 1 for e in universe.entries())


def test_us_listings_carry_their_index_membership(universe: SymbolUniverse) -> None:
    apple = universe.get(Symbol.parse("AAPL"))
    assert apple is not None and set(apple.indices) == {"SPX", "NDX"}
    assert "S&P 500" in apple.detail and "Nasdaq-100" in apple.detail
    assert universe.name_of("BRK.B.US").startswith("Berkshire")
    assert universe.name_of("not a symbol") == "" and universe.name_of("ZZZZ") == ""


def test_a_bad_line_is_reported_with_its_file_and_line_number() -> None:
    text = "# comment\nsymbol,name\nAAPL,Apple\n$$$,Bad\n"
    with pytest.raises(UniverseError, match=r"us\.csv line 4"):
        parse_universe_csv(text, "us.csv")
    with pytest.raises(UniverseError, match="listed twice"):
        parse_universe_csv("symbol,name\nAAPL,Apple\naapl.us,Apple again\n")
    with pytest.raises(UniverseError, match="header"):
        parse_universe_csv("code,title\nAAPL,Apple\n")


def test_quoted_names_with_commas_and_missing_files_are_fine(tmp_path: Path) -> None:
    listed = parse_universe_csv('symbol,name,lot_size\n700,"Tencent, Holdings",100\n')
    assert listed[0].name == "Tencent, Holdings" and listed[0].code == "00700.HK"
    assert len(SymbolUniverse.from_files([tmp_path / "missing.csv"])) == 0

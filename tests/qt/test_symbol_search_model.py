"""SymbolSearchModel: hits as rows, roles for the delegate, draggable as symbols, qtmodeltester."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester

from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse, parse_universe_csv
from desktop.qt.symbol_mime import read_symbols
from desktop.qt.symbol_search_model import (
    DETAIL_ROLE,
    NAME_ROLE,
    ON_LIST_ROLE,
    SYMBOL_ROLE,
    SymbolSearchModel,
)

CSV = "symbol,name,name_zh,lot_size,indices\n700,Tencent Holdings,腾讯控股,100,HSI\nTME,Tencent Music,,1,\n"


def model() -> SymbolSearchModel:
    return SymbolSearchModel(SymbolMatcher(SymbolUniverse(parse_universe_csv(CSV))))


def test_a_query_fills_rows_with_codes_names_and_details(qtmodeltester: ModelTester) -> None:
    m = model()
    qtmodeltester.check(m)
    m.set_query("tencent")
    qtmodeltester.check(m)
    assert m.rowCount() == 2
    first = m.index(0)
    assert first.data(SYMBOL_ROLE) == "00700.HK" and first.data(NAME_ROLE) == "Tencent Holdings"
    assert first.data(DETAIL_ROLE) == "Hang Seng · lot 100"
    assert first.data() == "00700.HK  Tencent Holdings"
    assert "腾讯控股" in first.data(0x03)  # ToolTipRole
    m.set_query("")
    assert m.rowCount() == 0


def test_an_unlisted_code_explains_itself_and_on_list_marks_follow(
    qtmodeltester: ModelTester,
) -> None:
    m = model()
    m.set_query("zzzz")
    assert m.index(0).data(SYMBOL_ROLE) == "ZZZZ.US"
    assert "Not in the bundled list" in m.index(0).data(DETAIL_ROLE)
    m.set_query("tencent")
    m.set_on_list(["00700.HK"])
    assert m.index(0).data(ON_LIST_ROLE) is True and m.index(1).data(ON_LIST_ROLE) is False
    qtmodeltester.check(m)


def test_dragged_hits_carry_their_symbols_without_a_source_list() -> None:
    m = model()
    m.set_query("tencent")
    payload = read_symbols(m.mimeData([m.index(1), m.index(0)]))
    assert payload is not None
    assert payload.symbols == ("00700.HK", "TME.US") and payload.source_list is None
    assert m.supportedDragActions().name == "CopyAction"

"""The fuzzy matcher: the issue's examples, ranking tiers, HK zeros, and codes outside the universe."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.symbol_search import MatchKind, SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse, parse_universe_csv

SYMBOLS_DIR = Path(__file__).resolve().parents[2] / "resources" / "symbols"


@pytest.fixture(scope="module")
def matcher() -> SymbolMatcher:
    files = [SYMBOLS_DIR / "us.csv", SYMBOLS_DIR / "hk.csv"]
    return SymbolMatcher(SymbolUniverse.from_files(files))


def codes(matcher: SymbolMatcher, query: str, n: int = 5) -> list[str]:
    return [hit.code for hit in matcher.search(query)[:n]]


@pytest.mark.parametrize(
    ("query", "first"),
    [("tencent", "00700.HK"), ("700", "00700.HK"), ("aapl", "AAPL.US"), ("AAPL", "AAPL.US")],
)
def test_the_issue_examples_come_first(matcher: SymbolMatcher, query: str, first: str) -> None:
    assert codes(matcher, query)[0] == first


def test_alibaba_finds_both_the_hk_and_the_us_listing(matcher: SymbolMatcher) -> None:
    found = codes(matcher, "alibaba", 3)
    assert "09988.HK" in found and "BABA.US" in found


@pytest.mark.parametrize("query", ["700", "0700", "00700", "700.hk", "00700.HK", "hk-700"])
def test_hk_codes_match_with_or_without_leading_zeros(matcher: SymbolMatcher, query: str) -> None:
    hit = matcher.search(query)[0]
    assert hit.code == "00700.HK" and hit.kind is MatchKind.EXACT


def test_prefix_beats_substring_beats_subsequence() -> None:
    universe = SymbolUniverse(
        parse_universe_csv(
            "symbol,name\nAAA,Nimbus Tencent Partners\nBBB,Tencent Holdings\nCCC,Tie Encrypt Net Tools\n"
        )
    )
    hits = SymbolMatcher(universe).search("tencent")
    kinds = {hit.code: hit.kind for hit in hits}
    assert [hit.code for hit in hits] == ["BBB.US", "AAA.US"]
    assert kinds["BBB.US"] is MatchKind.NAME_PREFIX
    assert kinds["AAA.US"] is MatchKind.NAME_WORD_PREFIX
    subsequence = SymbolMatcher(universe).search("tncnt")
    assert [hit.code for hit in subsequence] == ["BBB.US", "TNCNT.US"]
    assert subsequence[0].kind is MatchKind.SUBSEQUENCE


def test_code_prefixes_rank_above_name_matches(matcher: SymbolMatcher) -> None:
    hits = matcher.search("goog")
    assert [h.code for h in hits[:2]] == ["GOOG.US", "GOOGL.US"]
    assert hits[1].kind is MatchKind.CODE_PREFIX


def test_index_members_rank_first_at_equal_match_quality(matcher: SymbolMatcher) -> None:
    assert codes(matcher, "tencent", 2) == ["00700.HK", "TME.US"]


def test_several_words_each_match_the_start_of_a_word(matcher: SymbolMatcher) -> None:
    assert "00388.HK" in codes(matcher, "hong kong exch")
    assert "00700.HK" in codes(matcher, "腾讯")


def test_a_well_formed_code_outside_the_universe_is_offered_last(matcher: SymbolMatcher) -> None:
    hits = matcher.search("zzzz")
    assert [(h.code, h.kind) for h in hits] == [("ZZZZ.US", MatchKind.UNLISTED)]
    assert hits[0].listing is None and hits[0].name == ""
    apple = matcher.search("apple")
    assert apple[0].code == "AAPL.US" and apple[-1].kind is MatchKind.UNLISTED


def test_nonsense_and_empty_queries_find_nothing(matcher: SymbolMatcher) -> None:
    assert matcher.search("$$$") == []
    assert matcher.search("   ") == []
    assert matcher.best("") is None
    assert len(matcher.search("a", limit=7)) == 7

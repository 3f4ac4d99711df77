from __future__ import annotations

import pytest

from desktop.domain.symbols import Market, Symbol, SymbolError, parse_symbols


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("aapl", "AAPL.US"),
        (" AAPL.us ", "AAPL.US"),
        ("700.hk", "00700.HK"),
        ("0700.HK", "00700.HK"),
        ("00700.HK", "00700.HK"),
        ("700", "00700.HK"),
        ("9988.HK", "09988.HK"),
        ("HK-1288", "01288.HK"),
        ("BRK.B.US", "BRK.B.US"),
        ("brk.b", "BRK.B.US"),
        ("BRK-B", "BRK.B.US"),
    ],
)
def test_user_text_is_normalised_to_the_canonical_symbol(text: str, canonical: str) -> None:
    assert str(Symbol.parse(text)) == canonical


@pytest.mark.parametrize(
    "text", ["", "   ", "$$$", "AAPL.XX", "123456", "0.HK", "A1B2", "TOOLONGTICKER"]
)
def test_garbage_is_rejected_with_a_sentence_a_user_can_read(text: str) -> None:
    with pytest.raises(SymbolError) as info:
        Symbol.parse(text)
    message = str(info.value)
    assert message.endswith(".")
    assert "symbol" in message or "code" in message


def test_hk_codes_go_on_the_wire_without_leading_zeros() -> None:
    assert Symbol.parse("00005.HK").wire == "5.HK"
    assert Symbol.parse("AAPL").wire == "AAPL.US"
    assert Symbol.from_wire("700.HK") == Symbol("00700", Market.HK)


def test_free_text_from_another_app_splits_into_symbols_and_messages() -> None:
    symbols, errors = parse_symbols("AAPL, MSFT 700.HK;;aapl  ???")
    assert [str(s) for s in symbols] == ["AAPL.US", "MSFT.US", "00700.HK"]
    assert len(errors) == 1 and "???" in errors[0]


def test_markets_know_their_time_zone_and_currency() -> None:
    assert Market.HK.timezone == "Asia/Hong_Kong" and Market.HK.currency == "HKD"
    assert Market.US.timezone == "America/New_York" and Market.US.currency == "USD"


@pytest.mark.parametrize("text", ["ſpy", "７００", "٧٠٠", "ＡＡＰＬ", "AAPL\u200b"])
def test_look_alike_characters_are_refused_never_folded_into_a_real_symbol(text: str) -> None:
    with pytest.raises(SymbolError, match="only look like letters or digits"):
        Symbol.parse(text)


def test_a_look_alike_in_free_text_is_reported_and_the_rest_kept() -> None:
    found, errors = parse_symbols("AAPL ſpy 700")
    assert [str(s) for s in found] == ["AAPL.US", "00700.HK"]
    assert len(errors) == 1 and "ſ" in errors[0]

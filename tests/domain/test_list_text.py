"""Import/export text: CSV and plain text in, errors naming their lines, nothing half-imported."""

from __future__ import annotations

import pytest

from desktop.domain.list_text import ListFormat, ListParseError, format_list, parse_list


def codes(text: str, fmt: ListFormat) -> list[str]:
    return [str(s) for s in parse_list(text, fmt).symbols]


def test_plain_text_takes_any_separator_comments_and_hk_codes() -> None:
    text = "AAPL, MSFT 700.HK\n# my picks\n\nnvda;9988  # alibaba\n"
    assert codes(text, ListFormat.TXT) == ["AAPL.US", "MSFT.US", "00700.HK", "NVDA.US", "09988.HK"]


def test_csv_uses_the_symbol_column_wherever_it_is() -> None:
    text = 'name,symbol\n"Apple, Inc.",AAPL\nTencent,700\n'
    assert codes(text, ListFormat.CSV) == ["AAPL.US", "00700.HK"]
    assert codes("AAPL,Apple\n00700.HK,Tencent\n", ListFormat.CSV) == ["AAPL.US", "00700.HK"]


def test_duplicates_are_kept_once_and_counted() -> None:
    parsed = parse_list("AAPL\naapl.us\nMSFT\n", ListFormat.TXT)
    assert [str(s) for s in parsed.symbols] == ["AAPL.US", "MSFT.US"] and parsed.duplicates == 1


def test_a_bad_line_is_named_and_nothing_is_imported() -> None:
    with pytest.raises(ListParseError) as caught:
        parse_list("AAPL\nMSFT\n$$$\n", ListFormat.TXT, "tech.txt")
    assert "tech.txt line 3" in str(caught.value) and "Nothing was imported" in str(caught.value)
    with pytest.raises(ListParseError, match="tech.csv line 3"):
        parse_list("symbol,name\nAAPL,Apple\n,Empty\n", ListFormat.CSV, "tech.csv")


def test_many_bad_lines_are_summarised() -> None:
    text = "\n".join(["!!"] * 9)
    with pytest.raises(ListParseError) as caught:
        parse_list(text, ListFormat.TXT, "x.txt")
    message = str(caught.value)
    assert "x.txt line 5" in message and "x.txt line 6" not in message and "4 more" in message
    assert len(caught.value.problems) == 9


def test_binary_files_and_headers_without_a_symbol_column_are_refused() -> None:
    with pytest.raises(ListParseError, match="binary"):
        parse_list("AAPL\x00\x01", ListFormat.TXT)
    with pytest.raises(ListParseError, match="line 1: the header has no symbol column"):
        parse_list("name,price\nApple,1\n", ListFormat.CSV)


def test_export_round_trips_through_import() -> None:
    symbols = ["AAPL.US", "00700.HK", "BRK.B.US"]
    names = {"AAPL.US": "Apple, Inc."}.get
    csv_text = format_list(symbols, ListFormat.CSV, lambda code: names(code) or "")
    assert csv_text.splitlines()[:2] == ["symbol,name", 'AAPL.US,"Apple, Inc."']
    assert codes(csv_text, ListFormat.CSV) == symbols
    txt = format_list(symbols, ListFormat.TXT)
    assert txt == "AAPL.US\n00700.HK\nBRK.B.US\n" and codes(txt, ListFormat.TXT) == symbols
    assert ListFormat.for_filename("a.CSV") is ListFormat.CSV
    assert ListFormat.for_filename("a.txt") is ListFormat.TXT


def test_text_above_the_size_limit_is_refused_before_parsing() -> None:
    from desktop.domain.list_text import MAX_LIST_BYTES

    with pytest.raises(ListParseError, match="stdin: the file is 8.0 MB; .* at most 8 MB"):
        parse_list("A" * (MAX_LIST_BYTES + 1), ListFormat.TXT, "stdin")


def test_progress_is_reported_while_a_long_list_is_parsed() -> None:
    seen: list[float] = []
    text = "".join(f"{n}.HK\n" for n in range(1, 9001))
    parsed = parse_list(text, ListFormat.TXT, "long.txt", seen.append)
    assert len(parsed.symbols) == 9000 and len(seen) == 2 and 0 < seen[0] < seen[1] < 1

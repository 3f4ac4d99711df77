"""Import files are read as UTF-8 with reasons for failures; exports are written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.list_text import ListParseError
from desktop.persistence.list_files import read_list_file, write_list_file


def test_exports_are_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    write_list_file(target, "symbol,name\n")
    assert target.read_text(encoding="utf-8") == "symbol,name\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_byte_order_mark_is_dropped_and_bad_bytes_name_their_line(tmp_path: Path) -> None:
    good = tmp_path / "excel.csv"
    good.write_bytes(b"\xef\xbb\xbfsymbol\nAAPL\n")
    assert read_list_file(good) == "symbol\nAAPL\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"AAPL\nMSFT\n\xff\n")
    with pytest.raises(ListParseError, match="bad.txt line 3: not UTF-8 text"):
        read_list_file(bad)
    with pytest.raises(ListParseError, match="No such file"):
        read_list_file(tmp_path / "missing.txt")

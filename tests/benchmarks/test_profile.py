"""A py-spy raw profile is read into self and inclusive shares per function."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.profile import read_profile


def test_samples_count_once_per_function_whatever_the_line(tmp_path: Path) -> None:
    raw = tmp_path / "ours.txt"
    raw.write_text(
        "main (a.py:1);loop (a.py:5);decode (codec.py:10) 6\n"
        "main (a.py:1);loop (a.py:7);decode (codec.py:12) 2\n"
        "main (a.py:1);loop (a.py:9);paint (view.py:3);loop (a.py:5) 2\n"
        "a line py-spy never writes\n"
    )
    profile = read_profile(raw)
    assert profile.total == 10
    assert profile.top(profile.self_samples, 2) == [
        ("decode (codec.py)", pytest.approx(80.0)),
        ("loop (a.py)", pytest.approx(20.0)),
    ]
    inclusive = dict(profile.top(profile.inclusive, 10))
    assert inclusive["loop (a.py)"] == pytest.approx(100.0)  # recursion counts once per stack
    assert inclusive["paint (view.py)"] == pytest.approx(20.0)

from __future__ import annotations

from benchmarks.frame_fuzz import main, run_fuzz


def test_twenty_thousand_fuzzed_frames_through_decoder_and_book_escape_nothing() -> None:
    result = run_fuzz(20_000, seed=7)
    assert result.escapes == 0, result.first_escape
    assert result.frames == 20_000
    # The run is not vacuous: it reaches the book and the hostile shapes the codec must count.
    assert result.accepted > 2_000
    for kind in ("RecursionError", "binary frame", "tick_time is in the future", "DecodeError"):
        assert result.bad_kinds.get(kind, 0) > 0, (kind, result.bad_kinds)


def test_the_reliability_entry_prints_the_fuzz_count(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["3000"]) == 0
    out = capsys.readouterr().out
    assert "3,000 frames" in out and "0 escapes" in out

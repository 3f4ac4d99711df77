from __future__ import annotations

from pathlib import Path

from benchmarks.poison_rows import main, run_cases


def test_every_poison_case_records_every_good_row_and_keeps_recording(tmp_path: Path) -> None:
    results = run_cases(tmp_path)
    assert len(results) == 5
    for result in results:
        assert result.ok, result
    assert [r.rejected for r in results] == [1, 1, 1, 4, 0]
    assert results[-1].note.startswith("moved aside as ticks.db.corrupt-")


def test_the_reliability_entry_prints_the_poison_table(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 0
    out = capsys.readouterr().out
    assert (
        "Recorder poison rows:" in out
        and "| seq above 2^63 | 4,001 | 4,000 of 4,000 | 1 | yes |" in out
    )

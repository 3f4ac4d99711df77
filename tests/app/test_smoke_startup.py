"""`--smoke` reports how long the window and the first price took from launch, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_smoke_sources import report_of, start_smoke


def test_smoke_reports_the_window_then_the_first_price_in_seconds_from_launch(
    tmp_path: Path,
) -> None:
    code, report, err = report_of(start_smoke(5, "--data-dir", str(tmp_path)))
    assert code == 0, err[-2000:]
    shown, priced = report["window_shown_s"], report["first_price_s"]
    assert isinstance(shown, float) and isinstance(priced, float)
    assert 0 < shown < priced  # the window is painted before a painted row can show a price
    assert 0 < report["window_shown_cpu_s"] <= report["first_price_cpu_s"]
    assert report["rows_with_price"] > 0
    # garbage is collected by the GUI thread's timer (automatic collection is off while it runs)
    assert report["gc_collections"] > 0 and report["gc_longest_ms"] >= 0

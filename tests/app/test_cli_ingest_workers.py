"""`--ingest-workers N`: parsed and bounded, implies `--ingest process`, refused with `--ingest
loop`, and a smoke run with it says how many workers it was given and prices every row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.__main__ import _app_config, build_parser, main
from desktop.app.config import AppConfig, ConfigError
from desktop.feed.timing import IngestMode
from tests.feed.test_ingest_process import smoke_report


def _config(*argv: str) -> AppConfig:
    return _app_config(build_parser().parse_args(list(argv)))


def test_without_either_flag_the_feed_runs_on_the_loop() -> None:
    config = _config()
    assert config.ingest is IngestMode.LOOP and config.ingest_workers == 1


def test_workers_imply_process_mode() -> None:
    config = _config("--ingest-workers", "4")
    assert config.ingest is IngestMode.PROCESS and config.ingest_workers == 4
    assert _config("--ingest", "process", "--ingest-workers", "2").ingest_workers == 2
    assert _config("--ingest", "process").ingest_workers == 1


def test_workers_with_the_loop_are_refused_with_a_sentence() -> None:
    with pytest.raises(ConfigError, match="cannot be combined with --ingest loop"):
        _config("--ingest", "loop", "--ingest-workers", "2")


@pytest.mark.parametrize("count", ["0", "11", "-1"])
def test_a_worker_count_out_of_range_is_refused(
    count: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--smoke", "1", "--ingest-workers", count])
    assert exit_info.value.code == 2  # argparse's usage error, before any window
    assert "--ingest-workers must be between 1 and 10" in capsys.readouterr().err


def test_a_smoke_run_with_two_workers_reports_them_and_prices_every_row(tmp_path: Path) -> None:
    report: dict[str, Any] = smoke_report(tmp_path, "3", "--ingest-workers", "2")
    assert report["ingest"] == "process" and report["ingest_workers"] == 2
    # The demo's rows fit one connection of its plan, so only worker 1 has one to host.
    assert report["ingest_workers_started"] == 1
    assert report["rows"] > 0 and report["rows_with_price"] == report["rows"]
    assert report["ticks"] > 0 and report["errors"] == 0

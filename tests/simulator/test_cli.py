"""`quoteboard-sim --replay`: arguments in, a replay source out, clear sentences for mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.simulator.cli import build_config, build_replay, main, parse_args
from desktop.simulator.config import always_open
from tests.simulator.test_replay import BASE, record


def test_replay_arguments_build_a_source_over_the_chosen_range(tmp_path: Path) -> None:
    path = tmp_path / "ticks.db"
    record(path, [BASE + 1_000 * n for n in range(10)])
    args = parse_args(
        ["--replay", str(path), "--from", str(BASE // 1000 + 3), "--to", str(BASE + 6_000)]
    )
    replay = build_replay(args)
    assert replay is not None
    wanted = set(replay.symbols())
    pushes = [p for now in (0, 2_000, 10_000_000) for p in replay.pushes(now, 0, wanted, ())]
    assert len(pushes) == 4 and replay.speed == 1.0
    replay.close()


def test_no_replay_means_the_simulated_market(tmp_path: Path) -> None:
    assert build_replay(parse_args([])) is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--speed", "5"], "only work with --replay"),
        (["--replay", "{dir}/missing.db"], "does not exist"),
        (["--replay", "{db}", "--from", "noon"], "is not a time"),
        (["--replay", "{db}", "--from", "2024-05-02T10:00", "--to", "2024-05-02T09:00"], "before"),
        (["--replay", "{db}", "--speed", "-2"], "positive"),
    ],
)
def test_a_bad_replay_command_line_exits_2_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    db = tmp_path / "ticks.db"
    record(db, [BASE, BASE + 10])
    filled = [a.format(dir=tmp_path, db=db) for a in argv]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert err.startswith("quoteboard-sim: ") and message in err


def test_exchange_sessions_trade_us_extended_hours_and_the_default_trades_around_the_clock() -> (
    None
):
    exchange = build_config(parse_args(["--sessions", "exchange"]))
    assert exchange.extended_session is not None
    assert exchange.session is not always_open
    demo = build_config(parse_args([]))
    assert demo.extended_session is None and demo.session is always_open

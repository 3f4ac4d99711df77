"""`--data-dir` goes before or after every subcommand, `token` included, and means the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from desktop.__main__ import main
from desktop.persistence.credentials import KEYRING_SERVICE, KEYRING_USER
from tests.conftest import MemoryKeyring

SECRET = "f00dfeed-0000-4c1d-9e11-cafe00c0ffee"


def both_ways(data: Path, *command: str) -> list[list[str]]:
    """The command with `--data-dir` in front of the subcommand, and after it."""
    return [["--data-dir", str(data), *command], [*command, "--data-dir", str(data)]]


@pytest.mark.parametrize("where", [0, 1], ids=["before", "after"])
def test_the_list_commands_take_data_dir_before_or_after(
    where: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    listing = tmp_path / "tech.txt"
    listing.write_text("AAPL\nMSFT\n", encoding="utf-8")
    assert main(both_ways(data, "import", str(listing), "--into", "Tech")[where]) == 0
    assert main(both_ways(data, "lists")[where]) == 0
    assert main(both_ways(data, "export", "Tech", "--format", "txt")[where]) == 0
    out = capsys.readouterr().out
    assert "Tech\t2" in out and "AAPL.US" in out and "MSFT.US" in out
    assert (data / "quoteboard.db").exists()  # the folder given, not the default one


@pytest.mark.parametrize("where", [0, 1], ids=["before", "after"])
def test_the_token_commands_take_data_dir_before_or_after(
    where: int,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("QUOTEBOARD_TOKEN", raising=False)
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{SECRET}\n"))
    assert main(both_ways(data, "token", "set")[where]) == 0
    assert memory_keyring.store == {(KEYRING_SERVICE, KEYRING_USER): SECRET}
    assert main(both_ways(data, "token", "status")[where]) == 0
    assert main(both_ways(data, "token", "clear")[where]) == 0
    assert memory_keyring.store == {}
    out = capsys.readouterr()
    assert "Token stored" in out.out and "Token removed" in out.out
    assert SECRET not in out.out + out.err


def test_the_app_itself_takes_data_dir(tmp_path: Path) -> None:
    """Without a subcommand the option is the app's (parsed, not refused)."""
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(tmp_path), "--dump", str(tmp_path / "x.csv")])
    assert exited.value.code == 2  # --dump without --smoke: refused after parsing the folder

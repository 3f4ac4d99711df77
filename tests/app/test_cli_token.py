"""`quoteboard token set|status|clear`: stdin only, never the token in output, clear exit codes."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from desktop.__main__ import main
from desktop.app.cli_token import run_token_command
from desktop.persistence.credentials import ENV_VAR, KEYRING_SERVICE, KEYRING_USER
from tests.conftest import TIMEOUT_S, MemoryKeyring

SECRET = "f00dfeed-0000-4c1d-9e11-cafe00c0ffee"
KEY = (KEYRING_SERVICE, KEYRING_USER)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(action: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_token_command(
        action,
        stdin=io.StringIO(stdin),
        stdout=out,
        stderr=err,
        environ=env or {},
        timeout_s=TIMEOUT_S,
    )
    text = out.getvalue() + err.getvalue()
    assert SECRET not in text
    return code, text


def test_set_reads_a_piped_token_then_status_and_clear_report_without_showing_it(
    memory_keyring: MemoryKeyring,
) -> None:
    code, text = run("set", f"{SECRET}\n")
    assert code == 0 and "Token stored in the keyring" in text
    assert memory_keyring.store == {KEY: SECRET}
    code, text = run("status")
    assert code == 0
    assert "Keyring backend:" in text and "tests.conftest.MemoryKeyring" in text
    assert "Token: stored in the keyring" in text
    code, text = run("clear")
    assert code == 0 and "Token removed from the keyring." in text
    assert memory_keyring.store == {}
    code, text = run("status")
    assert code == 1 and "Token: none stored" in text
    assert run("clear") == (0, "No token was stored.\n")


def test_on_a_terminal_set_prompts_without_echo(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str, stream: object = None) -> str:
        prompts.append(prompt)
        return SECRET

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    out, err = io.StringIO(), io.StringIO()
    code = run_token_command("set", stdin=_Tty(), stdout=out, stderr=err, environ={})
    assert code == 0 and prompts and "hidden" in prompts[0]
    assert memory_keyring.store == {KEY: SECRET}


@pytest.mark.parametrize(("given", "words"), [("", "Enter your API token"), ("a b", "no spaces")])
def test_set_refuses_an_empty_or_malformed_token_and_stores_nothing(
    memory_keyring: MemoryKeyring, given: str, words: str
) -> None:
    code, text = run("set", given)
    assert code == 1 and words in text and "Nothing was stored." in text
    assert memory_keyring.store == {} and "set" not in memory_keyring.calls


def test_without_a_keyring_set_explains_and_points_to_the_alternatives() -> None:
    code, text = run("set", SECRET)  # the suite's default backend: none
    assert code == 2
    assert "The token was not stored: No secure keyring is available" in text
    assert ENV_VAR in text and "Use for this session only" in text
    code, text = run("status")
    assert code == 2 and "Keyring: not usable." in text


def test_the_environment_override_is_reported_by_status(memory_keyring: MemoryKeyring) -> None:
    code, text = run("status", env={ENV_VAR: SECRET})
    assert code == 0 and f"{ENV_VAR} is set: this run uses it and ignores the keyring." in text
    code, text = run("set", SECRET, env={ENV_VAR: SECRET})
    assert code == 0 and "overrides the keyring" in text


def test_a_token_given_as_an_argument_is_refused_and_not_echoed(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["token", "set", SECRET])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert "reads the token from standard input" in captured.err
    assert memory_keyring.store == {}


def test_the_console_script_runs_the_token_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "token", "status"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 6,
        env={"PATH": "/usr/bin:/bin", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    )
    assert done.returncode == 2, done.stderr
    assert "Keyring backend: disabled (keyring.backends.null.Keyring)" in done.stdout

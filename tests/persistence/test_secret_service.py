"""Against a real Secret Service: gnome-keyring-daemon in its own D-Bus session with a fresh HOME.

Runs the real `quoteboard token` commands and the app's async calls in child processes, then
checks that the token never reached a file in plain text. CI (QB_REQUIRE_SYSTEM=1) fails when
gnome-keyring or dbus-run-session is missing instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import TIMEOUT_S, need_system

pytestmark = pytest.mark.system

SECRET = "f00dfeed-0000-4c1d-9e11-cafe00c0ffee"

_SESSION = textwrap.dedent(
    """
    printf %s "$QB_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    step() { echo "== $1"; shift; "$@" 2>&1; echo "rc=$?"; }
    printf %s "$QB_TOKEN_UNDER_TEST" | step set "$PYTHON" -m desktop token set
    step status "$PYTHON" -m desktop token status
    step async "$PYTHON" -c "$QB_ASYNC_CHECK"
    step clear "$PYTHON" -m desktop token clear
    step status-after "$PYTHON" -m desktop token status
    printf %s "$QB_TOKEN_UNDER_TEST" | step set-again "$PYTHON" -m desktop token set
    """
)

# The app's path: the async calls on a worker thread, with a deadline.
_ASYNC_CHECK = textwrap.dedent(
    """
    import asyncio, os
    from desktop.persistence import credentials as c
    async def main():
        lookup = await c.load_token_async({}, 20)
        print("read-back", lookup.token == os.environ["QB_TOKEN_UNDER_TEST"], lookup.source)
        print("backend", (await c.backend_info_async(20)).name)
    asyncio.run(main())
    """
)


def _run_session(home: Path, password: str) -> str:
    need_system(
        bool(shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")),
        "gnome-keyring-daemon and dbus-run-session (apt-get install gnome-keyring dbus)",
    )
    runtime = home / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "share"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHON": sys.executable,
        "QB_KEYRING_PASSWORD": password,
        "QB_TOKEN_UNDER_TEST": SECRET,
        "QB_ASYNC_CHECK": _ASYNC_CHECK,
    }  # no DISPLAY: an unlock prompt cannot be shown, so a locked keyring stays locked
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", _SESSION],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=TIMEOUT_S * 12,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert SECRET not in done.stdout and SECRET not in done.stderr
    return done.stdout


def _steps(output: str) -> dict[str, str]:
    steps: dict[str, str] = {}
    for block in output.split("== ")[1:]:
        name, _, body = block.partition("\n")
        steps[name.strip()] = body
    return steps


def test_the_token_round_trips_through_a_real_secret_service_and_no_file_holds_it(
    tmp_path: Path,
) -> None:
    steps = _steps(_run_session(tmp_path, "correct horse"))
    assert (
        "Token stored in the keyring (Secret Service)." in steps["set"] and "rc=0" in steps["set"]
    )
    assert (
        "Keyring backend: Secret Service (keyring.backends.SecretService.Keyring)"
        in steps["status"]
    )
    assert "Token: stored in the keyring" in steps["status"] and "rc=0" in steps["status"]
    assert "read-back True keyring" in steps["async"] and "backend Secret Service" in steps["async"]
    assert "Token removed from the keyring." in steps["clear"]
    assert "Token: none stored" in steps["status-after"] and "rc=1" in steps["status-after"]
    assert "rc=0" in steps["set-again"]
    keyrings = list((tmp_path / "share" / "keyrings").glob("*.keyring"))
    assert keyrings, "gnome-keyring wrote no keyring file: the daemon did not store anything"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"plain-text token in {path}"


def test_a_locked_keyring_is_reported_and_nothing_is_stored(tmp_path: Path) -> None:
    _run_session(tmp_path, "first password")  # creates login.keyring with this password
    steps = _steps(_run_session(tmp_path, "another password"))  # cannot unlock it
    assert "The token was not stored: The keyring is locked" in steps["set"]
    assert "rc=2" in steps["set"]
    assert "Keyring: could not be read. The keyring is locked" in steps["status"]
    assert "read-back False None" in steps["async"]

"""A known fake token goes through connect, fail and log paths; then nothing may contain it.

Every log record of the run (httpx, httpcore and websockets at DEBUG included) goes through the
app's own redacting handler; every file in the data folder, the captured log text and the
process's command line are then searched for the token. A raw, unredacted capture of the same
records proves the run did produce lines that would have leaked it.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.errors import PasswordSetError

from desktop.app.cli_token import run_token_command
from desktop.app.report import redacting_handler
from desktop.domain.feed_status import FeedState
from desktop.persistence.database import Database
from desktop.persistence.paths import DB_FILENAME, resolve_data_dir
from desktop.protocol.plans import Plan
from tests.app.settings.conftest import GOOD, KEY, Harness
from tests.conftest import MemoryKeyring

WRONG = "wrong-token-0000-ffff"
NOISY = ("websockets", "websockets.client", "httpx", "httpcore", "desktop", "asyncio")


class _Raw(logging.Handler):
    """Keeps what each record would say unredacted (runs before the app's handler)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def captured() -> Iterator[tuple[_Raw, io.StringIO]]:
    raw, text = _Raw(), io.StringIO()
    root = logging.getLogger()
    app_handler = redacting_handler(text)
    app_handler.setLevel(logging.DEBUG)
    levels = {name: logging.getLogger(name).level for name in NOISY}
    old_root = root.level
    root.addHandler(raw)  # first: sees records before the app's filter rewrites them
    root.addHandler(app_handler)
    root.setLevel(logging.DEBUG)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield raw, text
    root.removeHandler(raw)
    root.removeHandler(app_handler)
    root.setLevel(old_root)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_the_token_never_reaches_the_data_folder_the_logs_or_argv(
    h: Harness,
    memory_keyring: MemoryKeyring,
    captured: tuple[_Raw, io.StringIO],
    tmp_path: Path,
) -> None:
    raw, text = captured
    data_dir = resolve_data_dir(tmp_path / "data")
    db = Database(data_dir / DB_FILENAME)
    h.store = db
    memory_keyring.store[KEY] = GOOD
    h.save_settings(h.live_settings(plan=Plan.PROFESSIONAL))
    log = logging.getLogger("desktop.crash")

    async def body() -> None:
        # connect: WS handshake and REST snapshots with the token in their URLs
        controller = await h.start()
        await h.until(lambda: h.statuses[-1].state is FeedState.LIVE, "a live feed")
        await h.until(lambda: h.runner.frames() > 20, "frames")
        dialog = controller.open_dialog()
        # probe with the working token (the board pauses itself), then with a wrong one
        dialog.test_button.click()
        await h.until(lambda: dialog.test_result_text().startswith("✔"), "a good probe")
        dialog.token_edit.setText(WRONG)
        dialog.test_button.click()
        await h.until(lambda: dialog.test_result_text().startswith("✖"), "a rejected probe")
        # fail: save the wrong token; the feed gets a 401 and the dialog opens with the reason
        dialog.save_button.click()
        await h.until(lambda: h.statuses[-1].state is FeedState.TOKEN_REJECTED, "a 401")
        await h.until(lambda: dialog.isVisible(), "the dialog again")
        assert memory_keyring.store[KEY] == WRONG
        # the keyring refuses, with the token in its own error text; then session-only
        memory_keyring.fail_with = PasswordSetError(f"could not store {GOOD}")
        dialog.token_edit.setText(GOOD)
        dialog.save_button.click()
        await h.until(lambda: dialog.session_only_text() is not None, "the session offer")
        dialog.session_button.click()
        await h.until(lambda: h.statuses[-1].state is FeedState.LIVE, "live again")
        # crash-report path: tracebacks carrying the token, as a URL and bare
        try:
            raise RuntimeError(f"wss://host/quote-stock-b-ws-api?token={GOOD} failed; {WRONG}")
        except RuntimeError:
            log.exception("unhandled error")
        memory_keyring.fail_with = None
        controller.open_dialog().forget_button.click()
        await h.until(lambda: h.runner.source is not None and h.runner.source.demo, "demo")

    h.run_test(body)
    cli_out = io.StringIO()
    run_token_command("status", stdout=cli_out, stderr=cli_out, environ={})
    db.close()

    secrets = (GOOD, WRONG)
    raw_text = "\n".join(raw.lines)
    assert f"token={GOOD}" in raw_text and f"token={WRONG}" in raw_text  # the run did try to leak
    logged = text.getvalue()
    assert "token=***" in logged and "Traceback" in logged
    for secret in secrets:
        assert secret not in logged
        assert secret not in cli_out.getvalue()
        assert all(secret not in arg for arg in sys.argv)
        assert secret.encode() not in Path("/proc/self/cmdline").read_bytes()
        files = [path for path in tmp_path.rglob("*") if path.is_file()]
        assert any(path.name == DB_FILENAME for path in files)
        for path in files:
            assert secret.encode() not in path.read_bytes(), f"{secret} in {path}"
    assert h.controller is not None and h.controller.dialog is not None
    assert h.controller.dialog.token_edit.text() == ""  # a closed dialog keeps no secret

"""The settings flow end to end under qasync: start-up choice, 401 → dialog, Save/Forget/Test, no keyring."""

from __future__ import annotations

import threading
import time

from keyring.errors import KeyringLocked

from desktop.app.settings_controller import (
    SETTINGS_KEY,
)
from desktop.domain.feed_status import FeedState
from desktop.domain.quote_book import QuoteState
from desktop.persistence.credentials import ENV_VAR
from desktop.protocol.plans import Plan
from desktop.protocol.provider_settings import Provider, ProviderSettings
from tests.app.settings.conftest import BAD, GOOD, KEY, ONE_CONNECTION, Harness
from tests.conftest import TIMEOUT_S, MemoryKeyring


def test_with_no_token_the_board_starts_on_the_simulator_with_the_demo_badge(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    async def body() -> None:
        controller = await h.start()
        assert h.runner.source is not None and h.runner.source.demo
        assert h.statuses and h.statuses[-1].demo
        assert controller.dialog is None  # nothing to ask the user
        assert memory_keyring.calls == ["get"]

    h.run_test(body)


def test_a_stored_token_starts_live_data_from_the_configured_host(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = GOOD
    h.save_settings(h.live_settings(plan=Plan.PREMIUM))

    async def body() -> None:
        await h.start()
        source = h.runner.source
        assert source is not None and not source.demo
        assert source.ws_url == h.live_url and source.token == GOOD
        assert source.plan is Plan.PREMIUM
        await h.until(lambda: h.statuses[-1].state is FeedState.LIVE, "a live feed")
        assert not h.statuses[-1].demo

    h.run_test(body)


def test_the_environment_variable_overrides_the_keyring_for_this_run(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = BAD
    h.environ[ENV_VAR] = GOOD
    h.save_settings(h.live_settings())

    async def body() -> None:
        controller = await h.start()
        assert h.runner.source is not None and h.runner.source.token == GOOD
        assert memory_keyring.calls == []
        text = controller.open_dialog().token_state_text()
        assert ENV_VAR in text and "overrides the keyring" in text

    h.run_test(body)


def test_a_rejected_token_opens_the_settings_dialog_with_the_reason(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = BAD
    h.save_settings(h.live_settings())

    async def body() -> None:
        controller = await h.start()
        await h.until(
            lambda: controller.dialog is not None and controller.dialog.isVisible(), "the dialog"
        )
        dialog = h.dialog()
        assert not dialog.isModal()
        reason = dialog.reason_text()
        assert reason is not None and "rejected your API token (HTTP 401)" in reason
        assert h.statuses[-1].state is FeedState.TOKEN_REJECTED
        dialog.reject()
        controller.on_status(h.statuses[-1])
        assert not dialog.isVisible()  # once per feed: closing it is respected

    h.run_test(body)


def test_saving_a_new_token_stores_it_in_the_keyring_and_goes_live_without_a_restart(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    async def body() -> None:
        controller = await h.start()
        assert h.runner.source is not None and h.runner.source.demo
        dialog = controller.open_dialog()
        dialog.host_box.setCurrentText(h.live_settings().host)
        dialog.token_edit.setText(GOOD)
        dialog.save_button.click()
        await h.until(lambda: h.runner.source is not None and not h.runner.source.demo, "live")
        assert memory_keyring.store == {KEY: GOOD}
        stored = h.store.values[SETTINGS_KEY]
        assert GOOD not in stored
        assert ProviderSettings.from_json(stored) == h.live_settings()
        assert not dialog.isVisible() and dialog.token_edit.text() == ""
        await h.until(lambda: h.statuses[-1].state is FeedState.LIVE, "a live status")
        assert not h.statuses[-1].demo

    h.run_test(body)


def test_choosing_the_simulator_goes_back_to_demo_data(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = GOOD
    h.save_settings(h.live_settings())

    async def body() -> None:
        controller = await h.start()
        dialog = controller.open_dialog()
        dialog.provider_box.setCurrentIndex(dialog.provider_box.findData(Provider.SIMULATOR))
        dialog.save_button.click()
        await h.until(lambda: h.runner.source is not None and h.runner.source.demo, "demo")
        assert h.statuses[-1].demo
        assert memory_keyring.store == {KEY: GOOD}  # the token stays for later
        saved = ProviderSettings.from_json(h.store.values[SETTINGS_KEY])
        assert saved.provider is Provider.SIMULATOR

    h.run_test(body)


def test_without_a_keyring_the_token_can_be_used_for_this_session_only(h: Harness) -> None:
    async def body() -> None:
        controller = await h.start()  # the suite's default keyring: none at all
        dialog = controller.open_dialog()
        dialog.host_box.setCurrentText(h.live_settings().host)
        dialog.token_edit.setText(GOOD)
        dialog.save_button.click()
        await h.until(lambda: dialog.session_only_text() is not None, "the session-only offer")
        assert "No secure keyring is available" in (dialog.session_only_text() or "")
        assert h.runner.source is not None and h.runner.source.demo  # nothing changed yet
        dialog.session_button.click()
        await h.until(lambda: h.runner.source is not None and not h.runner.source.demo, "live")
        assert controller.token_source == "session" and h.runner.source.token == GOOD
        assert GOOD not in repr(h.store.values)
        assert not dialog.isVisible()

    h.run_test(body)


def test_forget_token_deletes_it_and_returns_to_demo_data(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = GOOD
    h.save_settings(h.live_settings())

    async def body() -> None:
        controller = await h.start()
        dialog = controller.open_dialog()
        assert dialog.forget_button.isVisible()
        dialog.forget_button.click()
        await h.until(lambda: h.runner.source is not None and h.runner.source.demo, "demo")
        assert memory_keyring.store == {}
        assert dialog.message_text() == "✔ Token removed from the keyring."
        assert not dialog.forget_button.isVisible()
        assert "No token stored" in dialog.token_state_text()

    h.run_test(body)


def test_test_connection_reports_the_probe_outcome_in_words(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = GOOD
    port = h.live_url.split(":")[2].split("/")[0]

    async def body() -> None:
        controller = await h.start()  # nothing saved: AllTick's host by default, so demo data
        dialog = controller.open_dialog()
        dialog.host_box.setCurrentText(h.live_settings().host)
        dialog.test_button.click()  # empty field: the stored token
        await h.until(lambda: dialog.test_result_text()[:1] in "✔✖", "a test result")
        assert dialog.test_result_text().startswith(f"✔ Connected to 127.0.0.1:{port} in ")
        assert "heartbeat answered in" in dialog.test_result_text()
        dialog.token_edit.setText(BAD)
        dialog.test_button.click()
        await h.until(lambda: dialog.test_result_text()[:1] in "✔✖", "a second result")
        assert dialog.test_result_text() == "✖ Token rejected (401)"

    h.run_test(body)


def test_testing_the_token_the_board_streams_with_pauses_the_board_on_a_one_connection_plan(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = ONE_CONNECTION
    h.save_settings(h.live_settings(plan=Plan.BASIC))

    async def body() -> None:
        controller = await h.start()
        await h.until(lambda: h.statuses[-1].state is FeedState.LIVE, "a live feed")
        await h.until(lambda: (h.book.get("AAPL.US") or QuoteState("")).last is not None, "a price")
        dialog = controller.open_dialog()
        dialog.test_button.click()
        await h.until(lambda: dialog.test_result_text()[:1] in "✔✖", "a test result")
        text = dialog.test_result_text()
        assert text.startswith("✔ Connected to") and text.endswith(
            "paused its own connection for the test)"
        )
        assert h.runner.source is not None and h.runner.source.token == ONE_CONNECTION
        await h.until(lambda: h.statuses[-1].state is FeedState.LIVE, "the board live again")

    h.run_test(body)


def test_an_unreadable_keyring_at_start_opens_settings_with_the_session_only_choice(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.fail_with = KeyringLocked("Failed to unlock the collection!")
    h.save_settings(h.live_settings())

    async def body() -> None:
        await h.start()
        assert h.runner.source is not None and h.runner.source.demo
        dialog = h.dialog()
        assert dialog.isVisible()
        assert "could not be read" in (dialog.reason_text() or "")
        assert "locked" in (dialog.session_only_text() or "")

    h.run_test(body)


def test_a_keyring_that_hangs_does_not_hold_up_start_up(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.gate = threading.Event()

    async def body() -> None:
        started = time.monotonic()
        try:
            controller = await h.start(keyring_timeout_s=0.3)
        finally:
            assert memory_keyring.gate is not None
            memory_keyring.gate.set()
        assert time.monotonic() - started < TIMEOUT_S
        assert h.runner.source is not None and h.runner.source.demo
        assert "did not answer" in (controller.keyring_problem or "")

    h.run_test(body)


def test_forget_drops_a_session_token_and_an_older_one_in_the_keyring(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[KEY] = BAD
    h.save_settings(h.live_settings())

    async def body() -> None:
        controller = await h.start()
        await h.until(lambda: controller.dialog is not None, "the 401 dialog")
        dialog = h.dialog()
        memory_keyring.fail_with = KeyringLocked("Failed to unlock the collection!")
        dialog.token_edit.setText(GOOD)
        dialog.save_button.click()
        await h.until(lambda: dialog.session_only_text() is not None, "the session offer")
        dialog.session_button.click()
        await h.until(
            lambda: h.runner.source is not None and h.runner.source.token_source == "session",
            "the feed on the session token",
        )
        memory_keyring.fail_with = None
        controller.open_dialog()
        assert "still holds an older one" in dialog.token_state_text()
        dialog.forget_button.click()
        await h.until(lambda: h.runner.source is not None and h.runner.source.demo, "demo")
        assert memory_keyring.store == {} and controller.token is None
        assert dialog.message_text() == "✔ Token removed from the keyring and from memory."

    h.run_test(body)


def test_settings_say_what_the_board_actually_streams(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    async def body() -> None:
        controller = await h.start()  # no token: the demo, whatever the dialog has selected
        dialog = controller.open_dialog()
        assert dialog.streaming_text() == (
            "Streaming now: the built-in simulator (demo data, not market data)"
        )

    h.run_test(body)

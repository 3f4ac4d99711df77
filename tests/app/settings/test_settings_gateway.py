"""Settings → provider "Desk gateway (Redis)": its address, its password in the keyring."""

from __future__ import annotations

from desktop.app.settings_controller import SETTINGS_KEY
from desktop.protocol.provider_settings import Provider, ProviderSettings, gateway_problem
from tests.app.settings.conftest import Harness
from tests.conftest import MemoryKeyring

ADDRESS = "redis://qb-board@gateway.desk:6379"
REDIS_KEY = ("quoteboard", f"redis:{ADDRESS}")


def test_choosing_the_desk_gateway_streams_from_it_with_the_password_in_the_keyring(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    async def body() -> None:
        controller = await h.start()
        dialog = controller.open_dialog()
        dialog.provider_box.setCurrentIndex(dialog.provider_box.findData(Provider.GATEWAY))
        assert dialog.gateway_edit.isVisibleTo(dialog)
        dialog.gateway_edit.setText(ADDRESS)
        dialog.redis_password_edit.setText("board-secret")
        dialog.save_button.click()
        await h.until(
            lambda: h.runner.source is not None and bool(h.runner.source.gateway_url),
            "the board on the gateway",
        )
        source = h.runner.source
        assert source is not None
        assert (source.gateway_url, source.redis_password) == (ADDRESS, "board-secret")
        assert "board-secret" not in repr(source)
        assert memory_keyring.store[REDIS_KEY] == "board-secret"
        stored = h.store.values[SETTINGS_KEY]
        assert "board-secret" not in stored
        saved = ProviderSettings.from_json(stored)
        assert (saved.provider, saved.gateway_url) == (Provider.GATEWAY, ADDRESS)
        assert dialog.redis_password_edit.text() == ""

    h.run_test(body)


def test_a_saved_gateway_choice_finds_its_password_in_the_keyring_at_start(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[REDIS_KEY] = "kept-secret"
    h.save_settings(ProviderSettings(provider=Provider.GATEWAY, gateway_url=ADDRESS))

    async def body() -> None:
        await h.start()
        source = h.runner.source
        assert source is not None
        assert (source.gateway_url, source.redis_password) == (ADDRESS, "kept-secret")

    h.run_test(body)


def test_a_bad_gateway_address_is_explained_and_nothing_changes(
    h: Harness, memory_keyring: MemoryKeyring
) -> None:
    async def body() -> None:
        controller = await h.start()
        before = h.runner.source
        dialog = controller.open_dialog()
        dialog.provider_box.setCurrentIndex(dialog.provider_box.findData(Provider.GATEWAY))
        dialog.gateway_edit.setText("redis://u:pw@host:6379")
        dialog.save_button.click()
        assert dialog.field_errors() == [
            "Leave the password out of the address: type it in the password field."
        ]
        assert h.runner.source == before and dialog.isVisible()

    h.run_test(body)


def test_gateway_addresses_are_checked_in_words() -> None:
    assert gateway_problem("redis+sentinel://s1:26379,s2:26379/desk") is None
    assert gateway_problem("rediss://gw:6380?ssl_ca_certs=/ca.pem") is None
    assert gateway_problem("") is not None
    assert (
        gateway_problem("http://gw:6379")
        == "Use a redis://, rediss:// (TLS) or redis+sentinel:// address."
    )

"""Provider settings: host normalisation, token validation, stored form, and a draft that hides the token."""

from __future__ import annotations

import pytest

from desktop.protocol.plans import Plan
from desktop.protocol.provider_settings import (
    MAX_TOKEN_LENGTH,
    Provider,
    ProviderSettings,
    SettingsDraft,
    normalize_host,
    token_problem,
)

SECRET = "f00dfeed-0000-4c1d-9e11-cafe00c0ffee"


@pytest.mark.parametrize(
    ("typed", "stored", "ws_url"),
    [
        ("quote.alltick.co", "quote.alltick.co", "wss://quote.alltick.co/quote-stock-b-ws-api"),
        (
            " Quote.AllTick.IO:443 ",
            "quote.alltick.io",
            "wss://quote.alltick.io/quote-stock-b-ws-api",
        ),
        (
            "wss://quote.tradeswitcher.com/quote-stock-b-ws-api",
            "quote.tradeswitcher.com",
            "wss://quote.tradeswitcher.com/quote-stock-b-ws-api",
        ),
        ("ws://127.0.0.1:9000", "ws://127.0.0.1:9000", "ws://127.0.0.1:9000/quote-stock-b-ws-api"),
        (
            "http://localhost:8080/",
            "ws://localhost:8080",
            "ws://localhost:8080/quote-stock-b-ws-api",
        ),
        (
            "quote.example.com:8443",
            "wss://quote.example.com:8443",
            "wss://quote.example.com:8443/quote-stock-b-ws-api",
        ),
        ("ws://[::1]:9000", "ws://[::1]:9000", "ws://[::1]:9000/quote-stock-b-ws-api"),
    ],
)
def test_a_host_is_stored_in_one_canonical_form_and_becomes_the_stock_ws_url(
    typed: str, stored: str, ws_url: str
) -> None:
    host = normalize_host(typed)
    assert host == stored
    assert ProviderSettings(host=host).ws_url() == ws_url


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter a host"),
        ("quote alltick co", "no spaces"),
        ("quote.alltick.co:99999", "port"),
        ("quote.alltick.co:0", "port"),
        ("ftp://quote.alltick.co", "wss:// or ws://"),
        ("quote..alltick", "not a valid host name"),
        (
            f"wss://quote.alltick.co/quote-stock-b-ws-api?token={SECRET}",
            "token goes in the API token field",
        ),
    ],
)
def test_a_bad_host_gets_a_sentence_that_never_repeats_what_was_typed(
    typed: str, words: str
) -> None:
    with pytest.raises(ValueError, match=words) as caught:
        normalize_host(typed)
    assert SECRET not in str(caught.value)


def test_a_plausible_token_passes_and_bad_ones_get_a_reason_without_the_token() -> None:
    assert token_problem(SECRET) is None
    cases = {
        "": "Enter your API token",
        SECRET + " x": "no spaces",
        SECRET + "\n" + SECRET: "no spaces",
        f"wss://quote.alltick.co/?token={SECRET}": "not a URL",
        "x" * (MAX_TOKEN_LENGTH + 1): "too long",
    }
    for token, words in cases.items():
        problem = token_problem(token)
        assert problem is not None and words in problem
        assert SECRET not in problem


def test_settings_round_trip_through_their_stored_form_and_carry_no_token() -> None:
    settings = ProviderSettings(
        provider=Provider.SIMULATOR, plan=Plan.PREMIUM, host="ws://127.0.0.1:9000"
    )
    text = settings.to_json()
    assert ProviderSettings.from_json(text) == settings
    assert "token" not in text


@pytest.mark.parametrize(
    "text",
    [None, "", "not json", '{"provider":"bloomberg"}', '{"plan":"gold"}', '{"host":"bad host"}'],
)
def test_unreadable_stored_settings_fall_back_to_the_defaults(text: str | None) -> None:
    assert ProviderSettings.from_json(text) == ProviderSettings()


def test_the_defaults_are_alltick_basic_on_the_documented_host() -> None:
    settings = ProviderSettings()
    assert settings.live and settings.provider is Provider.ALLTICK
    assert settings.plan is Plan.BASIC
    assert settings.host == "quote.alltick.co"
    assert not ProviderSettings(provider=Provider.SIMULATOR).live


def test_a_draft_never_shows_its_token_in_repr_or_str() -> None:
    draft = SettingsDraft(ProviderSettings(), SECRET)
    assert SECRET not in repr(draft)
    assert SECRET not in str(draft)
    assert SECRET not in f"{draft}"
    assert "***" in repr(draft)
    assert "token=None" in repr(SettingsDraft(ProviderSettings()))

"""The token in the keyring: save, read, delete, the environment override, refusals and deadlines."""

from __future__ import annotations

import asyncio
import threading
import time

import keyring
import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError, PasswordSetError

from desktop.persistence import credentials
from desktop.persistence.credentials import (
    ENV_VAR,
    KEYRING_SERVICE,
    KEYRING_USER,
    CredentialError,
    TokenLookup,
    backend_info,
    delete_token,
    load_token,
    load_token_async,
    read_token,
    save_token,
    save_token_async,
)
from tests.conftest import TIMEOUT_S, MemoryKeyring

SECRET = "f00dfeed-0000-4c1d-9e11-cafe00c0ffee"


def test_a_saved_token_is_read_back_and_forget_removes_it(memory_keyring: MemoryKeyring) -> None:
    assert read_token() is None
    save_token(SECRET)
    assert memory_keyring.store == {(KEYRING_SERVICE, KEYRING_USER): SECRET}
    assert read_token() == SECRET
    assert load_token({}) == TokenLookup(SECRET, "keyring")
    assert delete_token() is True
    assert memory_keyring.store == {}
    assert delete_token() is False  # nothing left: not an error
    assert load_token({}) == TokenLookup(None)


def test_the_environment_variable_wins_and_the_keyring_is_not_even_asked(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.store[(KEYRING_SERVICE, KEYRING_USER)] = "stored-token"
    lookup = load_token({ENV_VAR: f"  {SECRET}\n"})
    assert lookup == TokenLookup(SECRET, "environment")
    assert memory_keyring.calls == []
    assert load_token({ENV_VAR: "  "}).token == "stored-token"  # blank means unset


def test_a_lookup_never_shows_the_token() -> None:
    lookup = TokenLookup(SECRET, "keyring")
    assert SECRET not in repr(lookup) and SECRET not in str(lookup) and "***" in repr(lookup)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (NoKeyringError(), "No secure keyring is available"),
        (KeyringLocked("Failed to unlock the collection!"), "locked and was not unlocked"),
        (InitError("Failed to create the collection"), "could not be opened"),
        (RuntimeError("D-Bus went away"), "The keyring failed (RuntimeError: D-Bus went away)"),
    ],
)
def test_keyring_failures_become_sentences_and_reading_falls_back_to_no_token(
    memory_keyring: MemoryKeyring, error: BaseException, words: str
) -> None:
    memory_keyring.fail_with = error
    with pytest.raises(CredentialError, match=words.replace("(", r"\(").replace(")", r"\)")):
        save_token(SECRET)
    lookup = load_token({})
    assert lookup.token is None and lookup.problem is not None and words in lookup.problem


def test_an_error_message_that_echoes_the_token_is_scrubbed(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.fail_with = PasswordSetError(f"blob too large: {SECRET}")
    with pytest.raises(CredentialError) as caught:
        save_token(SECRET)
    assert SECRET not in caught.value.message
    assert "refused to store the token" in caught.value.message and "***" in caught.value.message


def test_no_backend_at_all_is_refused_before_any_call() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialError, match="No secure keyring is available"):
        save_token(SECRET)
    info = backend_info()
    assert not info.usable and info.name == "none"


def test_a_disabled_keyring_is_refused() -> None:
    keyring.set_keyring(null.Keyring())
    with pytest.raises(CredentialError, match="disabled"):
        save_token(SECRET)


def _plaintext_backend(module: str, name: str) -> MemoryKeyring:
    kind = type(name, (MemoryKeyring,), {"__module__": module})
    return kind()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("module", "name"),
    [("keyrings.alt.file", "PlaintextKeyring"), ("somewhere.else", "PlaintextKeyring")],
)
def test_a_plaintext_backend_is_refused_and_never_written(module: str, name: str) -> None:
    plain = _plaintext_backend(module, name)
    keyring.set_keyring(plain)
    with pytest.raises(CredentialError, match="plain file"):
        save_token(SECRET)
    assert plain.calls == [] and plain.store == {}
    assert not backend_info().usable


def test_a_backend_keyring_itself_does_not_recommend_is_refused() -> None:
    weak = type("WeakKeyring", (MemoryKeyring,), {"priority": 0.5})()
    keyring.set_keyring(weak)
    with pytest.raises(CredentialError, match="not a secure store"):
        save_token(SECRET)
    assert weak.store == {}


def test_a_chain_with_one_plaintext_member_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    members = [MemoryKeyring(), _plaintext_backend("keyrings.alt.file", "PlaintextKeyring")]
    monkeypatch.setattr(chainer.ChainerBackend, "backends", members)
    keyring.set_keyring(chainer.ChainerBackend())
    with pytest.raises(CredentialError, match="plain file"):
        save_token(SECRET)
    assert all(member.store == {} for member in members)


def test_the_backend_is_named_for_people() -> None:
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    info = backend_info()
    assert info.usable and info.qualified == "tests.conftest.MemoryKeyring"
    assert info.name  # keyring's own "module class" name for unknown backends


async def test_a_keyring_that_hangs_gives_up_after_the_deadline_without_blocking_the_loop(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.gate = threading.Event()  # an unlock prompt nobody answers
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    running = asyncio.create_task(ticker())
    started = time.monotonic()
    try:
        lookup = await load_token_async({}, timeout_s=0.3)
        with pytest.raises(CredentialError, match=r"did not answer within 0\.3 s"):
            await save_token_async(SECRET, timeout_s=0.3)
    finally:
        running.cancel()
        memory_keyring.gate.set()
    assert lookup.token is None
    assert lookup.problem is not None and "did not answer within 0.3 s" in lookup.problem
    assert time.monotonic() - started < TIMEOUT_S
    assert ticks >= 20  # the event loop kept running while the keyring was stuck


async def test_the_async_calls_run_the_keyring_on_another_thread(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    original = MemoryKeyring.set_password

    def spy(self: MemoryKeyring, service: str, username: str, password: str) -> None:
        threads.append(threading.current_thread().name)
        original(self, service, username, password)

    monkeypatch.setattr(MemoryKeyring, "set_password", spy)
    await save_token_async(SECRET, timeout_s=TIMEOUT_S)
    assert threads == ["quoteboard-keyring"]
    assert (await load_token_async({}, timeout_s=TIMEOUT_S)).token == SECRET
    assert await credentials.delete_token_async(TIMEOUT_S) is True
    info = await credentials.backend_info_async(TIMEOUT_S)
    assert info.usable

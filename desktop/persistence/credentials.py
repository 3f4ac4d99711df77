"""The API token: the only module that touches secrets. The OS keyring stores it; nothing else does.

`QUOTEBOARD_TOKEN` in the environment wins for one run; otherwise the token lives in the keyring
under service `quoteboard`, user `alltick-token` (Secret Service, macOS Keychain, Windows
Credential Locker). It is never written to SQLite, a settings file, a log or the command line.
A keyring that stores plain text (keyrings.alt) or none at all is refused with a sentence, never
silently replaced: the caller then offers to keep the token in memory for this session only.

Keyring calls can block on an unlock prompt, so the app uses the `*_async` functions: each runs
the call on a daemon thread with a deadline. Not `asyncio.to_thread`: executor threads are
joined at shutdown, so one unanswered prompt would keep the app from quitting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

__all__ = [
    "ENV_VAR",
    "KEYRING_SERVICE",
    "KEYRING_TIMEOUT_S",
    "KEYRING_USER",
    "BackendInfo",
    "CredentialError",
    "TokenLookup",
    "backend_info",
    "backend_info_async",
    "delete_token",
    "delete_token_async",
    "load_postgres_password",
    "load_redis_password",
    "load_redis_password_async",
    "load_token",
    "load_token_async",
    "read_token",
    "save_token",
    "save_token_async",
    "store_postgres_password",
    "store_redis_password",
    "store_redis_password_async",
]

log = logging.getLogger(__name__)

ENV_VAR = "QUOTEBOARD_TOKEN"
KEYRING_SERVICE = "quoteboard"
KEYRING_USER = "alltick-token"
KEYRING_TIMEOUT_S = 10.0

_T = TypeVar("_T")
_NO_KEYRING = (
    "No secure keyring is available (no Secret Service, macOS Keychain or Windows Credential "
    "Locker answered)."
)
_FRIENDLY = {
    "keyring.backends.SecretService": "Secret Service",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Locker",
    "keyring.backends.kwallet": "KWallet",
    "keyring.backends.libsecret": "libsecret",
    "keyring.backends.chainer": "chained keyrings",
    "keyring.backends.fail": "none",
    "keyring.backends.null": "disabled",
}


class CredentialError(Exception):
    """The keyring could not store, read or delete the token; `message` is a sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BackendInfo(msgspec.Struct, frozen=True):
    """Which keyring backend is active, and why it cannot be used (`problem`), if it cannot."""

    name: str
    qualified: str
    problem: str | None = None

    @property
    def usable(self) -> bool:
        """True for a backend that stores secrets encrypted by the OS."""
        return self.problem is None


class TokenLookup(msgspec.Struct, frozen=True):
    """The token if one was found, where from, and a sentence when the keyring could not be read."""

    token: str | None
    source: str | None = None
    problem: str | None = None

    def __repr__(self) -> str:  # never show the secret, even in a debugger or a log line
        shown = "***" if self.token else None
        return f"TokenLookup(token={shown!r}, source={self.source!r}, problem={self.problem!r})"

    __str__ = __repr__


# -- backend ----------------------------------------------------------------------------------
def _keyring() -> Any:
    """The keyring module, with the OS backends imported explicitly (frozen builds)."""
    import keyring

    import desktop.persistence.keyring_backends  # noqa: F401  (registers the backends)

    return keyring


def _problem_with(backend: Any) -> str | None:
    """Why `backend` must not hold the token, or None when it stores secrets encrypted by the OS."""
    from keyring.backends import chainer, fail, null

    kind = type(backend)
    qualified = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(backend, fail.Keyring):
        return _NO_KEYRING
    if isinstance(backend, null.Keyring):
        return f"The keyring is disabled ({qualified} is configured)."
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return _NO_KEYRING
        return next((p for p in map(_problem_with, chained) if p), None)
    lowered = qualified.lower()
    plain = ("plaintext", "uncrypted", "unencrypted")
    try:
        not_recommended = float(backend.priority) < 1
    except Exception:  # a backend that cannot say how good it is gets no secret
        not_recommended = True
    if kind.__module__.startswith("keyrings.alt") or any(word in lowered for word in plain):
        return (
            f"The only keyring available ({qualified}) keeps secrets in a plain file; Quote Board "
            "never stores your token there."
        )
    if not_recommended:
        return (
            f"The keyring backend {qualified} is not a secure store; Quote Board does not use it."
        )
    return None


def backend_info(backend: Any = None) -> BackendInfo:
    """Describe the active keyring backend (or `backend`), without reading any secret."""
    if backend is None:
        try:
            backend = _keyring().get_keyring()
        except Exception as exc:
            return BackendInfo("none", "", f"The keyring could not start ({_describe(exc)}).")
    kind = type(backend)
    module = kind.__module__
    name = _FRIENDLY.get(module) or str(getattr(kind, "name", kind.__qualname__))
    return BackendInfo(name, f"{module}.{kind.__qualname__}", _problem_with(backend))


def _secure_backend() -> Any:
    """The active backend, or CredentialError when it is missing, disabled or plain text."""
    try:
        backend = _keyring().get_keyring()
    except Exception as exc:
        raise CredentialError(f"The keyring could not start ({_describe(exc)}).") from None
    problem = _problem_with(backend)
    if problem:
        raise CredentialError(problem)
    return backend


def _describe(exc: BaseException, secret: str | None = None) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return text


def _explain(exc: BaseException, secret: str | None = None) -> str:
    """A sentence for a keyring failure (the token, if given, is scrubbed from it)."""
    from keyring import errors

    if isinstance(exc, errors.NoKeyringError):
        return _NO_KEYRING
    if isinstance(exc, errors.KeyringLocked):
        return (
            "The keyring is locked and was not unlocked (the unlock prompt was dismissed or "
            "could not be shown)."
        )
    if isinstance(exc, errors.InitError):
        return f"The keyring could not be opened ({_describe(exc, secret)})."
    if isinstance(exc, errors.PasswordSetError):
        return f"The keyring refused to store the token ({_describe(exc, secret)})."
    return f"The keyring failed ({_describe(exc, secret)})."


# -- blocking calls (CLI, worker threads) ---------------------------------------------------------
def read_token() -> str | None:
    """The token stored in the keyring, or None; CredentialError when the keyring cannot be read."""
    backend = _secure_backend()
    try:
        stored = backend.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:
        raise CredentialError(_explain(exc)) from None
    return stored.strip() if stored and stored.strip() else None


def save_token(token: str) -> None:
    """Store `token` in the keyring (replacing any previous one); CredentialError if it cannot."""
    backend = _secure_backend()
    try:
        backend.set_password(KEYRING_SERVICE, KEYRING_USER, token)
    except Exception as exc:
        raise CredentialError(_explain(exc, token)) from None
    log.info("API token saved in the keyring (%s)", backend_info(backend).name)


def delete_token() -> bool:
    """Remove the stored token; False when there was none. CredentialError if the keyring fails."""
    from keyring.errors import PasswordDeleteError

    backend = _secure_backend()
    try:
        if backend.get_password(KEYRING_SERVICE, KEYRING_USER) is None:
            return False
        backend.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except PasswordDeleteError:
        return False
    except Exception as exc:
        raise CredentialError(_explain(exc)) from None
    log.info("API token removed from the keyring")
    return True


def load_token(environ: Mapping[str, str] | None = None) -> TokenLookup:
    """Find the token: `QUOTEBOARD_TOKEN` wins; otherwise the keyring, never a file."""
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_VAR, "").strip()
    if from_env:
        return TokenLookup(from_env, "environment")
    try:
        stored = read_token()
    except CredentialError as exc:
        log.info("API token not read: %s", exc.message)
        return TokenLookup(None, None, exc.message)
    return TokenLookup(stored, "keyring") if stored else TokenLookup(None)


# -- off the GUI thread -------------------------------------------------------------------------
async def _off_thread(call: Callable[[], _T], timeout_s: float) -> _T:
    """Run `call` on a daemon thread; CredentialError when it has not answered after `timeout_s`."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def deliver(error: BaseException | None, value: Any) -> None:
        if future.done():  # the caller gave up (timeout or cancel)
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def work() -> None:
        error: BaseException | None = None
        value: Any = None
        try:
            value = call()
        except BaseException as exc:
            error = exc
        try:
            loop.call_soon_threadsafe(deliver, error, value)
        except RuntimeError:  # the loop closed while the keyring was blocked: nobody is waiting
            pass

    threading.Thread(target=work, name="quoteboard-keyring", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout_s)
    except TimeoutError:
        raise CredentialError(
            f"The keyring did not answer within {timeout_s:g} s (an unlock prompt may be "
            "waiting, or the keyring service is stuck)."
        ) from None


async def load_token_async(
    environ: Mapping[str, str] | None = None, timeout_s: float = KEYRING_TIMEOUT_S
) -> TokenLookup:
    """`load_token` without blocking the event loop; a keyring that hangs becomes a `problem`."""
    env = dict(os.environ if environ is None else environ)
    if env.get(ENV_VAR, "").strip():
        return load_token(env)  # no keyring call needed
    try:
        return await _off_thread(lambda: load_token(env), timeout_s)
    except CredentialError as exc:
        log.info("API token not read: %s", exc.message)
        return TokenLookup(None, None, exc.message)


async def save_token_async(token: str, timeout_s: float = KEYRING_TIMEOUT_S) -> None:
    """`save_token` without blocking the event loop."""
    await _off_thread(lambda: save_token(token), timeout_s)


async def delete_token_async(timeout_s: float = KEYRING_TIMEOUT_S) -> bool:
    """`delete_token` without blocking the event loop."""
    return await _off_thread(delete_token, timeout_s)


async def backend_info_async(timeout_s: float = KEYRING_TIMEOUT_S) -> BackendInfo:
    """`backend_info` without blocking the event loop (finding a backend may talk to D-Bus)."""
    try:
        return await _off_thread(backend_info, timeout_s)
    except CredentialError as exc:
        return BackendInfo("unknown", "", exc.message)


# -- the PostgreSQL recorder's password ---------------------------------------------------------
def load_postgres_password(dsn_key: str) -> str | None:
    """The password stored for a (redacted) PostgreSQL connection string, if any."""
    try:
        stored = _secure_backend().get_password(KEYRING_SERVICE, f"postgres:{dsn_key}")
    except Exception as exc:  # no keyring: libpq may still find ~/.pgpass or PGPASSWORD
        log.warning("keyring unavailable for the PostgreSQL password: %s", type(exc).__name__)
        return None
    return stored or None


def store_postgres_password(dsn_key: str, password: str) -> str | None:
    """Keep the password in the OS keyring; returns a sentence when that was impossible."""
    try:
        backend = _secure_backend()
        if password:
            backend.set_password(KEYRING_SERVICE, f"postgres:{dsn_key}", password)
        else:
            with contextlib.suppress(Exception):
                backend.delete_password(KEYRING_SERVICE, f"postgres:{dsn_key}")
    except Exception as exc:
        why = exc.message if isinstance(exc, CredentialError) else type(exc).__name__
        return (
            f"The password could not be stored in the OS keyring ({why}); "
            "use ~/.pgpass or PGPASSWORD instead."
        )
    return None


# -- the desk gateway's Redis password ------------------------------------------------------------
def load_redis_password(url_key: str) -> str | None:
    """The password a board keeps for a (redacted) desk-gateway Redis URL, if any."""
    try:
        stored = _secure_backend().get_password(KEYRING_SERVICE, f"redis:{url_key}")
    except Exception as exc:  # no keyring: the URL or the environment may carry it
        log.info("keyring unavailable for the Redis password: %s", type(exc).__name__)
        return None
    return stored or None


async def load_redis_password_async(
    url_key: str, timeout_s: float = KEYRING_TIMEOUT_S
) -> str | None:
    """`load_redis_password` without blocking the event loop (None when the keyring hangs)."""
    try:
        return await _off_thread(lambda: load_redis_password(url_key), timeout_s)
    except CredentialError as exc:
        log.warning("Redis password not read: %s", exc.message)
        return None


def store_redis_password(url_key: str, password: str) -> str | None:
    """Keep a board's Redis password in the OS keyring; returns a sentence when impossible."""
    try:
        backend = _secure_backend()
        if password:
            backend.set_password(KEYRING_SERVICE, f"redis:{url_key}", password)
        else:
            with contextlib.suppress(Exception):
                backend.delete_password(KEYRING_SERVICE, f"redis:{url_key}")
    except Exception as exc:
        why = exc.message if isinstance(exc, CredentialError) else type(exc).__name__
        return f"The Redis password could not be stored in the OS keyring ({why})."
    return None


async def store_redis_password_async(
    url_key: str, password: str, timeout_s: float = KEYRING_TIMEOUT_S
) -> str | None:
    """`store_redis_password` without blocking the event loop; a sentence when it failed."""
    try:
        return await _off_thread(lambda: store_redis_password(url_key, password), timeout_s)
    except CredentialError as exc:
        return f"The Redis password could not be stored in the OS keyring ({exc.message})."

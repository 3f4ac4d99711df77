"""The API token: `QUOTEBOARD_TOKEN` for one run, else the OS keyring — the only place it is stored."""

from __future__ import annotations

import contextlib
import logging
import os

import msgspec

__all__ = [
    "ENV_VAR",
    "KEYRING_SERVICE",
    "KEYRING_USER",
    "TokenLookup",
    "load_postgres_password",
    "load_token",
    "store_postgres_password",
]

log = logging.getLogger(__name__)

ENV_VAR = "QUOTEBOARD_TOKEN"
KEYRING_SERVICE = "quoteboard"
KEYRING_USER = "alltick-token"


class TokenLookup(msgspec.Struct, frozen=True):
    """The token if one was found, where from, and a sentence when the keyring could not be read."""

    token: str | None
    source: str | None = None
    problem: str | None = None

    def __repr__(self) -> str:  # never show the secret, even in a debugger or a log line
        shown = "***" if self.token else None
        return f"TokenLookup(token={shown!r}, source={self.source!r}, problem={self.problem!r})"


def load_token(environ: dict[str, str] | None = None) -> TokenLookup:
    """Find the token: the environment variable wins; otherwise ask the keyring, never a file."""
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_VAR, "").strip()
    if from_env:
        return TokenLookup(from_env, "environment")
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except KeyringError as exc:
            return TokenLookup(None, None, f"The keyring could not be read ({type(exc).__name__}).")
    except Exception as exc:  # a broken backend must not keep the app from starting in demo mode
        log.warning("keyring unavailable: %s", type(exc).__name__)
        return TokenLookup(None, None, f"No usable keyring ({type(exc).__name__}).")
    if stored:
        return TokenLookup(stored.strip(), "keyring")
    return TokenLookup(None)


# -- the PostgreSQL recorder's password (issue 10) ------------------------------------------------
def load_postgres_password(dsn_key: str) -> str | None:
    """The password stored for a (redacted) PostgreSQL connection string, if any."""
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, f"postgres:{dsn_key}")
    except Exception as exc:  # no keyring: libpq may still find ~/.pgpass or PGPASSWORD
        log.warning("keyring unavailable for the PostgreSQL password: %s", type(exc).__name__)
        return None
    return stored or None


def store_postgres_password(dsn_key: str, password: str) -> str | None:
    """Keep the password in the OS keyring; returns a sentence when that was impossible."""
    try:
        import keyring

        if password:
            keyring.set_password(KEYRING_SERVICE, f"postgres:{dsn_key}", password)
        else:
            with contextlib.suppress(Exception):
                keyring.delete_password(KEYRING_SERVICE, f"postgres:{dsn_key}")
    except Exception as exc:
        return (
            f"The password could not be stored in the OS keyring ({type(exc).__name__}); "
            "use ~/.pgpass or PGPASSWORD instead."
        )
    return None

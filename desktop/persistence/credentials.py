"""The API token: `QUOTEBOARD_TOKEN` for one run, else the OS keyring — the only place it is stored."""

from __future__ import annotations

import logging
import os

import msgspec

__all__ = ["ENV_VAR", "KEYRING_SERVICE", "KEYRING_USER", "TokenLookup", "load_token"]

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

"""`quoteboard token set|status|clear`: the API token for headless and scripted set-ups.

`set` reads the token from standard input (a hidden prompt on a terminal, or a pipe), never from
an argument: arguments land in shell history and in every process list. `status` says whether a
token is stored and in which backend, never the token itself.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from desktop.persistence.credentials import (
    ENV_VAR,
    BackendInfo,
    CredentialError,
    TokenLookup,
    backend_info,
    backend_info_async,
    delete_token_async,
    load_token_async,
    save_token_async,
)
from desktop.protocol.provider_settings import MAX_TOKEN_LENGTH, token_problem

__all__ = ["ACTIONS", "CLI_KEYRING_TIMEOUT_S", "STRAY_ARGUMENT", "run_token_command"]

ACTIONS = ("set", "status", "clear")
STRAY_ARGUMENT = (
    "`quoteboard token set` takes no arguments: it reads the token from standard input, so it "
    "never lands in shell history or the process list. Run it and paste the token, or pipe it "
    'in: printf %s "$TOKEN" | quoteboard token set'
)
"""The refusal of `token set TOKEN` (the argument is not echoed back: it may be the token)."""
CLI_KEYRING_TIMEOUT_S = 120.0
"""Long enough to type a password into a keyring unlock prompt."""


def _read_secret(stdin: TextIO, stderr: TextIO) -> str:
    if stdin.isatty():
        return getpass.getpass("AllTick API token (typing is hidden): ", stream=stderr)
    return stdin.read(MAX_TOKEN_LENGTH * 4 + 16)


def _set(stdin: TextIO, out: TextIO, err: TextIO, env: Mapping[str, str], timeout_s: float) -> int:
    try:
        token = _read_secret(stdin, err).strip()
    except (EOFError, KeyboardInterrupt):
        print("\nNothing was stored.", file=err)
        return 1
    problem = token_problem(token)
    if problem:
        print(f"{problem} Nothing was stored.", file=err)
        return 1
    try:
        asyncio.run(save_token_async(token, timeout_s))
    except CredentialError as exc:
        print(f"The token was not stored: {exc.message}", file=err)
        print(
            f"Quote Board never writes it to a file. Set {ENV_VAR} in the environment instead "
            'to use it for one run, or enter it in Settings and choose "Use for this session only".',
            file=err,
        )
        return 2
    print(f"Token stored in the keyring ({backend_info().name}).", file=out)
    if env.get(ENV_VAR, "").strip():
        print(f"Note: {ENV_VAR} is set, and overrides the keyring while it is.", file=out)
    return 0


async def _inspect(timeout_s: float) -> tuple[BackendInfo, TokenLookup]:
    info = await backend_info_async(timeout_s)
    if not info.usable:
        return info, TokenLookup(None)
    return info, await load_token_async({}, timeout_s)  # {}: look at the keyring, not ENV_VAR


def _status(out: TextIO, env: Mapping[str, str], timeout_s: float) -> int:
    info, lookup = asyncio.run(_inspect(timeout_s))
    shown = f"{info.name} ({info.qualified})" if info.qualified else info.name
    print(f"Keyring backend: {shown}", file=out)
    if info.problem:
        print(f"Keyring: not usable. {info.problem}", file=out)
        code = 2
    elif lookup.problem:
        print(f"Keyring: could not be read. {lookup.problem}", file=out)
        code = 2
    elif lookup.token:
        print("Token: stored in the keyring", file=out)
        code = 0
    else:
        print("Token: none stored", file=out)
        code = 1
    if env.get(ENV_VAR, "").strip():
        print(f"{ENV_VAR} is set: this run uses it and ignores the keyring.", file=out)
        code = 0
    return code


def _clear(out: TextIO, err: TextIO, env: Mapping[str, str], timeout_s: float) -> int:
    try:
        removed = asyncio.run(delete_token_async(timeout_s))
    except CredentialError as exc:
        print(f"The token could not be removed: {exc.message}", file=err)
        return 2
    print("Token removed from the keyring." if removed else "No token was stored.", file=out)
    if env.get(ENV_VAR, "").strip():
        print(f"Note: {ENV_VAR} is still set in this environment.", file=out)
    return 0


def run_token_command(
    action: str,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    timeout_s: float = CLI_KEYRING_TIMEOUT_S,
) -> int:
    """Run one `quoteboard token ACTION`; returns the exit code (0 ok, 1 nothing there, 2 keyring)."""
    env = os.environ if environ is None else environ
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if action == "set":
        return _set(stdin or sys.stdin, out, err, env, timeout_s)
    if action == "status":
        return _status(out, env, timeout_s)
    if action == "clear":
        return _clear(out, err, env, timeout_s)
    raise ValueError(f"unknown token action {action!r}; use one of {', '.join(ACTIONS)}")

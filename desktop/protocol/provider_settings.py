"""Which market-data provider to use and how to reach it: pure values, validation, URLs.

The non-secret half of the settings dialog (provider, plan, host) is a `ProviderSettings`; it is
stored in the app database. The token never is: it travels beside the settings in a
`SettingsDraft` whose `repr` hides it, and is stored only by `persistence.credentials`.
"""

from __future__ import annotations

import re
from enum import Enum
from urllib.parse import urlsplit

import msgspec

from desktop.protocol.alltick_wire import DEFAULT_HOSTS, STOCK_WS_PATH
from desktop.protocol.plans import Plan

__all__ = [
    "MAX_TOKEN_LENGTH",
    "Provider",
    "ProviderSettings",
    "SettingsDraft",
    "DEFAULT_GATEWAY",
    "gateway_problem",
    "normalize_host",
    "token_problem",
]

MAX_TOKEN_LENGTH = 1000
"""Windows' Credential Locker holds about 1280 UTF-16 characters (reference §6); stay below it."""

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
_SCHEMES = {"wss": "wss", "ws": "ws", "https": "wss", "http": "ws"}


class Provider(Enum):
    """Where quotes come from: the built-in simulator (demo data) or AllTick (live data)."""

    SIMULATOR = "simulator"
    ALLTICK = "alltick"
    GATEWAY = "gateway"

    @property
    def label(self) -> str:
        """The name shown in the settings dialog."""
        return _LABELS[self]


_LABELS = {
    Provider.SIMULATOR: "Built-in simulator (demo data)",
    Provider.ALLTICK: "AllTick (live data)",
    Provider.GATEWAY: "Desk gateway (Redis)",
}
DEFAULT_GATEWAY = "redis://127.0.0.1:6379"
_GATEWAY_SCHEMES = ("redis", "rediss", "redis+sentinel", "rediss+sentinel")


def gateway_problem(text: str) -> str | None:
    """Why `text` cannot be the desk gateway's address, or None (the password has its own field)."""
    raw = text.strip()
    if not raw:
        return "Enter the desk gateway's Redis address, for example redis://gateway.desk:6379."
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme.lower() not in _GATEWAY_SCHEMES:
        return "Use a redis://, rediss:// (TLS) or redis+sentinel:// address."
    netloc = rest.split("/", 1)[0].split("?", 1)[0]
    if ":" in netloc.rpartition("@")[0]:
        return "Leave the password out of the address: type it in the password field."
    host = netloc.rpartition("@")[2]
    if not host or any(ch.isspace() for ch in raw):
        return "That address names no host."
    return None


def normalize_host(text: str) -> str:
    """`quote.alltick.co`, `host:port` or `ws[s]://host[:port][/path]` → the canonical host string.

    A plain hostname means `wss://` on port 443 and stays bare; anything else keeps its scheme
    (`ws://127.0.0.1:9000` reaches a local simulator). Raises ValueError with a sentence for the user.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("Enter a host, for example quote.alltick.co.")
    if "token=" in raw.lower() or "?" in raw or "#" in raw or "@" in raw:
        raise ValueError(
            "Enter only the host name: the token goes in the API token field, never in the address."
        )
    if any(ch.isspace() for ch in raw):
        raise ValueError("A host name has no spaces.")
    scheme = "wss"
    rest = raw
    if "://" in raw:
        given, rest = raw.split("://", 1)
        if given.lower() not in _SCHEMES:
            raise ValueError(f"Use a wss:// or ws:// address, not {given}://.")
        scheme = _SCHEMES[given.lower()]
    netloc = rest.split("/", 1)[0]
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        raise ValueError("The port must be a number from 1 to 65535.") from None
    host = parts.hostname or ""
    if netloc.startswith("[") and ":" in host:
        shown_host = f"[{host}]"  # an IPv6 literal
    elif _HOSTNAME.match(host):
        shown_host = host.lower()
    else:
        raise ValueError("That is not a valid host name (letters, digits, dots and hyphens).")
    if port == 0:
        raise ValueError("The port must be a number from 1 to 65535.")
    if scheme == "wss" and port in (None, 443):
        return shown_host
    return f"{scheme}://{shown_host}" + (f":{port}" if port is not None else "")


def token_problem(token: str) -> str | None:
    """Why `token` cannot be an API token, or None; the sentence never repeats the token."""
    if not token:
        return "Enter your API token."
    if len(token) > MAX_TOKEN_LENGTH:
        return f"That is too long for an API token ({len(token)} characters; at most {MAX_TOKEN_LENGTH})."
    if "://" in token or "token=" in token.lower():
        return "Paste only the token itself, not a URL."
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        return "An API token has no spaces or line breaks: paste only the token."
    return None


class ProviderSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The provider, the plan and the host: everything about the feed except the secret."""

    provider: Provider = Provider.ALLTICK
    plan: Plan = Plan.BASIC
    host: str = DEFAULT_HOSTS[0]
    gateway_url: str = DEFAULT_GATEWAY
    """The desk gateway's Redis (used when `provider` is GATEWAY; never with a password)."""

    @property
    def live(self) -> bool:
        """True when these settings ask for real market data."""
        return self.provider is Provider.ALLTICK

    @property
    def scheme(self) -> str:
        """`wss` for a bare host name, else the scheme written in the host field."""
        return self.host.split("://", 1)[0] if "://" in self.host else "wss"

    @property
    def host_label(self) -> str:
        """The host as people say it: `quote.alltick.co`, `127.0.0.1:9000`."""
        return self.host.split("://", 1)[1] if "://" in self.host else self.host

    def ws_url(self) -> str:
        """The stock WebSocket endpoint (reference §1.1), without the token."""
        return f"{self.scheme}://{self.host_label}{STOCK_WS_PATH}"

    def to_json(self) -> str:
        """The stored form (app database, key `provider_settings`)."""
        return msgspec.json.encode(self).decode()

    @classmethod
    def from_json(cls, text: str | None) -> ProviderSettings:
        """Read the stored form; missing or unreadable values fall back to the defaults."""
        if not text:
            return cls()
        try:
            settings = msgspec.json.decode(text, type=cls)
            return msgspec.structs.replace(settings, host=normalize_host(settings.host))
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
            return cls()


class SettingsDraft(msgspec.Struct, frozen=True):
    """What the settings dialog asks for: settings plus a newly typed token (None keeps the current)."""

    settings: ProviderSettings
    token: str | None = None
    redis_password: str | None = None
    """A newly typed password for the desk gateway's Redis (None keeps the stored one)."""

    def __repr__(self) -> str:  # the token never reaches a log line, a traceback or a debugger view
        shown = "***" if self.token else None
        password = "***" if self.redis_password else None
        return (
            f"SettingsDraft(settings={self.settings!r}, token={shown!r}, "
            f"redis_password={password!r})"
        )

    __str__ = __repr__

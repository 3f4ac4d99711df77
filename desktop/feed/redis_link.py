"""One way to reach the desk gateway's Redis from a URL: plain, TLS, or through Sentinel.

`redis://[user[:password]@]host:port[/db]`, `rediss://…` (TLS; `?ssl_ca_certs=PATH` trusts a
private CA, `ssl_certfile`/`ssl_keyfile` present a client certificate) and
`redis+sentinel://[user[:password]@]host:port[,host:port…]/MASTER` (the client asks the
Sentinels where the primary is, again after every failover). A password given separately (the
board's keyring, the gateway's environment) wins over none in the URL. URLs are shown and logged
only through `redact_redis_url`. redis-py itself is imported by `RedisLink.connect` only: a board
that parses a URL (its settings, its command line) but streams the demo never loads it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import msgspec

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisLink", "RedisUrlError", "redact_redis_url"]

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")
_SCHEMES = ("redis", "rediss", "redis+sentinel", "rediss+sentinel")
_TLS_OPTIONS = ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_cert_reqs")


class RedisUrlError(ValueError):
    """A Redis URL that cannot be used; the message is a sentence for the user."""


def redact_redis_url(url: str) -> str:
    """The URL with any password replaced by `***`."""
    return _PASSWORD.sub(r"\1***@", url)


class RedisLink(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed Redis URL: where, as whom, with TLS or not, directly or through Sentinel."""

    url: str
    hosts: tuple[tuple[str, int], ...]
    username: str | None = None
    password: str | None = None
    db: int = 0
    tls: bool = False
    tls_options: dict[str, str] = {}
    master: str | None = None
    """The Sentinel master name; None for a direct connection."""

    def __repr__(self) -> str:  # never show the password
        return f"RedisLink({self.redacted!r})"

    @property
    def redacted(self) -> str:
        """The URL, safe to show and log."""
        return redact_redis_url(self.url)

    @classmethod
    def parse(cls, url: str, password: str | None = None) -> RedisLink:
        """Parse `url`; `password` (keyring, environment) replaces a password missing from it."""
        parts = urlsplit(url.strip())
        if parts.scheme not in _SCHEMES:
            raise RedisUrlError(
                f"{redact_redis_url(url)!r} is not a Redis URL (use redis://host:port, "
                "rediss:// for TLS or redis+sentinel://host:port/master)"
            )
        netloc = parts.netloc.rpartition("@")[2]
        hosts = []
        for item in netloc.split(","):
            host, _, port = item.rpartition(":") if ":" in item else (item, "", "")
            try:
                hosts.append((host or "localhost", int(port) if port else _default_port(parts)))
            except ValueError:
                raise RedisUrlError(f"{item!r} is not host:port") from None
        if not hosts or not hosts[0][0]:
            raise RedisUrlError(f"{redact_redis_url(url)!r} names no host")
        sentinel = parts.scheme.endswith("+sentinel")
        path = parts.path.strip("/")
        master = None
        db = 0
        if sentinel:
            master = path or "mymaster"
        elif path:
            try:
                db = int(path)
            except ValueError:
                raise RedisUrlError(f"{path!r} is not a database number") from None
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - set(_TLS_OPTIONS)
        if unknown:
            raise RedisUrlError(f"unknown Redis URL option(s): {', '.join(sorted(unknown))}")
        return cls(
            url=url.strip(),
            hosts=tuple(hosts),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else (password or None),
            db=db,
            tls=parts.scheme.startswith("rediss"),
            tls_options=query,
            master=master,
        )

    def with_password(self, password: str | None) -> RedisLink:
        """The same link with `password` when the URL carried none."""
        if self.password or not password:
            return self
        return msgspec.structs.replace(self, password=password)

    def connect(self, *, name: str = "quoteboard", timeout_s: float = 5.0) -> Redis:
        """A client (not yet connected: the first command connects, again after a failover)."""
        # redis-py loads here, not with the board: parsing a URL needs none of it.
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.asyncio.sentinel import Sentinel
        from redis.backoff import ExponentialBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        options: dict[str, Any] = {
            "username": self.username,
            "password": self.password,
            "db": self.db,
            "socket_timeout": timeout_s,
            "socket_connect_timeout": min(timeout_s, 2.0),
            "client_name": name,
            "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            "retry_on_error": [RedisConnectionError, RedisTimeoutError],
            "health_check_interval": 5,
        }
        if self.tls:
            options["ssl"] = True
            options.update(self.tls_options)
        if self.master is None:
            host, port = self.hosts[0]
            return Redis(host=host, port=port, **options)
        sentinel_options: dict[str, Any] = {
            "socket_timeout": min(timeout_s, 1.0),
            "socket_connect_timeout": min(timeout_s, 1.0),
        }
        if self.tls:
            sentinel_options["ssl"] = True
            sentinel_options.update(self.tls_options)
        sentinel = Sentinel(list(self.hosts), sentinel_kwargs=sentinel_options)
        return sentinel.master_for(self.master, redis_class=Redis, **options)  # type: ignore[no-any-return]


def _default_port(parts: Any) -> int:
    return 26379 if str(parts.scheme).endswith("+sentinel") else 6379

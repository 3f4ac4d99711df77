"""Redis URLs as users write them: plain, TLS, Sentinel, and the mistakes."""

from __future__ import annotations

import pytest

from desktop.feed.redis_link import RedisLink, RedisUrlError, redact_redis_url


def test_plain_tls_and_sentinel_urls_parse() -> None:
    plain = RedisLink.parse("redis://qb-board:pw@10.0.0.5:6380/2")
    assert plain.hosts == (("10.0.0.5", 6380),) and plain.db == 2
    assert (plain.username, plain.password, plain.tls, plain.master) == (
        "qb-board",
        "pw",
        False,
        None,
    )
    tls = RedisLink.parse("rediss://gw:6379?ssl_ca_certs=/etc/ca.pem")
    assert tls.tls and tls.tls_options == {"ssl_ca_certs": "/etc/ca.pem"}
    sentinel = RedisLink.parse("redis+sentinel://s1:26379,s2/desk")
    assert sentinel.hosts == (("s1", 26379), ("s2", 26379)) and sentinel.master == "desk"


def test_a_password_from_the_keyring_fills_a_url_without_one() -> None:
    assert RedisLink.parse("redis://u@h:1", "kept").password == "kept"
    assert RedisLink.parse("redis://u:inurl@h:1", "kept").password == "inurl"
    assert RedisLink.parse("redis://h:1").with_password("k").password == "k"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://h:1", "not a Redis URL"),
        ("redis://h:port", "not host:port"),
        ("redis://h:1/x", "not a database number"),
        ("redis://h:1?sslca=1", "unknown Redis URL option"),
    ],
)
def test_bad_urls_get_a_sentence(url: str, says: str) -> None:
    with pytest.raises(RedisUrlError, match=says):
        RedisLink.parse(url)


def test_passwords_never_show() -> None:
    assert redact_redis_url("rediss://u:secret@h:1") == "rediss://u:***@h:1"
    assert "secret" not in repr(RedisLink.parse("redis://u:secret@h:1"))

"""Security: Redis ACL users (a board reads and registers interest only), TLS, the board's
password in its keyring, and the token never leaving the gateway."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from redis.exceptions import AuthenticationError, NoPermissionError, ResponseError

from desktop.feed.redis_link import RedisLink
from desktop.gateway.service import GatewayConfig
from desktop.persistence.credentials import load_redis_password, store_redis_password
from desktop.protocol.gateway_wire import GatewayKeys
from tests.conftest import MemoryKeyring, need_system
from tests.gateway.conftest import REDIS_SERVER, RedisServer, make_board, priced
from tests.gateway.test_gateway_boards import SYMBOLS, RunningGateway
from tests.polling import wait_until

# The ACL users the README recommends (README "Desk gateway" → Security).
GATEWAY_ACL = "on >gateway-secret ~qb:* &* +@all -@dangerous"
BOARD_ACL = (
    "on >board-secret resetkeys %R~qb:* %RW~qb:interest:* resetchannels -@all +@connection "
    "+get +mget +hgetall +xread +xrevrange +xrange +multi +exec +set +del "
    "+client|setname"
)


@pytest.fixture
def acl_server(tmp_path: Path) -> RedisServer:
    need_system(REDIS_SERVER is not None, "redis-server")
    server = RedisServer(tmp_path, ["--requirepass", "admin-secret"])
    server.start()
    return server


async def _make_users(url: str) -> None:
    admin = RedisLink.parse(url, "admin-secret").connect()
    await admin.execute_command("ACL", "SETUSER", "qb-gateway", *GATEWAY_ACL.split())
    await admin.execute_command("ACL", "SETUSER", "qb-board", *BOARD_ACL.split())
    await admin.aclose()


def _as(user: str, password: str, server: RedisServer) -> str:
    return f"redis://{user}:{password}@127.0.0.1:{server.port}"


async def test_a_board_user_reads_and_registers_interest_but_cannot_write_market_data(
    acl_server: RedisServer,
) -> None:
    await _make_users(acl_server.url)
    running = RunningGateway(_as("qb-gateway", "gateway-secret", acl_server), GatewayConfig())
    await running.start()
    board = make_board(_as("qb-board", "board-secret", acl_server), SYMBOLS, "acl-board")
    keys = GatewayKeys()
    try:
        await board.start()
        await wait_until(lambda: priced(board, SYMBOLS), "the ACL board priced")
        redis = board.redis
        attempts = [
            redis.xadd(keys.trades, {"d": "[]"}),
            redis.hset(keys.quote("AAPL.US"), "last", "1"),
            redis.set(keys.quote("AAPL.US"), "x"),
            redis.set(keys.heartbeat, "x"),
            redis.set(keys.board("acl-board"), "x"),
            redis.delete(keys.trades),
            redis.flushall(),
        ]
        for attempt in attempts:
            with pytest.raises((NoPermissionError, ResponseError)):
                await attempt
        assert await redis.set(keys.interest("acl-board-2"), "{}", px=1000)
        # Anonymous clients get nothing at all.
        anonymous = RedisLink.parse(acl_server.url).connect()
        with pytest.raises((ResponseError, AuthenticationError)):
            await anonymous.hgetall(keys.quote("AAPL.US"))
        await anonymous.aclose()
    finally:
        await board.stop()
        await running.stop()
        acl_server.stop()


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "redis.crt", directory / "redis.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
            "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_boards_and_gateway_speak_tls_with_rediss_urls(tmp_path: Path) -> None:
    need_system(REDIS_SERVER is not None and shutil.which("openssl") is not None, "openssl")
    cert, key = _self_signed(tmp_path)
    tls_args = ["--tls-cert-file", str(cert), "--tls-key-file", str(key)]
    tls_args += ["--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no"]
    server = RedisServer(tmp_path, tls_args, tls=True)
    server.start()
    url = f"rediss://127.0.0.1:{server.port}?ssl_ca_certs={cert}"
    running = RunningGateway(url, GatewayConfig())
    await running.start()
    board = make_board(url, SYMBOLS, "tls-board")
    plain = make_board(f"redis://127.0.0.1:{server.port}", SYMBOLS, "plain-board")
    try:
        await asyncio.gather(board.start(), plain.start())
        await wait_until(lambda: priced(board, SYMBOLS), "the TLS board priced")
        assert plain.status.text.startswith("Gateway down")
        assert not priced(plain, SYMBOLS)
    finally:
        await asyncio.gather(board.stop(), plain.stop())
        await running.stop()
        server.stop()


def test_a_boards_redis_password_lives_in_its_keyring(memory_keyring: MemoryKeyring) -> None:
    url = RedisLink.parse("redis://qb-board@gateway.desk:6379").redacted
    assert store_redis_password(url, "board-secret") is None
    assert load_redis_password(url) == "board-secret"
    link = RedisLink.parse("redis://qb-board@gateway.desk:6379").with_password(
        load_redis_password(url)
    )
    assert link.password == "board-secret"
    assert "board-secret" not in repr(link)
    assert RedisLink.parse("redis://u:pw@h:1").redacted == "redis://u:***@h:1"


async def test_nothing_a_board_can_read_holds_the_token(redis_server: RedisServer) -> None:
    token = "tok-3f9a1c77e2b04d55"
    running = RunningGateway(redis_server.url, GatewayConfig(), token=token)
    await running.start()
    board = make_board(redis_server.url, SYMBOLS, "board")
    redis = RedisLink.parse(redis_server.url).connect()
    try:
        await board.start()
        await wait_until(lambda: priced(board, SYMBOLS), "the board priced")
        seen = b""
        async for key in redis.scan_iter(match="*"):
            kind = (await redis.type(key)).decode()
            if kind == "string":
                seen += await redis.get(key) or b""
            elif kind == "hash":
                seen += b"".join(k + v for k, v in (await redis.hgetall(key)).items())
            elif kind == "stream":
                for _id, fields in await redis.xrange(key):
                    seen += b"".join(k + v for k, v in fields.items())
        assert b"AAPL.US" in seen and len(seen) > 1000
        assert token.encode() not in seen
    finally:
        await board.stop()
        await redis.aclose()
        await running.stop()

""" "Test connection": one real WebSocket handshake and one heartbeat round trip, told in words.

The settings dialog's button ends here (through the app package). It opens its own short-lived socket, so it
proves what the feed would meet: DNS, TCP, TLS, the token check at the handshake (reference §4.3:
HTTP 401) or in a reply (`ret` 401), and a 22000 → 22001 answer (§1.6).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import time
from enum import Enum
from urllib.parse import urlencode, urlsplit

import msgspec
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from desktop.feed.redact import redact, remember_secret
from desktop.protocol.alltick import AllTickCodec, Reply
from desktop.protocol.alltick_wire import Cmd, ErrorCode

__all__ = ["ProbeResult", "ProbeVerdict", "probe_connection"]

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 10.0


class ProbeVerdict(Enum):
    """How a probe ended; the dialog words it, the app package may act on it (401 → token field)."""

    OK = "ok"
    TOKEN_REJECTED = "token rejected"
    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed out"
    REFUSED = "refused"
    PROTOCOL = "protocol"


class ProbeResult(msgspec.Struct, frozen=True):
    """The outcome of one probe: a verdict, a sentence, and the two measured delays."""

    verdict: ProbeVerdict
    message: str
    connect_ms: float | None = None
    heartbeat_ms: float | None = None

    @property
    def ok(self) -> bool:
        """True when the handshake succeeded and the heartbeat was answered."""
        return self.verdict is ProbeVerdict.OK


def _with_token(ws_url: str, token: str) -> str:
    return f"{ws_url}{'&' if '?' in ws_url else '?'}{urlencode({'token': token})}"


def _host_of(ws_url: str) -> str:
    try:
        return urlsplit(ws_url).netloc or ws_url
    except ValueError:
        return ws_url


async def probe_connection(
    ws_url: str, token: str, *, timeout_s: float = PROBE_TIMEOUT_S
) -> ProbeResult:
    """Connect to `ws_url` with `token`, send one heartbeat, and report what happened (the
    sentence is shown on screen, so the token is redacted from it even when a server echoes it)."""
    remember_secret(token)
    result = await _probe(ws_url, token, timeout_s)
    return msgspec.structs.replace(result, message=redact(result.message))


async def _probe(ws_url: str, token: str, timeout_s: float) -> ProbeResult:
    host = _host_of(ws_url)
    loop = asyncio.get_running_loop()
    codec = AllTickCodec()
    started = loop.time()
    connect_ms: float | None = None
    try:
        async with asyncio.timeout(timeout_s):
            async with connect(
                _with_token(ws_url, token),
                open_timeout=None,  # the whole probe shares one deadline
                max_size=2**20,
                user_agent_header="QuoteBoard",
            ) as ws:
                connect_ms = (loop.time() - started) * 1000
                request = codec.heartbeat()
                sent = loop.time()
                await ws.send(request.text)
                while True:
                    event = codec.decode(await ws.recv(decode=False), time.time_ns() // 1_000_000)
                    if not isinstance(event, Reply):
                        continue  # a push, or a frame of no interest: keep waiting
                    if event.ret == ErrorCode.TOKEN_INVALID:
                        return ProbeResult(
                            ProbeVerdict.TOKEN_REJECTED,
                            f"Token rejected (401): {event.msg or 'token invalid'}",
                            connect_ms,
                        )
                    if event.cmd_id != Cmd.HEARTBEAT_REPLY:
                        continue
                    heartbeat_ms = (loop.time() - sent) * 1000
                    if event.ret != ErrorCode.OK:
                        return ProbeResult(
                            ProbeVerdict.PROTOCOL,
                            f"Connected to {host}, but the heartbeat was answered with "
                            f"{event.ret} {event.msg}".rstrip(),
                            connect_ms,
                            heartbeat_ms,
                        )
                    return ProbeResult(
                        ProbeVerdict.OK,
                        f"Connected to {host} in {connect_ms:.0f} ms; "
                        f"heartbeat answered in {heartbeat_ms:.0f} ms",
                        connect_ms,
                        heartbeat_ms,
                    )
    except TimeoutError:
        waiting = "for the heartbeat reply" if connect_ms is not None else f"connecting to {host}"
        return ProbeResult(
            ProbeVerdict.TIMED_OUT, f"Timed out after {timeout_s:g} s {waiting}", connect_ms
        )
    except InvalidStatus as exc:
        return _refused(host, exc.response.status_code)
    except InvalidURI:
        return ProbeResult(ProbeVerdict.UNREACHABLE, f"{host} is not a valid WebSocket address")
    except ConnectionClosed as exc:
        return ProbeResult(ProbeVerdict.REFUSED, _closed_early(host, exc), connect_ms)
    except socket.gaierror:
        return ProbeResult(ProbeVerdict.UNREACHABLE, f"Could not resolve host {host}")
    except ssl.SSLError as exc:
        reason = getattr(exc, "verify_message", None) or exc.reason or type(exc).__name__
        return ProbeResult(
            ProbeVerdict.UNREACHABLE, f"Secure connection to {host} failed: {reason}"
        )
    except ConnectionRefusedError:
        return ProbeResult(ProbeVerdict.UNREACHABLE, f"Could not reach {host}: connection refused")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ProbeResult(ProbeVerdict.UNREACHABLE, f"Could not reach {host}: {reason}")
    except InvalidHandshake as exc:
        log.info("probe of %s: handshake failed: %s", host, redact(str(exc)))
        return ProbeResult(
            ProbeVerdict.PROTOCOL,
            f"{host} did not accept a WebSocket connection ({type(exc).__name__})",
        )


def _refused(host: str, status: int) -> ProbeResult:
    if status == 401:
        return ProbeResult(ProbeVerdict.TOKEN_REJECTED, "Token rejected (401)")
    if status == 429:
        return ProbeResult(
            ProbeVerdict.REFUSED,
            f"{host} is limiting new connections (HTTP 429); wait a few seconds and try again",
        )
    return ProbeResult(ProbeVerdict.REFUSED, f"{host} refused the connection (HTTP {status})")


def _closed_early(host: str, exc: ConnectionClosed) -> str:
    """Closed before the heartbeat reply: most often the plan's connection limit (reference §1.7)."""
    rcvd = exc.rcvd
    why = f"{rcvd.code} {rcvd.reason}".strip() if rcvd is not None else "no close frame"
    return (
        f"{host} closed the connection before answering ({why}). If the board is already "
        "streaming with this token, your plan's connection limit may be in use."
    )

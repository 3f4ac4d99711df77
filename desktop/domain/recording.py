"""What a tick recording is, independent of where it is stored: events, settings and encodings.

Shared by the recorder (persistence), the replay (simulator) and the recording dialogs (widgets),
so a price written by one is read back exactly — as decimal text, never a float — by the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import IntEnum

import msgspec

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData, Tick

__all__ = [
    "RECORDING_FORMAT",
    "EventKind",
    "MarketEvent",
    "RecordingSettings",
    "RecordingState",
    "RecordingStatus",
    "Retention",
    "decode_levels",
    "encode_levels",
    "format_levels",
    "parse_time_bound",
    "redact_dsn",
    "split_dsn_password",
]

RECORDING_FORMAT = 1
"""`PRAGMA user_version` of a tick database this version writes and replays."""

MarketEvent = Tick | DepthSnapshot | ReferenceData
"""What the feed hands the recorder: a trade, a full book, or a REST reference snapshot."""

_PASSWORD_KV = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_PASSWORD_URL = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)(\S*)(@)", re.IGNORECASE)
_LEVELS = msgspec.json.Encoder()
_LEVELS_DECODER = msgspec.json.Decoder(list[list[str | int]])


class EventKind(IntEnum):
    """The `kind` column of a recorded event."""

    TRADE = 0
    DEPTH = 1


class Retention(msgspec.Struct, frozen=True):
    """How much history to keep: at most `days` days and at most `gigabytes` GB (0 = no limit)."""

    days: float = 0.0
    gigabytes: float = 0.0

    @property
    def limited(self) -> bool:
        """True when either limit is set."""
        return self.days > 0 or self.gigabytes > 0


class RecordingSettings(msgspec.Struct, frozen=True):
    """The user's recording choices, saved in the app's settings (never with a password)."""

    enabled: bool = False
    all_symbols: bool = True
    """Record every streamed symbol; otherwise only `symbols`."""
    symbols: tuple[str, ...] = ()
    retention: Retention = Retention(days=30.0)
    postgres_dsn: str = ""
    """A libpq connection string or URL without its password; empty records into SQLite."""


class RecordingState(IntEnum):
    """Where the recorder is: off, writing, or paused by a storage problem (it retries)."""

    OFF = 0
    RECORDING = 1
    PAUSED = 2


class RecordingStatus(msgspec.Struct, frozen=True):
    """One snapshot of the recorder for the status bar and the performance display."""

    state: RecordingState
    message: str = ""
    queue_depth: int = 0
    written: int = 0
    dropped: int = 0
    target: str = ""
    """Where ticks go, for a tooltip: a file path or a redacted connection string."""
    notice: str = ""
    """Something the user should know once (an unreadable tick file was moved aside)."""


def encode_levels(levels: Iterable[DepthLevel]) -> str:
    """A book side as compact JSON `[["189.53",300],["189.52",500,3]]`: prices exact, as text."""
    rows: list[tuple[str, int] | tuple[str, int, int]] = [
        (str(level.price), level.volume)
        if level.orders is None
        else (str(level.price), level.volume, level.orders)
        for level in levels
    ]
    return _LEVELS.encode(rows).decode()


def decode_levels(text: str | None) -> tuple[DepthLevel, ...]:
    """The inverse of `encode_levels` (an empty side for NULL or "")."""
    if not text:
        return ()
    levels = []
    for row in _LEVELS_DECODER.decode(text):
        price, volume, *orders = row
        levels.append(
            DepthLevel(Decimal(str(price)), int(volume), int(orders[0]) if orders else None)
        )
    return tuple(levels)


def format_levels(text: str | None) -> str:
    """A stored book side as readable text for CSV: `189.53@300 189.52@500`."""
    return " ".join(f"{level.price}@{level.volume}" for level in decode_levels(text))


def parse_time_bound(text: str, tz: tzinfo | None = None) -> int:
    """Epoch ms from `2024-05-02T09:30`, `2024-05-02 09:30:15`, a date, or epoch seconds/ms.

    A time without a zone is local time (the machine's, or `tz` if given); raises ValueError with a
    sentence a user can read.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("an empty time")
    if raw.isdigit():
        number = int(raw)
        return number if number >= 10**12 else number * 1000
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1) if " " in raw else raw)
    except ValueError:
        raise ValueError(
            f"“{raw}” is not a time: use 2024-05-02T09:30, 2024-05-02 09:30:15 or epoch seconds"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone() if tz is None else moment.replace(tzinfo=tz)
    return int(moment.timestamp() * 1000)


def redact_dsn(dsn: str) -> str:
    """A PostgreSQL connection string with any password replaced by `***` (safe to show, log)."""
    return _PASSWORD_URL.sub(r"\1***\3", _PASSWORD_KV.sub(r"\1***", dsn))


def split_dsn_password(dsn: str) -> tuple[str, str | None]:
    """(the connection string without its password, the password or None) — URL or key=value."""
    found: list[str] = []

    def take_url(match: re.Match[str]) -> str:
        found.append(match.group(2))
        return match.group(1)[:-1] + match.group(3)

    def take_kv(match: re.Match[str]) -> str:
        value = match.group(2)
        if value.startswith("'") and value.endswith("'"):
            value = value[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        found.append(value)
        return ""

    stripped = _PASSWORD_URL.sub(take_url, dsn)
    stripped = " ".join(_PASSWORD_KV.sub(take_kv, stripped).split())
    return stripped, (found[0] if found else None)

"""The demo market's last prices, kept on disk so a restart on the same day resumes them.

A trader who restarts the board at lunch should not see every demo price jump back to a new
random start; on another day the market starts afresh (a new session, a new previous close).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec

from desktop.domain.symbols import Symbol, SymbolError

__all__ = ["load_prices", "save_prices", "utc_day"]

log = logging.getLogger(__name__)


class _Saved(msgspec.Struct):
    day: str
    prices: dict[str, str]


def utc_day(epoch_ms: int) -> str:
    """The UTC date of `epoch_ms`, `2026-12-04`: the key the saved prices are valid for."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).date().isoformat()


def load_prices(path: Path, day: str) -> dict[Symbol, Decimal]:
    """The prices saved on `day` (empty when none, from another day, or unreadable)."""
    try:
        saved = msgspec.json.decode(path.read_bytes(), type=_Saved)
    except FileNotFoundError:
        return {}
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        log.warning("ignoring the saved demo prices in %s: %s", path, exc)
        return {}
    if saved.day != day:
        return {}
    prices: dict[Symbol, Decimal] = {}
    for code, text in saved.prices.items():
        try:
            price = Decimal(text)
            symbol = Symbol.parse(code)
        except (InvalidOperation, SymbolError):
            continue
        if price.is_finite() and price > 0:
            prices[symbol] = price
    return prices


def save_prices(path: Path, day: str, prices: dict[Symbol, Decimal]) -> None:
    """Write the prices of `day` atomically (a crash never leaves half a file)."""
    data = _Saved(day, {str(symbol): str(price) for symbol, price in prices.items()})
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        tmp.write_bytes(msgspec.json.encode(data))
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not save the demo prices to %s: %s", path, exc)

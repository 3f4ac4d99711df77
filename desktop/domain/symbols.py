"""Symbols as users type them and as the provider sends them, normalised to one canonical form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

__all__ = ["Market", "Symbol", "SymbolError", "parse_symbols"]


class Market(Enum):
    """An exchange market the board streams; the value is the suffix used in codes."""

    US = "US"
    HK = "HK"

    @property
    def timezone(self) -> str:
        """IANA time zone of the market's local clock."""
        return "America/New_York" if self is Market.US else "Asia/Hong_Kong"

    @property
    def currency(self) -> str:
        """Currency prices are quoted in."""
        return "USD" if self is Market.US else "HKD"


class SymbolError(ValueError):
    """Raised with a sentence a user can read when text is not a symbol."""


_US_ROOT = re.compile(r"^[A-Z]{1,6}(?:[.\-/][A-Z])?$")
_HK_ROOT = re.compile(r"^[0-9]{1,5}$")
_LEGACY_HK = re.compile(r"^HK[-_ ]?([0-9]{1,5})$")  # an older AllTick doc form, e.g. HK-1288
_HINT = "use a ticker like AAPL or AAPL.US, or a Hong Kong code like 700 or 00700.HK"


@dataclass(frozen=True, slots=True, order=True)
class Symbol:
    """A listed stock: its code on its market. `str(symbol)` is the canonical form (`00700.HK`)."""

    code: str
    market: Market

    @classmethod
    def parse(cls, text: str) -> Symbol:
        """Normalise user text: `aapl` → AAPL.US, `700.hk` / `0700.HK` → 00700.HK, `brk-b` → BRK.B.US.

        Only ASCII letters and digits make a symbol: a look-alike (`ſpy`, fullwidth `７００`) is
        refused with the reason rather than folded into a real symbol the user did not type.
        """
        stripped = text.strip()
        if not stripped.isascii():
            odd = "".join(dict.fromkeys(c for c in stripped if not c.isascii()))[:8]
            raise SymbolError(
                f"“{stripped[:24]}” has characters that only look like letters or digits "
                f"({odd}): type the symbol in plain letters and digits."
            )
        raw = stripped.upper()
        if not raw:
            raise SymbolError("An empty text is not a symbol: " + _HINT + ".")
        if len(raw) > 24:
            raise SymbolError(f"“{raw[:24]}…” is too long to be a symbol: {_HINT}.")
        legacy = _LEGACY_HK.match(raw)
        if legacy:
            return cls._hk(legacy.group(1), text)
        root, market = raw, None
        for suffix in (".US", ".HK"):
            if raw.endswith(suffix):
                root, market = raw[: -len(suffix)], Market(suffix[1:])
                break
        if market is Market.HK or (market is None and _HK_ROOT.match(root)):
            if not _HK_ROOT.match(root):
                raise SymbolError(f"“{text.strip()}” is not a Hong Kong code: {_HINT}.")
            return cls._hk(root, text)
        if not _US_ROOT.match(root):
            raise SymbolError(f"“{text.strip()}” is not a symbol: {_HINT}.")
        return cls(re.sub(r"[\-/]", ".", root), Market.US)

    @classmethod
    def _hk(cls, digits: str, text: str) -> Symbol:
        number = int(digits)
        if number == 0:
            raise SymbolError(f"“{text.strip()}” is not a Hong Kong code: codes start at 1.")
        return cls(f"{number:05d}", Market.HK)

    @classmethod
    def from_wire(cls, code: str) -> Symbol:
        """Read a provider code (`700.HK`, `AAPL.US`); raises SymbolError if it is not one."""
        return cls.parse(code)

    @property
    def wire(self) -> str:
        """The code as the provider expects it: HK without leading zeros (reference §1.1)."""
        if self.market is Market.HK:
            return f"{int(self.code)}.HK"
        return f"{self.code}.US"

    def __str__(self) -> str:
        return f"{self.code}.{self.market.value}"


def parse_symbols(text: str) -> tuple[list[Symbol], list[str]]:
    """Split free text ("AAPL, MSFT 700.HK") into symbols, and the messages for the parts that are not."""
    found: list[Symbol] = []
    errors: list[str] = []
    for part in re.split(r"[\s,;|]+", text):
        if not part:
            continue
        try:
            symbol = Symbol.parse(part)
        except SymbolError as exc:
            errors.append(str(exc))
            continue
        if symbol not in found:
            found.append(symbol)
    return found, errors

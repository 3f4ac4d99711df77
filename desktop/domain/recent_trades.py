"""A symbol's latest pushed trades, kept so a REST day bar older than some of them can be topped up.

The book re-adds the volume and turnover of the pushed trades later than a day bar's as-of time
(`QuoteBook.apply_reference`). It needs no order among them, only a bounded window of the newest
`RECENT_TRADES`, so they live in a ring of columns in `array`s: exchange times, seqs, volumes and
turnovers as exact integers of millionths (8 bytes each), plus each turnover's exponent (1 byte)
so a sum comes back as the same `Decimal` summing the originals gives, trailing zeros included.
A ring whose trade has a turnover with more than six decimals, or too large for 64 bits, keeps
its turnovers as `Decimal`s from then on. A deque of (ms, volume, turnover) tuples cost ≈ 244 bytes
a trade, a column of `Decimal`s ≈ 130, these columns ≈ 36 (≈ 0.7 µs more per trade to convert).
Nothing is allocated before the symbol's first pushed trade, and the columns hold no Python
objects for the garbage collector to walk: 5,000 symbols trading all day keep 2.6 million trades.
"""

from __future__ import annotations

from array import array
from decimal import Context, Decimal

__all__ = ["RECENT_TRADES", "RecentTrades", "later_than"]

RECENT_TRADES = 512
"""Pushed trades a symbol remembers: enough to cover a day bar fetched a while ago."""

_PLACES = 6
"""Decimals a turnover may have to be kept as an integer of millionths."""
_SCALE = 10**_PLACES
_INT64 = 2**63
_WIDE = Context(prec=64)
"""Enough digits that bringing back a sum of 512 int64 millionths never rounds."""


def _decimal(millionths: int, exponent: int) -> Decimal:
    """Millionths back as the `Decimal` with `exponent` they came from (or a sum of such)."""
    return _WIDE.quantize(Decimal(millionths).scaleb(-_PLACES, _WIDE), Decimal(1).scaleb(exponent))


def _millionths(turnover: Decimal) -> tuple[int, int] | None:
    """`turnover` as an exact integer of millionths and its exponent, or None when it has none.

    Per pushed trade, so the exponent is read from the text (a third of `as_tuple`'s cost)."""
    text = str(turnover)
    if "E" in text or "N" in text or "n" in text:  # exponent notation, NaN, Infinity: rare
        exponent = turnover.as_tuple().exponent
        if not isinstance(exponent, int):
            return None
    else:
        point = text.find(".")
        exponent = 0 if point < 0 else point + 1 - len(text)
    if exponent < -_PLACES:
        return None
    scaled = int(turnover * _SCALE)
    return (scaled, exponent) if -_INT64 <= scaled < _INT64 else None


class RecentTrades:
    """The newest `capacity` pushed trades of one symbol (exchange ms, volume, turnover)."""

    __slots__ = ("_at", "_capacity", "_exponent", "_exact", "_next", "_seq", "_turnover", "_volume")

    def __init__(self, capacity: int = RECENT_TRADES) -> None:
        if capacity < 1:
            raise ValueError("remember at least one trade")
        self._capacity = capacity
        self._at = array("q")
        self._seq = array("q")
        """Each trade's seq, -1 when it had none."""
        self._volume = array("q")
        self._turnover = array("q")
        """Turnovers in millionths (while `_exact` is None)."""
        self._exponent = array("b")
        """Each turnover's `Decimal` exponent (while `_exact` is None)."""
        self._exact: list[Decimal] | None = None
        """The turnovers as `Decimal`s, once one did not fit in millionths."""
        self._next = 0
        """Where the next trade goes once the ring is full (the oldest one's slot)."""

    def __len__(self) -> int:
        return len(self._at)

    def add(self, at_ms: int, seq: int | None, volume: int, turnover: Decimal) -> None:
        """Remember one trade, forgetting the oldest when full (called per pushed trade)."""
        exact = self._exact
        millionths = exponent = 0
        if exact is None:
            as_int = _millionths(turnover)
            if as_int is None:
                exact = self._exact = self._decimals()
            else:
                millionths, exponent = as_int
        i = self._next
        if i == len(self._at):  # still filling: the next slot is the end
            self._at.append(at_ms)
            self._seq.append(-1 if seq is None else seq)
            self._volume.append(volume)
            if exact is None:
                self._turnover.append(millionths)
                self._exponent.append(exponent)
            else:
                exact.append(turnover)
        else:
            self._at[i] = at_ms
            self._seq[i] = -1 if seq is None else seq
            self._volume[i] = volume
            if exact is None:
                self._turnover[i] = millionths
                self._exponent[i] = exponent
            else:
                exact[i] = turnover
        self._next = i + 1 if i + 1 < self._capacity else 0

    def after(self, ts_ms: int, seq: int | None = None) -> tuple[int, Decimal]:
        """Volume and turnover of the remembered trades later than `ts_ms` (or in that same
        millisecond with a seq above `seq`, when both seqs are known)."""
        if self._exact is not None:
            volume, turnover = 0, Decimal()
            rows = zip(self._at, self._seq, self._volume, self._exact, strict=True)
            for at, own, vol, amount in rows:
                if later_than(at, own, ts_ms, seq):
                    volume += vol
                    turnover += amount
            return volume, turnover
        volume, scaled, exponent = 0, 0, 0  # Decimal() + x keeps the smaller exponent: so here
        columns = zip(
            self._at, self._seq, self._volume, self._turnover, self._exponent, strict=True
        )
        for at, own, vol, millionths, exp in columns:
            if later_than(at, own, ts_ms, seq):
                volume += vol
                scaled += millionths
                exponent = min(exponent, exp)
        return volume, _decimal(scaled, exponent)

    def _decimals(self) -> list[Decimal]:
        """The kept turnovers as `Decimal`s, as they were added (the columns are emptied)."""
        kept = [
            _decimal(amount, exp)
            for amount, exp in zip(self._turnover, self._exponent, strict=True)
        ]
        self._turnover = array("q")
        self._exponent = array("b")
        return kept


def later_than(at_ms: int, seq: int | None, as_of_ms: int, as_of_seq: int | None) -> bool:
    """Whether a trade (`at_ms`, `seq`; seq None or -1 unknown) came after a day bar's as-of."""
    if at_ms != as_of_ms:
        return at_ms > as_of_ms
    return as_of_seq is not None and seq is not None and seq > as_of_seq >= 0

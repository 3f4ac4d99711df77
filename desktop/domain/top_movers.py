"""Top movers over the streamed symbols: by change %, by turnover, and since you last looked.

"Since you last looked" compares each last price with a `LookBaseline`: the prices as they stood
when the user last had the dashboard in front of them (taken when it is hidden, or on request).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from desktop.domain.quote_book import QuoteBook

__all__ = ["LookBaseline", "MoverMode", "Mover", "rank_movers"]


class MoverMode(Enum):
    """What the movers list ranks by."""

    CHANGE = "change"
    """Largest change since the previous close, up or down."""
    TURNOVER = "turnover"
    """Most value traded today."""
    SINCE_LOOKED = "since_looked"
    """Largest change since the baseline was taken."""


@dataclass(frozen=True, slots=True)
class LookBaseline:
    """Last prices at one moment (epoch ms), to measure moves "since you last looked"."""

    prices: dict[str, Decimal]
    at_ms: int

    @classmethod
    def take(cls, book: QuoteBook, symbols: list[str], now_ms: int) -> LookBaseline:
        """The book's last prices of `symbols` now."""
        prices: dict[str, Decimal] = {}
        for symbol in symbols:
            state = book.get(symbol)
            if state is not None and state.last is not None:
                prices[symbol] = state.last
        return cls(prices, now_ms)


@dataclass(frozen=True, slots=True)
class Mover:
    """One row of the movers list."""

    symbol: str
    name: str
    last: Decimal | None
    change_pct: float | None
    turnover: float
    since_pct: float | None
    """Change since the baseline in per cent (None without a baseline price)."""


def rank_movers(
    book: QuoteBook,
    symbols: list[str],
    mode: MoverMode,
    baseline: LookBaseline | None = None,
    limit: int = 20,
) -> list[Mover]:
    """The `limit` biggest movers by `mode`, biggest first; symbols without the value are left out."""
    rows: list[Mover] = []
    for symbol in dict.fromkeys(symbols):
        state = book.get(symbol)
        if state is None or state.last is None:
            continue
        change = state.change_pct
        since = None
        if baseline is not None:
            before = baseline.prices.get(symbol)
            if before:
                since = float((state.last - before) * 100 / before)
        rows.append(
            Mover(
                symbol,
                state.name,
                state.last,
                None if change is None else float(change),
                float(state.turnover),
                since,
            )
        )

    def key(mover: Mover) -> float | None:
        if mode is MoverMode.CHANGE:
            return None if mover.change_pct is None else abs(mover.change_pct)
        if mode is MoverMode.TURNOVER:
            return mover.turnover or None
        return None if mover.since_pct is None else abs(mover.since_pct)

    ranked = [(value, mover) for mover in rows if (value := key(mover)) is not None]
    ranked.sort(key=lambda pair: (-pair[0], pair[1].symbol))
    return [mover for _, mover in ranked[:limit]]

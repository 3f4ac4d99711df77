"""One watchlist row's cache, shared by the formatter that fills it and the order that sorts it."""

from __future__ import annotations

from desktop.domain.formatting import market_of
from desktop.domain.symbols import Market
from desktop.domain.truth_terms import Truth
from desktop.qt.quote_columns import QuoteCell, SortKey, SparkCell

__all__ = ["QuoteRow"]


class QuoteRow:
    """Per-symbol cache: display strings, sort keys, cell records and flash state per column."""

    __slots__ = (
        "badge",
        "badge_note",
        "cells",
        "dim",
        "flashes",
        "keys",
        "market",
        "note",
        "painted_at",
        "spark",
        "symbol",
        "texts",
        "tick_dir",
        "time_note",
        "tooltips",
        "truth",
    )

    def __init__(self, symbol: str, ncols: int) -> None:
        self.symbol = symbol
        self.market: Market = market_of(symbol)
        self.texts: list[str] = [""] * ncols
        self.keys: list[SortKey] = [None] * ncols
        self.cells: list[QuoteCell] = []
        self.flashes: dict[int, tuple[float, int, int]] | None = None
        """Fading cells by column: (start, direction +1/-1/0 for a notice, step); None when none
        has flashed (three per-column lists cost ≈ 0.75 KB a row, mostly never used)."""
        self.tick_dir = 0
        self.note: str | None = None
        self.time_note: str | None = None
        self.dim = False
        self.tooltips: dict[int, str] = {}
        self.spark: SparkCell | None = None
        self.badge = 0
        self.badge_note = ""
        self.truth = Truth.LIVE
        self.painted_at = 0.0
        """Monotonic time the Last cell last changed on screen (the price timeline's "painted")."""

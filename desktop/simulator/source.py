"""The seam between the simulator's server and what it serves: a live random walk or a replay.

`SimulatorServer` speaks the AllTick protocol; a `MarketSource` decides what the market does.
`SimulatedMarket` invents it; `ReplaySource` (simulator/replay.py) plays back a recording.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from desktop.domain.symbols import Symbol
from desktop.simulator.market import Bar, BookRecord, TradeRecord
from desktop.simulator.universe import Instrument

__all__ = ["MarketSource", "Push"]

Push = TradeRecord | BookRecord
"""One push to fan out: a trade (22998) or a book (22999)."""


class MarketSource(Protocol):
    """What the server needs from a market: static facts, snapshots for REST, and pushes."""

    def resolve(self, code: str, *, synthesise: bool = False) -> Symbol | None:
        """The symbol for a wire code, or None when this market does not have it."""
        ...

    def instrument(self, symbol: Symbol) -> Instrument:
        """Names, board lot, exchange of a resolved symbol."""
        ...

    def last_trade(self, symbol: Symbol) -> TradeRecord:
        """The latest trade (REST `/trade-tick`)."""
        ...

    def book(self, symbol: Symbol) -> BookRecord:
        """The current book (REST `/depth-tick`)."""
        ...

    def day_bar(self, symbol: Symbol) -> Bar:
        """Today's bar so far."""
        ...

    def previous_day_bar(self, symbol: Symbol) -> Bar:
        """The previous trading day's bar (its close is the previous close)."""
        ...

    def minute_bars(self, symbol: Symbol, count: int | None = None) -> list[Bar]:
        """The latest one-minute bars, oldest first."""
        ...

    def pushes(
        self,
        now_ms: int,
        trades_wanted: int,
        trade_symbols: Collection[Symbol],
        depth_symbols: Collection[Symbol],
    ) -> list[Push]:
        """Advance to `now_ms` and return what to push, in the order to push it.

        A live market prints `trades_wanted` trades over `trade_symbols` and refreshes the books of
        `depth_symbols`; a replay returns whatever its recording holds up to `now_ms` and may
        ignore the rates (the server still sends each client only what it subscribed).
        """
        ...

"""The built-in market: an AllTick-compatible WS + REST server on loopback over a seeded market.

With no API token the app runs against it ("Demo data"); the feed's tests run against it too.
"""

from __future__ import annotations

from desktop.simulator.embedded import EmbeddedSimulator, SimulatorEndpoints
from desktop.simulator.market import Bar, BookRecord, SimulatedMarket, TradeRecord
from desktop.simulator.server import (
    DEMO_TOKEN,
    PLANS,
    ConnectionRecord,
    Faults,
    Plan,
    SimulatorConfig,
    SimulatorServer,
)
from desktop.simulator.universe import DEFAULT_INSTRUMENTS, Instrument, Universe

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "DEMO_TOKEN",
    "PLANS",
    "Bar",
    "BookRecord",
    "ConnectionRecord",
    "EmbeddedSimulator",
    "Faults",
    "Instrument",
    "Plan",
    "SimulatedMarket",
    "SimulatorConfig",
    "SimulatorEndpoints",
    "SimulatorServer",
    "TradeRecord",
    "Universe",
]

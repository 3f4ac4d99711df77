"""The built-in market: an AllTick-compatible WS + REST server on loopback over a seeded market.

With no API token the app runs against it ("Demo data"); the feed's tests run against it too,
with faults injected through `FaultInjector`.
"""

from __future__ import annotations

from desktop.simulator.config import DEMO_TOKEN, SimulatorConfig
from desktop.simulator.connections import ConnectionRecord, ReceivedFrame, ServerStats
from desktop.simulator.embedded import EmbeddedSimulator, SimulatorEndpoints
from desktop.simulator.faults import FaultInjector, FaultKind, Faults
from desktop.simulator.market import SimulatedMarket
from desktop.simulator.records import Bar, BookRecord, TradeRecord
from desktop.simulator.server import SimulatorServer
from desktop.simulator.universe import DEFAULT_INSTRUMENTS, Instrument, Universe

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "DEMO_TOKEN",
    "Bar",
    "BookRecord",
    "ConnectionRecord",
    "EmbeddedSimulator",
    "FaultInjector",
    "FaultKind",
    "Faults",
    "Instrument",
    "ReceivedFrame",
    "ServerStats",
    "SimulatedMarket",
    "SimulatorConfig",
    "SimulatorEndpoints",
    "SimulatorServer",
    "TradeRecord",
    "Universe",
]

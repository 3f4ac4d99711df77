"""The bundled symbol universe (resources/symbols/*.csv) as the simulator's source of real names.

A code outside the simulator's own table gets its real name, Chinese name, board lot and exchange
from the bundled universe, so the demo never shows an invented company for a real ticker.
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from pathlib import Path

from desktop.domain.symbol_universe import ListedSymbol, SymbolUniverse, UniverseError
from desktop.domain.symbols import Symbol

__all__ = ["bundled_listing"]

log = logging.getLogger(__name__)


def _symbols_dir() -> Path:
    """`resources/symbols`, in a source tree or a frozen bundle (as `widgets.resources`)."""
    if getattr(sys, "frozen", False):
        bundle = getattr(sys, "_MEIPASS", None)
        root = Path(bundle) if bundle else Path(sys.executable).resolve().parent
        return root / "resources" / "symbols"
    return Path(__file__).resolve().parents[2] / "resources" / "symbols"


@cache
def bundled_listing() -> dict[Symbol, ListedSymbol]:
    """Every bundled listed symbol by `Symbol` (empty, with a warning, when unreadable)."""
    folder = _symbols_dir()
    try:
        universe = SymbolUniverse.from_files(folder / name for name in ("us.csv", "hk.csv"))
    except (OSError, UniverseError) as exc:
        log.warning("bundled symbol names unavailable (%s): simulated codes get no names", exc)
        return {}
    return {entry.symbol: entry for entry in universe.entries()}

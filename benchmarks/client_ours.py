"""Quote Board's own pipeline under load, composed as `desktop.app` composes it.

FeedService (websockets, msgspec codec) → QuoteBook → StreamBridge flush at 25 Hz →
QuoteTableModel → MainWindow with the WatchlistView, shown offscreen under qasync and sorted by
Chg % (so throttled re-sorts run). The only addition is `StampingQuoteBook`, which remembers each
applied tick's `tick_time` so every tick's latency to the model is measured, not a sample.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from benchmarks.common import ControlBlock, benchmark_symbols
from benchmarks.features import open_ladders, sparklines_shown
from benchmarks.measure import RunMeasurement
from desktop.domain.market_data import Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol


class StampingQuoteBook(QuoteBook):
    """A `QuoteBook` that also keeps the `tick_time` of every tick applied since the last take."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[int] = []

    def apply_tick(self, tick: Tick, now: float) -> None:
        """Apply, then remember the stamp."""
        super().apply_tick(tick, now)
        self.stamps.append(tick.ts_ms)

    def take_stamps(self) -> list[int]:
        """Stamps of ticks applied since the previous call."""
        stamps, self.stamps = self.stamps, []
        return stamps


async def _run(args: argparse.Namespace) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.domain.symbol_search import SymbolMatcher
    from desktop.domain.symbol_universe import SymbolUniverse
    from desktop.feed.service import FeedService
    from desktop.persistence.database import Database
    from desktop.persistence.watchlists import WatchlistRepository
    from desktop.protocol.plans import PLANS, Plan
    from desktop.qt.quote_columns import ColumnId
    from desktop.qt.stream_bridge import StreamBridge
    from desktop.qt.watchlist_session import WatchlistSession
    from desktop.widgets.main_window import MainWindow
    from desktop.widgets.watchlist_panel import WatchlistPanel

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    names = benchmark_symbols(args.symbols)
    symbols = [Symbol.parse(name) for name in names]
    book = StampingQuoteBook()
    repo = WatchlistRepository(Database(Path(":memory:")))  # one list, nothing kept
    list_id = repo.create("Benchmark", names).id
    session = WatchlistSession(repo, book)
    window = MainWindow(WatchlistPanel(session, SymbolMatcher(SymbolUniverse())))
    window.resize(1280, 760)
    model = session.model(list_id)
    view = window.watchlist_view()
    assert model is not None and view is not None
    view.sortByColumn(int(ColumnId.CHANGE_PCT), Qt.SortOrder.DescendingOrder)
    # REST unpaced: the simulator's batch-kline is GET-only, so the client falls back to one
    # /kline per symbol, which at the plan's pacing would take a minute for 1,000 symbols.
    profile = msgspec.structs.replace(PLANS[Plan.PROFESSIONAL], rest_interval_s=0.0)
    url = f"ws://127.0.0.1:{args.port}/quote-stock-b-ws-api"
    service = FeedService(book, url, "bench", profile)
    bridge = StreamBridge(book, model, lambda: service.stats().frames)
    window.show()
    ladders = open_ladders(window, names[:2]) if args.ladders else []
    service.set_symbols(symbols, [Symbol.parse(s) for s in ladders])

    control = ControlBlock(Path(args.control))

    def received() -> int:
        return service.stats().frames

    def ready() -> bool:
        return all((state := book.get(name)) is not None and state.name for name in names)

    def extra() -> dict[str, Any]:
        conns = service._connections
        codec_replies = sum(c.codec.stats.replies + c.codec.stats.unknown_cmd for c in conns)
        counters = book.counters
        applied = counters.ticks + counters.depth_updates
        return {
            "lost": service.stats().frames - codec_replies - applied,
            "bad_frames": service.stats().bad_frames,
            "duplicates": counters.duplicates,
            "features": {"sparklines": sparklines_shown(model), "ladders": len(ladders)},
        }

    measurement = RunMeasurement(
        control,
        rate=args.rate,
        warmup_s=args.warmup,
        window_s=args.seconds,
        received=received,
        applied=lambda: book.counters.ticks,
        ready=ready,
        extra=extra,
    )

    def on_flush(duration_ms: float) -> None:
        stamps = book.take_stamps()
        if stamps and measurement.in_window:
            now_ms = time.time() * 1000.0
            measurement.add_latencies(now_ms - np.array(stamps, dtype=np.float64))
        measurement.add_flush(duration_ms)

    bridge.flushed.connect(on_flush)
    bridge.start()
    await service.start()
    measurement.start()
    await asyncio.Event().wait()  # the measurement exits the process when it is done


def main() -> None:
    """Run one measured session against a simulator already listening on --port."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--symbols", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--ladders", action="store_true", help="open two depth ladders if built")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.widgets.theme import apply_dark_theme

    qapp = QApplication.instance() or QApplication([])
    assert isinstance(qapp, QApplication)
    apply_dark_theme(qapp)
    qasync.run(_run(args))


if __name__ == "__main__":
    main()

"""Quote Board's own pipeline under load, composed as `desktop.app` composes it.

FeedService (websockets, msgspec codec) → QuoteBook → StreamBridge flush (woken by the book,
paced at the screen's refresh rate) → QuoteTableModel → MainWindow with the WatchlistView, shown
offscreen under qasync and sorted by Chg % (so throttled re-sorts run), with what a trader has on
screen besides: the Trend column's sparklines and the minute bars fed by every trade and seeded
from REST (`Insights`, with the alert center evaluating on every flush), the depth dock following
the selected row and two pop-out depth ladders whose symbols stream full depth. The only
additions are `StampingQuoteBook`, which remembers each applied tick's `tick_time` so every
tick's latency to the model is measured, not a sample, and a hook after the watchlist view's
paint that stamps the ticks of on-screen rows when a paint shows them (`ScreenLatency`).
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

from benchmarks.common import (
    WINDOW_SIZE,
    ControlBlock,
    benchmark_symbols,
    client_arguments,
    process_cpu_s,
)
from benchmarks.measure import RunMeasurement
from benchmarks.memory_stages import MEMORY_REPORT_ENV, MemoryStages
from benchmarks.screen_latency import ScreenLatency
from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Symbol


class StampingQuoteBook(QuoteBook):
    """A `QuoteBook` that also keeps the `tick_time` of every tick applied since the last take,
    and tells books that came from a REST snapshot (not from a frame) from pushed ones."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[int] = []
        self.moved: list[tuple[str, int]] = []
        """(symbol, stamp) of the applied ticks that moved the symbol's last price: what a paint
        must show (a tick at the same price may change no visible cell)."""
        self.rest_books: dict[int, DepthSnapshot] = {}
        """The books the REST client returned by `id()`, kept alive so no id is reused."""
        self.rest_books_applied = 0

    def apply_depth(self, depth: DepthSnapshot, now: float) -> None:
        """Apply, counting the REST snapshots: they were never a frame on the socket."""
        super().apply_depth(depth, now)
        if id(depth) in self.rest_books:
            self.rest_books_applied += 1

    def apply_tick(self, tick: Tick, now: float) -> None:
        """Apply, then remember the stamp (and whether the tick moved the last price)."""
        state = self.get(tick.symbol)
        before = state.last if state is not None else None
        super().apply_tick(tick, now)
        self.stamps.append(tick.ts_ms)
        if state is not None and state.last != before:
            self.moved.append((tick.symbol, tick.ts_ms))

    def take_stamps(self) -> tuple[list[int], list[tuple[str, int]]]:
        """Stamps of ticks applied since the previous call, and (symbol, stamp) of those that
        moved a last price."""
        stamps, moved = self.stamps, self.moved
        self.stamps, self.moved = [], []
        return stamps, moved


def _hook_paints(view: Any, screen: ScreenLatency) -> None:
    """Have `screen` hear the end of every paint of `view`'s viewport (a class-level override:
    Qt calls Python overrides found on the class, and this process has one watchlist view)."""
    cls = type(view)
    paint = cls.paintEvent

    def paint_event(self: Any, event: Any) -> None:
        paint(self, event)
        if self is view:
            screen.painted(event.region())

    cls.paintEvent = paint_event


def _count_rest_books(rest: Any, book: StampingQuoteBook) -> None:
    """Let `book` recognise the depth snapshots this REST client returns."""
    fetch = rest.latest_books

    async def latest_books(symbols: Any) -> list[DepthSnapshot]:
        books: list[DepthSnapshot] = await fetch(symbols)
        book.rest_books.update((id(depth), depth) for depth in books)
        return books

    rest.latest_books = latest_books


async def _run(args: argparse.Namespace) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.app.feed_switch import FeedSwitch
    from desktop.app.insights import Insights
    from desktop.app.preload import drop_source_cache
    from desktop.domain.symbol_search import SymbolMatcher
    from desktop.domain.symbol_universe import SymbolUniverse
    from desktop.feed.service import FeedService
    from desktop.feed.timing import IngestMode
    from desktop.persistence.database import Database
    from desktop.persistence.watchlists import WatchlistRepository
    from desktop.protocol.plans import PLANS, Plan
    from desktop.qt.gui_thread_gc import GuiThreadCollector
    from desktop.qt.quote_columns import ColumnId
    from desktop.qt.watchlist_session import WatchlistSession
    from desktop.widgets.depth_windows import DepthWindowManager
    from desktop.widgets.main_window import MainWindow
    from desktop.widgets.watchlist_panel import WatchlistPanel

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    names = benchmark_symbols(args.symbols)
    symbols = [Symbol.parse(name) for name in names]
    book = StampingQuoteBook()
    db = Database(Path(":memory:"))  # one list, no alerts, nothing kept
    repo = WatchlistRepository(db)
    list_id = repo.create("Benchmark", names).id
    session = WatchlistSession(repo, book)
    panel = WatchlistPanel(session, SymbolMatcher(SymbolUniverse()))
    window = MainWindow(panel)
    window.resize(*WINDOW_SIZE)
    model = session.model(list_id)
    view = window.watchlist_view()
    assert model is not None and view is not None
    view.sortByColumn(int(ColumnId.CHANGE_PCT), Qt.SortOrder.DescendingOrder)
    # REST unpaced: 1,000 symbols' static info and minute bars at the plan's pacing would take
    # minutes; the measured window starts once every symbol is named and its history seeded.
    profile = msgspec.structs.replace(PLANS[Plan.PROFESSIONAL], rest_interval_s=0.0)
    if args.symbols_per_connection:  # e.g. 5,000 symbols over 4 connections
        profile = msgspec.structs.replace(
            profile, symbols_per_connection=args.symbols_per_connection
        )
    url = f"ws://127.0.0.1:{args.port}/quote-stock-b-ws-api"
    workers = args.ingest_workers or 1
    if args.ingest_workers:
        args.ingest = "process"
    service = FeedService(
        book, url, "bench", profile, ingest=IngestMode(args.ingest), ingest_workers=workers
    )
    _count_rest_books(service.rest, book)
    # The app's feed switch owns the bridge and announces feeds; this run attaches its own
    # (unpaced REST) service to the insights directly instead of switching to it.
    switch = FeedSwitch(book, session, window, lambda event: None)
    bridge = switch.bridge
    ladders = DepthWindowManager(book, bridge, main_window=window)
    window.install_depth_dock(ladders.dock(), ladders.watchlist_group_menu(window))
    panel.currentSymbolChanged.connect(ladders.follow_selection)
    insights = Insights(book, session, window, switch, db, tray_available=False)
    window.show()
    window.resize(*WINDOW_SIZE)  # after show: showing applies the main window's default size
    insights.start()
    view.select_symbol(names[0])  # the dock follows it, as when the app starts
    if args.ladders:
        for name in names[1:3]:
            ladders.pop_out(name)
    depth = [Symbol.parse(name) for name in ladders.ladder_symbols()]
    service.set_symbols(symbols, depth)
    insights.attach_feed(service.rest, names, None)

    control = ControlBlock(Path(args.control))

    def received() -> int:
        return service.stats().frames

    def ready() -> bool:
        named = all((state := book.get(name)) is not None and state.name for name in names)
        done = named and not insights.history.pending()
        if done:
            memory.mark("seeded")
        return done

    memory = MemoryStages(os.environ.get(MEMORY_REPORT_ENV))
    memory.mark("composed")

    def extra() -> dict[str, Any]:
        memory.mark("end")
        memory.write()
        conns = service._connections
        codec_replies = sum(c.session.stats.replies + c.session.stats.unknown_cmd for c in conns)
        counters = book.counters
        applied = counters.ticks + counters.depth_updates - book.rest_books_applied
        return {
            "ingest": args.ingest,
            "ingest_workers": workers if args.ingest == "process" else 0,
            "connections": len(conns),
            "worker_pids": [w.pid for w in service.workers],
            "lost": service.stats().frames - codec_replies - applied,
            "bad_frames": service.stats().bad_frames,
            "duplicates": counters.duplicates,
            "gc_collections": collector.collections,
            "gc_longest_ms": round(collector.longest_ms, 1),
            "gc_full_sweeps": collector.full_sweeps,
            # what the minute bars in `peak_rss_mb` hold: seeding depends on the time of day
            "minute_bars_per_symbol": round(
                sum(insights.bars.minutes(name) for name in names) / max(len(names), 1), 1
            ),
            "features": {
                "sparklines": sum(1 for name in names if insights.sparklines.version(name)),
                "ladders": len(ladders.windows()),
                "depth_symbols": len(depth),
                "history_seeded": insights.history.seeded,
                "rest_refusals": service.rest.refusals,
                "rest_failures": service.rest.failures,
            },
        }

    def worker_cpu() -> float:
        """CPU seconds of every ingest worker (summed: `worker_cpu_pct` may exceed 100)."""
        return sum(process_cpu_s(w.pid) for w in service.workers if w.pid is not None)

    measurement = RunMeasurement(
        control,
        rate=args.rate,
        warmup_s=args.warmup,
        window_s=args.seconds,
        received=received,
        applied=lambda: book.counters.ticks,
        ready=ready,
        extra=extra,
        worker_cpu=worker_cpu if args.ingest == "process" else None,
    )

    screen = ScreenLatency(view, model.symbol_at, lambda: measurement.in_window)
    measurement.screen = screen
    _hook_paints(view, screen)

    changed: set[str | None] = set()
    """Symbols whose Last cell the model announced as changed since the last flush ended (taken
    as announced: a re-sort later in the flush moves rows)."""
    last_column = int(ColumnId.LAST)

    def announced(top_left: Any, bottom_right: Any, _roles: Any = ()) -> None:
        if top_left.column() <= last_column <= bottom_right.column():
            changed.add(model.symbol_at(top_left.row()))

    model.dataChanged.connect(announced)

    def on_flush(duration_ms: float) -> None:
        stamps, moved = book.take_stamps()
        screen.note_many([tick for tick in moved if tick[0] in changed])
        screen.settle([tick for tick in moved if tick[0] not in changed])
        changed.clear()
        if stamps and measurement.in_window:
            now_ms = time.time() * 1000.0
            measurement.add_latencies(now_ms - np.array(stamps, dtype=np.float64))
        measurement.add_flush(duration_ms)

    bridge.flushed.connect(on_flush)
    collector = GuiThreadCollector()  # as the board does: garbage is freed on this thread only
    collector.start()
    insights.on_history_loaded = collector.sweep  # as the board does
    bridge.start()
    await service.start()
    drop_source_cache()  # as the board does once it has started
    measurement.start()
    await asyncio.Event().wait()  # the measurement exits the process when it is done


def main() -> None:
    """Run one measured session against a simulator already listening on --port."""
    args = client_arguments(__doc__, ladders_help="open the two pop-out depth ladders")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app.preload import import_before_qt

    import_before_qt()  # as `desktop.__main__` does before Qt loads
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.qt.palette import DARK
    from desktop.widgets.theme import apply_theme

    qapp = QApplication.instance() or QApplication([])
    assert isinstance(qapp, QApplication)
    apply_theme(qapp, DARK)
    MemoryStages.note_start()
    qasync.run(_run(args))


if __name__ == "__main__":
    main()

"""Many watchlists over one book: refresh every list's model per flush, or only the shown one?

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/watchlist_models.py [--lists 6 --size 100]`

Builds LISTS lists of SIZE symbols (overlapping, as real lists do) in a temporary database, shows
them as tabs (one visible), applies TICKS random trades per frame and times the flush loop:
  all-live  — every list's model formats every frame (the simple design);
  shown-only — hidden lists only remember which symbols changed (what the app does);
and what showing a hidden tab costs after a minute of ticks (its one-off catch-up refresh).
Numbers are ratios on this machine, not budgets (DESIGN.md: speed claims live here).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.domain.market_data import ReferenceData, Tick, TradeSide  # noqa: E402
from desktop.domain.quote_book import QuoteBook  # noqa: E402
from desktop.persistence.database import Database  # noqa: E402
from desktop.persistence.watchlists import WatchlistRepository  # noqa: E402
from desktop.qt.stream_bridge import StreamBridge  # noqa: E402
from desktop.qt.watchlist_session import WatchlistSession  # noqa: E402
from desktop.widgets.watchlist_tabs import WatchlistTabs  # noqa: E402


def codes(count: int) -> list[str]:
    """Distinct valid US tickers."""
    return [
        f"Q{chr(65 + i // 676)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}.US" for i in range(count)
    ]


def run(lists: int, size: int, ticks: int, frames: int, seed: int) -> dict[str, float]:
    """Time both designs on the same lists and ticks; returns milliseconds."""
    app = QApplication.instance() or QApplication([])
    rng = random.Random(seed)
    universe = codes(size * lists // 2)  # lists overlap: a symbol is on two lists on average
    with tempfile.TemporaryDirectory() as folder:
        repo = WatchlistRepository(Database(Path(folder) / "q.db"))
        for n in range(lists):
            repo.create(f"List {n}", rng.sample(universe, size))
        book = QuoteBook()
        session = WatchlistSession(repo, book)
        tabs = WatchlistTabs(session)
        tabs.resize(1400, 900)
        tabs.show()
        bridge = StreamBridge(book, session.models(), lambda: 0)
        for symbol in universe:
            book.apply_reference(
                ReferenceData(symbol, name=symbol, prev_close=Decimal(100), last=Decimal(100)), 0.0
            )
        app.processEvents()
        seq = 0

        def frame_ms() -> float:
            nonlocal seq
            for symbol in rng.sample(universe, ticks):
                seq += 1
                price = Decimal(100) + Decimal(rng.randint(-500, 500)) / 100
                book.apply_tick(
                    Tick(symbol, price, 100, None, TradeSide.BUY, 1_700_000_000_000 + seq, seq),
                    time.monotonic(),
                )
            bridge.flush()
            app.processEvents()  # the repaint of the visible table is part of the cost
            return bridge.stats.last_flush_ms

        def measure() -> float:
            for _ in range(10):
                frame_ms()
            return statistics.median(frame_ms() for _ in range(frames))

        shown_only = measure()
        for model in session.models():
            model.set_live(True)
        all_live = measure()
        hidden = session.models()[-1]
        session.set_active_list(session.lists()[0].id)  # every other list hidden again
        assert not hidden.is_live()
        for _ in range(25 * 60 // 10):  # a minute of 25 Hz frames, sampled
            frame_ms()
        started = time.perf_counter()
        tabs.setCurrentIndex(lists - 1)
        catch_up = (time.perf_counter() - started) * 1000
        assert hidden.is_live()
        repo.db.close()
    return {"shown_only_ms": shown_only, "all_live_ms": all_live, "catch_up_ms": catch_up}


def main() -> None:
    """Print the medians."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lists", type=int, default=6)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--ticks", type=int, default=150, help="symbols that traded per frame")
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = run(args.lists, args.size, args.ticks, args.frames, args.seed)
    print(
        f"{args.lists} lists x {args.size} symbols, {args.ticks} symbols traded per frame: "
        f"flush median {result['shown_only_ms']:.2f} ms shown-only vs "
        f"{result['all_live_ms']:.2f} ms all-live "
        f"({result['all_live_ms'] / max(result['shown_only_ms'], 1e-9):.1f}x); "
        f"showing a hidden tab after a minute: {result['catch_up_ms']:.1f} ms once"
    )


if __name__ == "__main__":
    main()

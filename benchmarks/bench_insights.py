"""What sparklines, minute bars, alerts and the heatmap cost, measured as ratios in one run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_insights.py

1. Per trade: `QuoteBook.apply_tick` alone vs with the sparkline and minute-bar listeners.
2. Per frame: repainting the Trend column of 40 visible rows whose lines all changed (paths
   rebuilt) vs unchanged (cached paths), in a 1,000-row watchlist.
3. Per flush: evaluating 3 alert rules on each of 200 changed symbols.
4. Heatmap: squarified layout of 500 tiles.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.domain.alerts import AlertEngine, AlertKind, AlertRule  # noqa: E402
from desktop.domain.market_data import ReferenceData, Tick, TradeSide  # noqa: E402
from desktop.domain.minute_bars import MinuteBarStore  # noqa: E402
from desktop.domain.quote_book import QuoteBook  # noqa: E402
from desktop.domain.sparklines import SparklineStore  # noqa: E402
from desktop.domain.treemap import Rect, squarify  # noqa: E402

T0_MS = 1_732_285_800_000  # Friday 2024-11-22 09:30 in New York


def best_of(runs: int, fn: Callable[[], None]) -> float:
    """Median seconds of `fn` over `runs` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def symbols(n: int) -> list[str]:
    return [f"S{i:04d}.US" for i in range(n)]


def ticks(names: list[str], count: int, seconds: float) -> list[Tick]:
    rng = random.Random(1)
    step = seconds * 1000 / count
    return [
        Tick(
            rng.choice(names),
            Decimal(f"{100 + rng.random():.2f}"),
            100,
            None,
            TradeSide.BUY,
            int(T0_MS + i * step),
            i + 1,
        )
        for i in range(count)
    ]


def bench_ticks() -> None:
    names = symbols(1000)
    # Two hours' worth of 100,000 trades on 1,000 symbols: "sparse" opens a new 10-second bucket
    # and a new minute on almost every trade (the listeners' dearest path); "liquid" puts the
    # same trades into one minute, so most of them only update the open bucket and bar.
    for label, seconds in (("sparse", 3600.0), ("liquid", 60.0)):
        stream = ticks(names, 100_000, seconds)

        def run(listeners: bool, stream: list[Tick] = stream) -> Callable[[], None]:
            def go() -> None:
                book = QuoteBook()
                for name in names:
                    book.track(name)
                if listeners:  # as desktop/app/insights.py does it: one float per trade
                    sparks, bars = SparklineStore(), MinuteBarStore()

                    def on_trade(tick: Tick) -> None:
                        price = float(tick.price)
                        sparks.add(tick.symbol, price, tick.ts_ms)
                        bars.add(tick.symbol, price, tick.volume, tick.ts_ms)

                    book.add_trade_listener(on_trade)
                for tick in stream:
                    book.apply_tick(tick, 0.0)

            return go

        plain = best_of(5, run(False)) / len(stream) * 1e6
        full = best_of(5, run(True)) / len(stream) * 1e6
        print(
            f"per trade ({label}): book alone {plain:.2f} µs, with sparkline + minute bars "
            f"{full:.2f} µs (+{full - plain:.2f} µs)"
        )


def bench_trend_paint() -> None:
    from PySide6.QtWidgets import QApplication

    from desktop.qt.quote_columns import ColumnId
    from desktop.qt.quote_table_model import SPARK_ROLE, QuoteTableModel
    from desktop.widgets.watchlist_view import WatchlistView

    app = QApplication.instance() or QApplication([])
    names = symbols(1000)
    book, sparks = QuoteBook(), SparklineStore()
    book.add_trade_listener(sparks.add_trade)
    model = QuoteTableModel(book)
    model.set_symbols(names)
    for name in names:
        book.apply_reference(ReferenceData(name, prev_close=Decimal(100)), 0.0)
    for tick in ticks(names, 400_000, 6 * 3600):  # a long day: ~2,000 points per line
        book.apply_tick(tick, 0.0)
    model.set_sparklines(sparks)
    model.refresh(book.take_dirty(), 0.0)
    view = WatchlistView(model)
    view.resize(1440, 40 * view.ROW_HEIGHT + 30)
    view.show()
    app.processEvents()
    trend = int(ColumnId.TREND)
    rng = random.Random(2)
    seq = [10**7]

    band = view.visualRect(model.index(0, trend)).united(view.visualRect(model.index(39, trend)))

    def frame(change: bool) -> Callable[[], None]:
        def go() -> None:
            if change:
                for name in names[:40]:
                    seq[0] += 1
                    price = Decimal(f"{100 + rng.random():.2f}")
                    tick = Tick(name, price, 1, None, TradeSide.BUY, T0_MS + 6 * 3600_000, seq[0])
                    book.apply_tick(tick, 0.0)
                model.refresh(book.take_dirty(), 1.0)
            view.viewport().repaint(band)  # the Trend column of the 40 visible rows

        return go

    delegate = view.sparkline_delegate()
    built = delegate.builds
    changed = best_of(20, frame(True)) * 1000
    rebuilt = (delegate.builds - built) / 20
    cached = best_of(20, frame(False)) * 1000
    cells = [model.index(r, trend).data(SPARK_ROLE) for r in range(40)]
    width, height = band.width() - 12, view.ROW_HEIGHT - 8

    def rebuild_all() -> None:
        for cell in cells:
            cell.version += 1  # a new line version: the cached path no longer fits
            delegate._entry(cell, width, height)

    per_path = best_of(20, rebuild_all) / len(cells) * 1e6
    print(
        f"trend column, 40 visible rows of ~2,000 points each: {changed:.1f} ms/frame when every "
        f"line moved (ticks + model refresh + {rebuilt:.0f} paths rebuilt + paint), "
        f"{cached:.1f} ms/frame painting cached paths; one path rebuild {per_path:.0f} µs"
    )


def bench_alerts() -> None:
    names = symbols(200)
    book, bars = QuoteBook(), MinuteBarStore()
    book.add_trade_listener(bars.add_trade)
    engine = AlertEngine()
    rule_id = 0
    for name in names:
        book.track(name)
        book.apply_reference(ReferenceData(name, prev_close=Decimal(100)), 0.0)
        for kind, threshold in (
            (AlertKind.PRICE_ABOVE, "999"),
            (AlertKind.CHANGE_PCT, "50"),
            (AlertKind.VOLUME_ANOMALY, "50"),
        ):
            rule_id += 1
            engine.put(AlertRule(name, kind, Decimal(threshold), id=rule_id))
    for tick in ticks(names, 50_000, 3600):
        book.apply_tick(tick, 0.0)
    now = T0_MS / 1000 + 3600
    per_flush = best_of(20, lambda: engine.evaluate(names, book, bars, now)) * 1000
    print(f"alerts: 600 rules on 200 changed symbols: {per_flush:.2f} ms per flush")


def bench_treemap() -> None:
    rng = random.Random(3)
    weights = [rng.lognormvariate(18, 1.5) for _ in range(500)]
    layout = best_of(20, lambda: squarify(weights, Rect(0, 0, 1200, 800))) * 1000
    print(f"heatmap: squarified layout of 500 tiles: {layout:.2f} ms")


if __name__ == "__main__":
    bench_ticks()
    bench_alerts()
    bench_treemap()
    bench_trend_paint()

"""Can the time & sales tape keep up with 2,000 prints a second? Measured as costs in one run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/tape_bench.py

1. Per trade: `QuoteBook.apply_tick` alone vs with the tape ring and relative-volume listeners.
2. Per flush at 2,000 prints/s and 25 flushes/s (80 prints a frame), every print on the symbol the
   tape shows (the worst case): the model's batch insert, and the whole frame (insert + repaint of
   a 380×600 tape view), against the 40 ms a frame has.
3. The same with the prints spread over 40 symbols (the tape shows one of them).
4. The anomaly dashboard: ranking 40 symbols with a full day of minute bars, the first time (each
   symbol's typical minute move is worked out) and then each second (typical moves are reused
   until a new minute bar appears).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.domain.daily_stats import DailyStats  # noqa: E402
from desktop.domain.market_data import Tick, TradeSide  # noqa: E402
from desktop.domain.minute_bars import MinuteBarStore  # noqa: E402
from desktop.domain.quote_book import QuoteBook  # noqa: E402
from desktop.domain.relative_volume import RelativeVolume  # noqa: E402
from desktop.domain.tape import TapeBook  # noqa: E402
from desktop.domain.volume_anomalies import AnomalyScanner  # noqa: E402
from desktop.qt.tape_model import TapeModel  # noqa: E402
from desktop.widgets.tape_panel import TapePanel  # noqa: E402

T0_MS = 1_772_807_400_000  # Friday 2026-03-06 09:30 in New York
RATE = 2_000
FLUSH_HZ = 25
FRAMES = 250  # ten seconds of prints


def median_of(runs: int, fn: Callable[[], None]) -> float:
    """Median seconds of `fn` over `runs` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def stream(names: list[str], count: int) -> list[Tick]:
    """`count` prints over `names` at RATE a second: odd lots, round lots, now and then a block."""
    rng = random.Random(1)
    step = 1000 / RATE
    out = []
    for i in range(count):
        size = rng.choice((100, 100, 200, 300, 57, 500)) * (40 if rng.random() < 0.01 else 1)
        out.append(
            Tick(
                rng.choice(names),
                Decimal(f"{189 + rng.random():.2f}"),
                size,
                None,
                TradeSide(rng.randrange(3)),
                int(T0_MS + i * step),
                i + 1,
            )
        )
    return out


def book_for(names: list[str]) -> QuoteBook:
    book = QuoteBook()
    for name in names:
        book.track(name)
    return book


def bench_per_trade() -> tuple[float, float]:
    names = [f"S{i:02d}.US" for i in range(40)]
    prints = stream(names, 100_000)

    def plain() -> None:
        book = book_for(names)
        for tick in prints:
            book.apply_tick(tick, 0.0)

    def with_tape() -> None:
        book = book_for(names)
        tape, rvol = TapeBook(), RelativeVolume(book)
        book.add_trade_listener(tape.add)
        book.add_trade_listener(rvol.on_trade)
        for tick in prints:
            book.apply_tick(tick, 0.0)

    base = median_of(3, plain) / len(prints) * 1e6
    full = median_of(3, with_tape) / len(prints) * 1e6
    return base, full


def bench_frames(spread: bool) -> tuple[list[float], list[float], int]:
    """(insert ms per frame, whole frame ms, rows inserted) over FRAMES frames."""
    app = QApplication.instance() or QApplication([])
    names = [f"S{i:02d}.US" for i in range(40)] if spread else ["AAPL.US"]
    per_frame = RATE // FLUSH_HZ
    prints = stream(names, per_frame * FRAMES)
    book = book_for(names)
    tape = TapeBook()
    book.add_trade_listener(tape.add)
    model = TapeModel(tape)
    panel = TapePanel(model)
    panel.resize(380, 600)
    panel.show()
    model.set_symbol(names[0])
    app.processEvents()
    inserts, frames = [], []
    for frame in range(FRAMES):
        book.apply_ticks(prints[frame * per_frame : (frame + 1) * per_frame], 0.0)
        started = time.perf_counter()
        model.on_frame(book.take_dirty(), 0.0)
        inserted = time.perf_counter()
        panel.view.viewport().repaint()
        app.processEvents()
        done = time.perf_counter()
        inserts.append((inserted - started) * 1000)
        frames.append((done - started) * 1000)
    rows = model.inserted
    panel.close()
    return inserts, frames, rows


def bench_dashboard() -> tuple[float, float]:
    names = [f"S{i:02d}.US" for i in range(40)]
    book = book_for(names)
    bars, tape, rvol = MinuteBarStore(), TapeBook(), RelativeVolume(book)
    book.add_trade_listener(bars.add_trade)
    book.add_trade_listener(tape.add)
    book.add_trade_listener(rvol.on_trade)
    rng = random.Random(2)
    for minute in range(390):  # a whole session: 20 prints a minute per symbol
        for name in names:
            for i in range(20):
                at = T0_MS + minute * 60_000 + i * 3_000
                price = Decimal(f"{100 + rng.random():.2f}")
                book.apply_tick(Tick(name, price, 100, None, TradeSide.BUY, at), 0.0)
    for name in names:
        rvol.set_stats(name, DailyStats(3_000_000.0, 20, None, None))
    scanner = AnomalyScanner(book, bars, tape)
    now = T0_MS + 390 * 60_000
    first = median_of(1, lambda: scanner.scan(names, now)) * 1000  # works out typical moves
    return first, median_of(10, lambda: scanner.scan(names, now)) * 1000


def p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def main() -> None:
    base, full = bench_per_trade()
    print("| measure | value |")
    print("|---|---|")
    print(f"| apply_tick alone, µs per trade | {base:.2f} |")
    print(f"| apply_tick + tape ring + relative volume, µs per trade | {full:.2f} |")
    print(f"| CPU share of 2,000 prints/s on the tape path | {full * RATE / 1e4:.2f}% of a core |")
    for spread, label in ((False, "all prints on the shown symbol"), (True, "spread over 40")):
        inserts, frames, rows = bench_frames(spread)
        print(
            f"| {label}: insert per flush, median / p99 ms | "
            f"{statistics.median(inserts):.2f} / {p99(inserts):.2f} |"
        )
        print(
            f"| {label}: whole frame (insert + repaint), median / p99 ms | "
            f"{statistics.median(frames):.2f} / {p99(frames):.2f} (budget 40) |"
        )
        print(f"| {label}: rows inserted in {FRAMES} frames | {rows:,} |")
    first, steady = bench_dashboard()
    print(f"| dashboard first rank, 40 symbols × 390 minute bars, ms | {first:.1f} |")
    print(f"| dashboard re-rank each second after that, ms | {steady:.1f} |")


if __name__ == "__main__":
    main()

"""What a 10-level HK ladder costs per flush: model refresh and repaint, lean vs default delegate.

Two books: "busy" (every level's size changes every frame, the touch moves every 5th: the worst
case) and "one level" (one size changes per push: the common case, where only that row repaints).

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_depth_ladder.py [frames]`.
Prints one JSON line. Read the numbers as ratios within one run, not as absolute budgets.
"""

from __future__ import annotations

import json
import os
import sys
import time
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QStyledItemDelegate  # noqa: E402

from desktop.domain.market_data import DepthLevel, DepthSnapshot, ReferenceData  # noqa: E402
from desktop.domain.quote_book import QuoteBook  # noqa: E402
from desktop.qt.depth_model import DepthLadderModel  # noqa: E402
from desktop.qt.palette import DARK  # noqa: E402
from desktop.widgets.depth_ladder import DepthLadder  # noqa: E402
from desktop.widgets.theme import apply_theme  # noqa: E402

SYMBOL = "00700.HK"


def book_at(frame: int, busy: bool = True) -> DepthSnapshot:
    """A 10-level book. Busy: every size changes each frame and the touch moves every 5th frame.
    Quiet: only the best bid's size changes (a typical push)."""
    if not busy:
        bids = tuple(
            DepthLevel(
                Decimal("480.0") - Decimal("0.2") * i, 100 * (i + 1 + (frame % 7 if i == 0 else 0))
            )
            for i in range(10)
        )
        asks = tuple(
            DepthLevel(Decimal("480.2") + Decimal("0.2") * i, 100 * (i + 2)) for i in range(10)
        )
        return DepthSnapshot(SYMBOL, bids, asks, frame)
    shift = Decimal("0.2") * (frame // 5 % 3)
    bids = tuple(
        DepthLevel(Decimal("480.0") + shift - Decimal("0.2") * i, 100 * (1 + (i * 7 + frame) % 40))
        for i in range(10)
    )
    asks = tuple(
        DepthLevel(Decimal("480.2") + shift + Decimal("0.2") * i, 100 * (1 + (i * 5 + frame) % 40))
        for i in range(10)
    )
    return DepthSnapshot(SYMBOL, bids, asks, frame)


def run(frames: int, lean: bool, app: QApplication, busy: bool = True) -> dict[str, float]:
    book = QuoteBook()
    book.track(SYMBOL)
    book.apply_reference(ReferenceData(SYMBOL, name="Tencent", lot_size=100), 0.0)
    model = DepthLadderModel(book)
    model.set_symbol(SYMBOL)
    ladder = DepthLadder(model)
    if not lean:
        ladder.view().setItemDelegate(QStyledItemDelegate(ladder.view()))
    ladder.resize(540, 620)
    ladder.show()
    app.processEvents()
    refresh = paint = 0.0
    for frame in range(frames):
        now = frame / 25
        book.apply_depth(book_at(frame, busy), now)
        started = time.perf_counter()
        model.on_frame(book.take_dirty(), now)
        middle = time.perf_counter()
        app.processEvents()  # paints what the model marked dirty, as a real frame does
        done = time.perf_counter()
        refresh += middle - started
        paint += done - middle
    ladder.close()
    return {"refresh_ms": refresh / frames * 1000, "paint_ms": paint / frames * 1000}


def main() -> None:
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app, DARK)
    run(50, True, app)  # warm caches and imports
    lean = run(frames, True, app)
    default = run(frames, False, app)
    quiet = run(frames, True, app, busy=False)
    print(
        json.dumps(
            {
                "frames": frames,
                "lean_refresh_ms": round(lean["refresh_ms"], 3),
                "lean_paint_ms": round(lean["paint_ms"], 3),
                "default_delegate_paint_ms": round(default["paint_ms"], 3),
                "paint_ratio_default_over_lean": round(default["paint_ms"] / lean["paint_ms"], 2),
                "one_level_push_refresh_ms": round(quiet["refresh_ms"], 3),
                "one_level_push_paint_ms": round(quiet["paint_ms"], 3),
                "frame_budget_share_at_25hz": round(
                    (lean["refresh_ms"] + lean["paint_ms"]) / 40.0, 4
                ),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Fuzz the decoder and the book together: generated and mutated AllTick frames, zero escapes.

Every frame goes through `AllTickCodec.decode` and, when accepted, into a `QuoteBook` with the
sparkline and minute-bar listeners the app attaches, then through the row formatting. An
"escape" is any exception out of that path (the codec must count a bad frame instead, and what
it accepts must be safe to apply and show). `python -m benchmarks.frame_fuzz [count]` prints the
outcome; `make reliability` runs a million.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

from desktop.domain.formatting import (
    format_exact,
    format_price,
    format_time,
    format_volume,
    market_of,
)
from desktop.domain.market_data import DepthSnapshot, Tick
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sparklines import SparklineStore
from desktop.protocol.alltick import AllTickCodec

__all__ = ["FuzzResult", "FrameFuzzer", "main", "run_fuzz"]

NOW_MS = 1_764_806_400_000  # 2025-12-04: the wall clock every frame is decoded at
CODES = ["700.HK", "AAPL.US", "9988.HK", "TSLA.US", "5.HK", "NVDA.US"]
_TIMES = [
    NOW_MS,
    NOW_MS - 1,
    NOW_MS + 86_399_999,
    NOW_MS - 86_399_999,
    NOW_MS // 1000,
    NOW_MS * 1000,
    253402300800000,
    253402300800,
    2 * 10**17,
    9999999999999,
    0,
    -1,
    1,
    10**30,
    2**63,
    2**64,
]
_DEEP = "\u0000deep\u0000"
_NUMBERS: list[object] = [
    "0",
    "-1",
    "1e-400",
    "9e18",
    "1e19",
    "9999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999999999",
    "0.00000001",
    "1000000000",
    "1000000000.01",
    1e308,
    -0.0,
    "",
    " 1",
    "1_000",
    "0x10",
    "１２３",
    True,
    None,
    [],
    {},
    "١٢٣",
]


_DEEP_JSON = json.dumps(_DEEP)


@dataclass
class FuzzResult:
    """What a fuzz run did: frames sent, how the codec judged them, and any escapes."""

    frames: int = 0
    accepted: int = 0
    bad: int = 0
    escapes: int = 0
    seconds: float = 0.0
    escape_kinds: Counter[str] = field(default_factory=Counter)
    bad_kinds: dict[str, int] = field(default_factory=dict)
    first_escape: str = ""


class FrameFuzzer:
    """Deterministic frame generator: valid pushes, replies, and mutations of them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def _value(self) -> object:
        rng = self.rng
        pick = rng.random()
        if pick < 0.45:
            return rng.choice(_NUMBERS)
        if pick < 0.6:
            return rng.choice(_TIMES)
        if pick < 0.75:
            return str(round(rng.uniform(-10, 10 ** rng.randint(0, 12)), rng.randint(0, 10)))
        if pick < 0.85:
            return rng.randint(-(2**70), 2**70)
        if pick < 0.97:
            return "".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(rng.randint(0, 8)))
        if pick < 0.99:
            return self._nested(rng.randint(1, 20))
        return _DEEP  # replaced in the text by nesting deep enough to exhaust a recursive parser

    def _nested(self, depth: int) -> object:
        node: object = self.rng.choice([1, "x", None])
        for _ in range(depth):
            node = [node] if self.rng.random() < 0.5 else {"a": node}
        return node

    def _trade(self) -> dict[str, object]:
        rng = self.rng
        return {
            "code": rng.choice(CODES),
            "seq": str(rng.randint(0, 10**16)),
            "tick_time": str(NOW_MS - rng.randint(0, 3_600_000)),
            "price": f"{rng.uniform(0.01, 2000):.3f}",
            "volume": str(rng.randint(0, 10**6)),
            "turnover": f"{rng.uniform(0, 10**9):.2f}",
            "trade_direction": rng.randint(0, 2),
        }

    def _depth(self) -> dict[str, object]:
        rng = self.rng

        def side() -> list[dict[str, object]]:
            return [
                {"price": f"{rng.uniform(0.01, 2000):.2f}", "volume": str(rng.randint(0, 10**6))}
                for _ in range(rng.randint(0, 10))
            ]

        return {
            "code": rng.choice(CODES),
            "seq": rng.randint(0, 10**16),
            "tick_time": NOW_MS - rng.randint(0, 3_600_000),
            "bids": side(),
            "asks": side(),
        }

    def _valid(self) -> dict[str, object]:
        rng = self.rng
        pick = rng.random()
        if pick < 0.45:
            return {"cmd_id": 22998, "data": self._trade()}
        if pick < 0.9:
            return {"cmd_id": 22999, "data": self._depth()}
        return {
            "ret": rng.choice([200, 400, 401, 429, 600, 606]),
            "msg": "ok",
            "cmd_id": rng.choice([22001, 22003, 22005, 22007]),
            "seq_id": rng.randint(0, 100),
            "trace": "t",
            "data": {},
        }

    def _mutate_fields(self, frame: dict[str, object]) -> None:
        rng = self.rng
        data = frame.get("data")
        for _ in range(rng.randint(1, 3)):
            target: object = frame
            if isinstance(data, dict) and rng.random() < 0.8:
                target = data
                sides = [data[k] for k in ("bids", "asks") if isinstance(data.get(k), list)]
                levels = [lvl for s in sides for lvl in s if isinstance(lvl, dict)]
                if levels and rng.random() < 0.4:
                    target = rng.choice(levels)
            assert isinstance(target, dict)
            keys = list(target) or ["x"]
            key = rng.choice(keys + ["extra", "cmd_id", "data"])
            if rng.random() < 0.15:
                target.pop(key, None)
            else:
                target[key] = self._value()

    def frame(self) -> tuple[bytes, bool]:
        """One frame and whether it arrives as a binary WebSocket message."""
        rng = self.rng
        frame = self._valid()
        pick = rng.random()
        if pick < 0.25:
            return json.dumps(frame).encode(), rng.random() < 0.01
        if pick < 0.8:
            self._mutate_fields(frame)
            text = json.dumps(frame)
            if _DEEP_JSON in text:
                depth = rng.randint(900, 5000)
                text = text.replace(_DEEP_JSON, rng.choice("[{") * depth, 1)
            return text.encode(), False
        raw = bytearray(json.dumps(frame).encode())
        for _ in range(rng.randint(1, 6)):
            action = rng.random()
            if not raw:
                break
            i = rng.randrange(len(raw))
            if action < 0.4:
                raw[i] = rng.randrange(256)
            elif action < 0.6:
                del raw[i : i + rng.randint(1, 8)]
            elif action < 0.8:
                raw[i:i] = rng.choice([b"[", b"{", b'"', b"\\u0000", b"9" * 30, b"\xff\xfe"])
            else:
                raw = raw[:i]
        return bytes(raw), False


def _apply(book: QuoteBook, event: object) -> None:
    """Apply an accepted event and render the row's numbers the way the board does."""
    if type(event) is Tick:
        book.apply_tick(event, 0.0)
    elif type(event) is DepthSnapshot:
        book.apply_depth(event, 0.0)
    else:
        return
    state = book.get(event.symbol)
    if state is not None:
        market = market_of(state.symbol)
        format_price(market, state.last)
        format_price(market, state.bid)
        format_volume(state.volume)
        format_exact(state.turnover, 2)
        format_time(state.last_time_ms, market)


def run_fuzz(count: int, seed: int = 1) -> FuzzResult:
    """Send `count` frames through decoder, book, listeners and formatting; count escapes."""
    fuzzer = FrameFuzzer(seed)
    codec = AllTickCodec()
    book = QuoteBook()
    sparklines, bars = SparklineStore(), MinuteBarStore()
    book.add_trade_listener(sparklines.add_trade)
    book.add_trade_listener(bars.add_trade)
    for code in CODES:
        book.track(codec.canonical(code))
    result = FuzzResult()
    started = time.perf_counter()
    for _ in range(count):
        frame, binary = fuzzer.frame()
        result.frames += 1
        try:
            event = codec.decode(frame, NOW_MS, binary=binary)
            _apply(book, event)
        except Exception as exc:  # noqa: BLE001 - an escape is what this run looks for
            result.escapes += 1
            result.escape_kinds[type(exc).__name__] += 1
            if not result.first_escape:
                result.first_escape = f"{frame[:200]!r}\n{traceback.format_exc(limit=4)}"
    result.seconds = time.perf_counter() - started
    result.bad = codec.stats.bad
    result.bad_kinds = dict(codec.stats.bad_by_reason)
    result.accepted = codec.stats.trades + codec.stats.depths
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz (default a million frames) and print the count; exit 1 on any escape."""
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 1_000_000
    result = run_fuzz(count)
    print(
        f"Frame fuzz (decoder + book + sparklines + minute bars + formatting): "
        f"{result.frames:,} frames, {result.accepted:,} accepted, {result.bad:,} bad, "
        f"{result.escapes} escapes ({result.seconds:.0f} s)"
    )
    if result.escapes:
        print(dict(result.escape_kinds))
        print(result.first_escape)
    return 1 if result.escapes else 0


if __name__ == "__main__":
    raise SystemExit(main())

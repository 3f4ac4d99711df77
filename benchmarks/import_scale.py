"""How long importing a big watchlist file takes: parse, and parse + store (8,000 and 16,000 symbols).

`python -m benchmarks.import_scale` prints one line per size; the README quotes the numbers.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from desktop.app.cli_lists import import_text
from desktop.domain.list_text import ListFormat, parse_list
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository

__all__ = ["main", "measure", "symbols_text"]


def symbols_text(count: int) -> str:
    """`count` distinct valid symbols, one per line (HK codes, then US-looking tickers)."""
    lines = [f"{n}.HK" for n in range(1, min(count, 9999) + 1)]
    n = 0
    while len(lines) < count:
        a, b, c = n // 676 % 26, n // 26 % 26, n % 26
        lines.append(f"Q{chr(65 + a)}{chr(65 + b)}{chr(65 + c)}")
        n += 1
    return "\n".join(lines[:count]) + "\n"


def measure(count: int) -> tuple[float, float, int]:
    """(seconds to parse, seconds to parse and store, bytes) for a file of `count` symbols."""
    text = symbols_text(count)
    started = time.perf_counter()
    parsed = parse_list(text, ListFormat.TXT, "bench.txt")
    parse_s = time.perf_counter() - started
    assert len(parsed.symbols) == count
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "q.db")
        try:
            started = time.perf_counter()
            import_text(WatchlistRepository(db), text, ListFormat.TXT, "bench.txt", "Big")
            total_s = time.perf_counter() - started
        finally:
            db.close()
    return parse_s, total_s, len(text.encode())


def main(argv: list[str] | None = None) -> int:
    """Print the timings for each size asked (default 8,000 and 16,000)."""
    sizes = [int(a) for a in (sys.argv[1:] if argv is None else argv)] or [8_000, 16_000]
    for count in sizes:
        parse_s, total_s, size = measure(count)
        print(
            f"import {count:,} symbols ({size / 1000:.0f} kB): parse {parse_s:.2f} s, "
            f"parse + store {total_s:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

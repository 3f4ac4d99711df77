"""`python -m benchmarks.profile FILE`: where a profiled client spent its measured window.

`python -m benchmarks --profile DIR` records each client with py-spy during its measured window
only (raw collapsed stacks, one `frame;frame;… count` line per distinct stack). This prints the
functions with the most samples, on top of the stack (self) and anywhere in it (inclusive), as
shares of all samples — the profile the README's "where the time goes" is read from.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

__all__ = ["Profile", "read_profile"]

_LINE = re.compile(r":\d+\)$")


def _function(frame: str) -> str:
    """`Handle._run (asyncio/events.py:80)` → `Handle._run (asyncio/events.py)`."""
    return _LINE.sub(")", frame.strip())


class Profile:
    """Sample counts per function, self and inclusive, from py-spy's raw output."""

    def __init__(self) -> None:
        self.total = 0
        self.self_samples: Counter[str] = Counter()
        self.inclusive: Counter[str] = Counter()

    def add(self, stack: list[str], count: int) -> None:
        """One distinct stack (outermost frame first) seen `count` times."""
        self.total += count
        functions = [_function(frame) for frame in stack]
        if functions:
            self.self_samples[functions[-1]] += count
        for function in set(functions):
            self.inclusive[function] += count

    def top(self, counter: Counter[str], n: int) -> list[tuple[str, float]]:
        """The `n` functions with most samples in `counter`, as % of all samples."""
        total = self.total or 1
        return [(name, 100.0 * count / total) for name, count in counter.most_common(n)]


def read_profile(path: Path) -> Profile:
    """Parse a `py-spy record --format raw` file."""
    profile = Profile()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            profile.add(stack.split(";"), int(count))
    return profile


def main() -> None:
    """Print the top functions by self and inclusive samples."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    profile = read_profile(args.file)
    print(f"{profile.total} samples")
    for title, counter in (("self", profile.self_samples), ("inclusive", profile.inclusive)):
        print(f"\n{title}:")
        for name, share in profile.top(counter, args.top):
            print(f"  {share:5.1f} %  {name}")


if __name__ == "__main__":
    main()

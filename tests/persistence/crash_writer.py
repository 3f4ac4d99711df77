"""Child process of the crash-safety test: edits watchlists in a loop and prints each acknowledged edit.

`python -m tests.persistence.crash_writer DB START` runs edit number START, START+1, … forever; a
line `ack N` is printed (and flushed) only after edit N's COMMIT returned. The parent kills it with
SIGKILL at random moments. `expected_after(n)` is the state the first n edits produce, so the parent
can check that every acknowledged edit is there (and at most one more, committed but not yet acked).
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository

LISTS = ("L0", "L1", "L2")


def code(n: int) -> str:
    """A distinct valid US ticker per edit number (Q + base-26 letters)."""
    letters = ""
    while True:
        n, r = divmod(n, 26)
        letters = chr(65 + r) + letters
        if n == 0:
            return f"Q{letters}.US"


def step(state: dict[str, list[str]], n: int) -> dict[str, list[str]]:
    """Edit n applied to `state`: three adds at the front of a list, then a move of the oldest."""
    new = {name: list(items) for name, items in state.items()}
    target = LISTS[n % 3]
    if n % 4 == 3 and new[target]:
        source = LISTS[(n + 1) % 3]
        if new[source]:
            moved = new[source].pop()  # the oldest symbol of the next list moves to the front
            new[target].insert(0, moved)
            return new
    new[target].insert(0, code(n))
    return new


def expected_after(count: int) -> dict[str, list[str]]:
    """The lists after edits 0 … count-1."""
    state: dict[str, list[str]] = {name: [] for name in LISTS}
    for n in range(count):
        state = step(state, n)
    return state


def main() -> None:
    """Edit forever from START; print `ack N` after each COMMIT."""
    path, start = Path(sys.argv[1]), int(sys.argv[2])
    repo = WatchlistRepository(Database(path))
    ids = {info.name: info.id for info in repo.lists()}
    state = {name: repo.symbols(ids[name]) for name in LISTS}
    print("ready", flush=True)
    n = start
    while True:
        new = step(state, n)
        repo.edit({ids[name]: new[name] for name in LISTS if new[name] != state[name]})
        print(f"ack {n}", flush=True)
        state = new
        n += 1


if __name__ == "__main__":
    main()

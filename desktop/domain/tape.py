"""Time & sales: the latest prints of every streamed symbol in a ring, with today's median print size.

The book's trade listener calls `TapeBook.add` for every accepted trade (cheap: an append and a
counter bump); the Qt tape model pulls what is new once per flush (`entries_since`). A print is
"big" when its size is at least `big_multiple` times the symbol's own median print of the day,
judged against the prints before it. Where the gap ledger recorded an outage of a symbol's
connection, a divider entry ("gap 42 s · reconnected") marks that prints may be missing there; a
feed that keeps no ledger marks every tape when it reconnects.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, replace
from decimal import Decimal

from desktop.domain.formatting import format_exact, format_time, local_day_end, market_of
from desktop.domain.gaps import Gap, gap_note, gap_seconds
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.symbols import Market

__all__ = ["BIG_PRINT_MULTIPLE", "TAPE_CAPACITY", "TapeBook", "TapeEntry"]

TAPE_CAPACITY = 2_000
"""Prints kept per symbol: a minute and more of a busy name at 2,000 prints a second in all."""
BIG_PRINT_MULTIPLE = 10.0
"""A print this many times the symbol's median print today is highlighted."""
MIN_PRINTS_FOR_MEDIAN = 20
"""Fewer prints than this today: no median yet, so nothing is called big."""
_MEDIAN_EXACT_BELOW = 200
"""Up to this many prints today the median is recomputed after every print; then every
`_MEDIAN_EVERY` prints (it moves slowly by then, and sorting per print would not be cheap)."""
_MEDIAN_EVERY = 32


@dataclass(frozen=True, slots=True)
class TapeEntry:
    """One tape row: a print, or (`divider` set) a marker where prints may be missing."""

    symbol: str
    ts_ms: int
    price: Decimal | None
    volume: int
    side: TradeSide
    multiple: float
    """Size over the median print before it (0.0 while no median is known)."""
    big: bool
    divider: str = ""
    detail: str = ""
    """A divider's longer explanation (its tooltip)."""


class _SymbolTape:
    __slots__ = (
        "count", "day_end_ms", "entries", "market", "median", "revision", "since_median",
        "sizes", "total",
    )  # fmt: skip

    def __init__(self, capacity: int, market: Market) -> None:
        self.market = market
        self.entries: deque[TapeEntry] = deque(maxlen=capacity)
        self.total = 0
        """Entries ever appended (the model's cursor; survives the ring dropping old ones)."""
        self.sizes: Counter[int] = Counter()
        self.count = 0
        self.day_end_ms = -1
        """The next local midnight: a print at or after it starts a new day's median."""
        self.median = 0.0
        self.since_median = 0
        self.revision = 0
        """Bumped when an entry already handed out is replaced (a divider learns what was missed)."""


def _median(sizes: Counter[int], count: int) -> float:
    """The median of a multiset given as size → count (mean of the middle two when even)."""
    if count == 0:
        return 0.0
    lower_rank, upper_rank = (count - 1) // 2, count // 2
    seen = 0
    lower: int | None = None
    for size in sorted(sizes):
        seen += sizes[size]
        if lower is None and seen > lower_rank:
            lower = size
        if seen > upper_rank:
            assert lower is not None
            return (lower + size) / 2
    return 0.0  # pragma: no cover - the counts add up to `count`


class TapeBook:
    """A ring of recent prints per symbol plus the running median print size of the day."""

    def __init__(
        self,
        capacity: int = TAPE_CAPACITY,
        big_multiple: float = BIG_PRINT_MULTIPLE,
        min_prints: int = MIN_PRINTS_FOR_MEDIAN,
    ) -> None:
        self.capacity = capacity
        self.big_multiple = big_multiple
        self.min_prints = min_prints
        self._tapes: dict[str, _SymbolTape] = {}
        self._outages: set[tuple[int, int]] = set()
        """Gaps already marked, by (connection, start): a gap is reported again as it reconciles."""

    def _tape(self, symbol: str) -> _SymbolTape:
        tape = self._tapes.get(symbol)
        if tape is None:
            tape = self._tapes[symbol] = _SymbolTape(self.capacity, market_of(symbol))
        return tape

    # -- writing (per tick) ---------------------------------------------------------------------
    def add(self, tick: Tick) -> None:
        """Append one accepted trade to its symbol's ring and count its size for the median."""
        symbol = str(tick.symbol)
        tape = self._tapes.get(symbol) or self._tape(symbol)
        if tick.ts_ms >= tape.day_end_ms:  # a new exchange day (a late print counts with today)
            tape.day_end_ms = local_day_end(tape.market, tick.ts_ms // 1000) * 1000
            tape.count, tape.median, tape.since_median = 0, 0.0, 0
            tape.sizes.clear()
        median = tape.median if tape.count >= self.min_prints else 0.0
        multiple = tick.volume / median if median > 0 else 0.0
        big = median > 0 and multiple >= self.big_multiple
        tape.entries.append(
            TapeEntry(symbol, tick.ts_ms, tick.price, tick.volume, tick.side, multiple, big)
        )
        tape.total += 1
        tape.sizes[tick.volume] += 1
        tape.count += 1
        tape.since_median += 1
        if tape.since_median >= _MEDIAN_EVERY or tape.count < _MEDIAN_EXACT_BELOW:
            tape.median = _median(tape.sizes, tape.count)
            tape.since_median = 0

    def _divider(self, symbol: str, ts_ms: int, text: str, detail: str = "") -> None:
        tape = self._tapes.get(symbol) or self._tape(symbol)
        tape.entries.append(
            TapeEntry(symbol, ts_ms, None, 0, TradeSide.NEUTRAL, 0.0, False, text, detail)
        )
        tape.total += 1

    def mark_gap(self, ts_ms: int, text: str) -> None:
        """Put a divider on every symbol's tape: the feed was away, prints may be missing here."""
        for symbol in list(self._tapes):
            self._divider(symbol, ts_ms, text)

    def mark_reconnect(self, gap_s: float, ts_ms: int) -> None:
        """The feed (one without a gap ledger) came back after `gap_s` seconds: a divider on
        every tape saying prints may be missing."""
        gap = gap_seconds(gap_s)
        self.mark_gap(ts_ms, f"Feed reconnected after a {gap} gap: prints may be missing above")

    def mark_outage(self, gap: Gap) -> bool:
        """An outage ended: a divider on the tape of each symbol it touched, at its end, once;
        when the same outage comes back reconciled, its dividers say how much traded meanwhile.

        Returns whether dividers were added or reworded (not for an open gap).
        """
        key = (gap.connection, gap.start_ms)
        duration = gap.duration_s
        if gap.end_ms is None or duration is None:
            return False
        if key in self._outages:
            return self._reword(gap)
        self._outages.add(key)
        for symbol in gap.symbols:
            text, detail = _divider_words(gap, symbol)
            self._divider(symbol, gap.end_ms, text, detail)
        return True

    def _reword(self, gap: Gap) -> bool:
        """Replace the dividers of `gap` whose words changed (the missed shares became known)."""
        changed = False
        for symbol in gap.missed:
            tape = self._tapes.get(symbol)
            if tape is None:
                continue
            text, detail = _divider_words(gap, symbol)
            entries = tape.entries
            for i in range(len(entries) - 1, -1, -1):
                entry = entries[i]
                if entry.divider and entry.ts_ms == gap.end_ms and entry.divider != text:
                    entries[i] = replace(entry, divider=text, detail=detail)
                    tape.revision += 1
                    changed = True
                    break
        return changed

    def clear(self) -> None:
        """Forget every tape (another feed starts: its prints are not this one's)."""
        self._tapes.clear()
        self._outages.clear()

    # -- reading (per flush) --------------------------------------------------------------------
    def revision(self, symbol: str) -> int:
        """Changes when an entry of `symbol` already read was reworded (re-read its dividers)."""
        tape = self._tapes.get(symbol)
        return 0 if tape is None else tape.revision

    def dividers(self, symbol: str) -> list[TapeEntry]:
        """The dividers the ring holds for `symbol`, oldest first."""
        tape = self._tapes.get(symbol)
        return [] if tape is None else [e for e in tape.entries if e.divider]

    def cursor(self, symbol: str) -> int:
        """How many entries `symbol` has ever had: pass it to `entries_since` next time."""
        tape = self._tapes.get(symbol)
        return 0 if tape is None else tape.total

    def entries_since(self, symbol: str, cursor: int) -> tuple[list[TapeEntry], int, bool]:
        """(entries after `cursor` oldest first, the new cursor, whether some were lost).

        Entries the ring already dropped are lost; a cursor from another tape (after `clear`)
        restarts from what the ring holds.
        """
        tape = self._tapes.get(symbol)
        if tape is None:
            return [], 0, cursor > 0
        new = tape.total - cursor
        if new <= 0:
            if new == 0:
                return [], tape.total, False
            new = tape.total  # the tape was cleared and refilled: start over
        held = len(tape.entries)
        lost = new > held
        take = min(new, held)
        if take == held:
            return list(tape.entries), tape.total, lost
        entries = tape.entries
        return [entries[i] for i in range(held - take, held)], tape.total, lost

    def recent(self, symbol: str, count: int | None = None) -> list[TapeEntry]:
        """The ring's entries oldest first (the last `count` when given)."""
        tape = self._tapes.get(symbol)
        if tape is None:
            return []
        entries = list(tape.entries)
        return entries if count is None else entries[-count:]

    def median_size(self, symbol: str) -> float | None:
        """Today's median print size (None until `min_prints` prints were seen)."""
        tape = self._tapes.get(symbol)
        if tape is None or tape.count < self.min_prints:
            return None
        return _median(tape.sizes, tape.count)

    def prints_today(self, symbol: str) -> int:
        """Prints of `symbol` counted today."""
        tape = self._tapes.get(symbol)
        return 0 if tape is None else tape.count

    def biggest_since(self, symbol: str, since_ms: int) -> TapeEntry | None:
        """The print with the largest multiple at or after `since_ms` (None without a median)."""
        tape = self._tapes.get(symbol)
        if tape is None:
            return None
        best: TapeEntry | None = None
        for entry in reversed(tape.entries):
            if entry.ts_ms < since_ms:
                break
            if entry.multiple > 0 and (best is None or entry.multiple > best.multiple):
                best = entry
        return best


def _divider_words(gap: Gap, symbol: str) -> tuple[str, str]:
    """A divider's text and tooltip: "gap 42 s · reconnected", or "gap 42 s · ~18k shares
    traded" once the re-snapshot said what was missed."""
    assert gap.end_ms is not None and gap.duration_s is not None
    market = market_of(symbol)
    why = f" ({gap.reason})" if gap.reason else ""
    detail = (
        f"No prints were received from {format_time(gap.start_ms, market)} to "
        f"{format_time(gap.end_ms, market)}{why}: prints may be missing above."
    )
    missed = gap.missed.get(symbol)
    if missed:
        detail += f" The day's volume says about {format_exact(missed)} shares traded meanwhile."
        return gap_note(gap, symbol), detail
    return f"gap {gap_seconds(gap.duration_s)} · reconnected", detail

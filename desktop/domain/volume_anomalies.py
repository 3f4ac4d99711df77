"""Which streamed symbols are doing something unusual right now, and why, in words.

`AnomalyScanner.scan` reads the book (day volume, its usual volume by now), today's minute bars
and the tape, and scores five signals per symbol, each against that symbol's own normal:

- relative volume: today's volume over its usual volume by this time of day;
- 1- and 5-minute volume: shares in the last 1 / 5 minutes over a usual minute (average day ÷
  session minutes) times 1 / 5;
- an unusual print: the biggest print of the last 5 minutes against today's median print;
- 1- and 5-minute moves: the price change over 1 / 5 minutes against the symbol's typical
  one-minute move today (the median absolute minute-to-minute change; × √5 for five minutes).

A signal's score is log(ratio) / log(threshold), so 1.0 means "just unusual" and signals with very
different scales (a print 200× the median, a move 6× a usual minute) compare fairly; a symbol ranks
by its strongest signal, and every signal at or over its threshold becomes a reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from desktop.domain.daily_stats import SESSION_MINUTES
from desktop.domain.formatting import (
    MINUS,
    format_exact,
    format_price,
    format_time,
    market_of,
)
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.tape import TapeBook

__all__ = [
    "RANKINGS",
    "Anomaly",
    "AnomalyScanner",
    "AnomalyThresholds",
    "Signal",
    "rank_anomalies",
]


@dataclass(frozen=True, slots=True)
class AnomalyThresholds:
    """How far from normal a signal must be to count (ratios; the defaults suit a trading day)."""

    rel_volume: float = 2.0
    volume_1m: float = 4.0
    volume_5m: float = 3.0
    print_multiple: float = 20.0
    """Stricter than the tape's highlight: blocks are routine in liquid names."""
    move_1m: float = 4.0
    move_5m: float = 4.0
    min_minutes_for_moves: int = 10
    """Minute bars needed today before a move can be called unusual."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One unusual thing about a symbol: its kind, its ratio to normal, and the words for it."""

    kind: str
    """`rvol`, `volume_1m`, `volume_5m`, `print`, `move_1m`, `move_5m`."""
    ratio: float
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A symbol's unusual signals, strongest first, and the metrics the dashboard shows."""

    symbol: str
    score: float
    signals: tuple[Signal, ...]
    rel_volume: float | None = None
    volume_1m_ratio: float | None = None
    volume_5m_ratio: float | None = None
    print_multiple: float | None = None
    move_1m_pct: float | None = None
    move_5m_pct: float | None = None

    @property
    def reason(self) -> str:
        """Every reason, strongest first ("3.4× usual volume for 10:45; print 12× median")."""
        return "; ".join(signal.reason for signal in self.signals)

    def score_of(self, kind: str) -> float:
        """The score of one kind of signal (0.0 when it is not unusual)."""
        return max((s.score for s in self.signals if s.kind == kind), default=0.0)


def _score(ratio: float, threshold: float) -> float:
    """1.0 at the threshold, growing with the logarithm of the ratio."""
    return math.log(ratio) / math.log(threshold) if threshold > 1 and ratio > 0 else ratio


def _signed_pct(value: float) -> str:
    text = f"{abs(value):.2f}%"
    return ("+" if value > 0 else MINUS if value < 0 else "") + text


def _ratio(value: float) -> str:
    return f"{value:.1f}×" if value < 10 else f"{value:.0f}×"


class AnomalyScanner:
    """Scores every symbol against its own normal; see the module docstring."""

    def __init__(
        self,
        book: QuoteBook,
        bars: MinuteBarStore,
        tape: TapeBook,
        thresholds: AnomalyThresholds | None = None,
    ) -> None:
        self._book = book
        self._bars = bars
        self._tape = tape
        self.thresholds = thresholds or AnomalyThresholds()
        self._typical: dict[str, tuple[int, float | None]] = {}

    def scan(self, symbols: list[str], now_ms: int) -> list[Anomaly]:
        """Every symbol with its metrics, most unusual first (score 0 for the ordinary ones)."""
        found = [self.judge(symbol, now_ms) for symbol in dict.fromkeys(symbols)]
        return sorted(found, key=lambda a: (-a.score, a.symbol))

    def judge(self, symbol: str, now_ms: int) -> Anomaly:
        """One symbol's signals at `now_ms`."""
        th = self.thresholds
        market = market_of(symbol)
        state = self._book.get(symbol)
        signals: list[Signal] = []
        rvol = state.rel_volume if state is not None else None
        if rvol is not None and state is not None and rvol >= th.rel_volume:
            when = format_time(state.last_time_ms, market)[:5]
            signals.append(
                Signal(
                    "rvol",
                    rvol,
                    _score(rvol, th.rel_volume),
                    f"{_ratio(rvol)} usual volume for {when}",
                )
            )
        usual_minute = None
        if state is not None and state.avg_volume:
            usual_minute = state.avg_volume / SESSION_MINUTES[market]
        v1 = v5 = None
        if usual_minute:
            shares_1, _ = self._bars.volume_since(symbol, now_ms / 1000 - 60)
            shares_5, _ = self._bars.volume_since(symbol, now_ms / 1000 - 300)
            v1 = shares_1 / usual_minute
            v5 = shares_5 / (5 * usual_minute)
            if v1 >= th.volume_1m:
                signals.append(
                    Signal(
                        "volume_1m",
                        v1,
                        _score(v1, th.volume_1m),
                        f"1-min volume {_ratio(v1)} usual",
                    )
                )
            if v5 >= th.volume_5m:
                signals.append(
                    Signal(
                        "volume_5m",
                        v5,
                        _score(v5, th.volume_5m),
                        f"5-min volume {_ratio(v5)} usual",
                    )
                )
        multiple = None
        big = self._tape.biggest_since(symbol, now_ms - 300_000)
        if big is not None and big.price is not None:
            multiple = big.multiple
            if multiple >= th.print_multiple:
                signals.append(
                    Signal(
                        "print",
                        multiple,
                        _score(multiple, th.print_multiple),
                        f"print {_ratio(multiple)} median ({format_exact(big.volume)} @ "
                        f"{format_price(market, big.price)}, {format_time(big.ts_ms, market)})",
                    )
                )
        m1, m5 = self._moves(symbol, now_ms, state.last if state is not None else None, signals)
        signals.sort(key=lambda s: -s.score)
        score = signals[0].score if signals else 0.0
        return Anomaly(symbol, score, tuple(signals), rvol, v1, v5, multiple, m1, m5)

    def _typical_move(self, symbol: str) -> float | None:
        """Median absolute minute-to-minute change today, in per cent (None with too few bars).

        Worked out again only when a new minute bar appears (once a minute, not per re-rank).
        """
        count = self._bars.minutes(symbol)
        cached = self._typical.get(symbol)
        if cached is not None and cached[0] == count:
            return cached[1]
        closes = self._bars.arrays(symbol).close
        closes = closes[closes > 0]
        typical = None
        if closes.size >= self.thresholds.min_minutes_for_moves + 1:
            steps = np.sort(np.abs(100 * (closes[1:] / closes[:-1] - 1)))
            typical = float(steps[steps.size // 2]) or None
        self._typical[symbol] = (count, typical)
        return typical

    def _moves(
        self, symbol: str, now_ms: int, last: Decimal | None, signals: list[Signal]
    ) -> tuple[float | None, float | None]:
        """Percent moves over 1 and 5 minutes, with a signal when unusual for this symbol."""
        if last is None:
            return None, None
        price = float(last)
        now_s = now_ms / 1000
        moves: list[float | None] = []
        for minutes in (1, 5):
            # the price as it stood `minutes` ago: the close of the minute bar covering that instant
            ref = self._bars.close_at(symbol, now_s - 60 * minutes)
            moves.append(100 * (price / ref - 1) if ref else None)
        m1, m5 = moves
        typical = self._typical_move(symbol)
        if typical is None:
            return m1, m5
        th = self.thresholds
        for kind, move, scale, threshold, label in (
            ("move_1m", m1, 1.0, th.move_1m, "1 min"),
            ("move_5m", m5, math.sqrt(5), th.move_5m, "5 min"),
        ):
            if move is None:
                continue
            ratio = abs(move) / (typical * scale)
            if ratio >= threshold:
                signals.append(
                    Signal(
                        kind,
                        ratio,
                        _score(ratio, threshold),
                        f"{_signed_pct(move)} in {label} ({_ratio(ratio)} a usual move)",
                    )
                )
        return m1, m5


RANKINGS: dict[str, tuple[str, Callable[[Anomaly], float | None]]] = {
    "unusual": ("Most unusual", lambda a: a.score),
    "rvol": ("Relative volume", lambda a: a.rel_volume),
    "print": ("Unusual prints", lambda a: a.print_multiple),
    "volume_1m": ("1-min volume", lambda a: a.volume_1m_ratio),
    "volume_5m": ("5-min volume", lambda a: a.volume_5m_ratio),
    "move_1m": ("1-min move", lambda a: None if a.move_1m_pct is None else abs(a.move_1m_pct)),
    "move_5m": ("5-min move", lambda a: None if a.move_5m_pct is None else abs(a.move_5m_pct)),
}
"""Ways to rank the dashboard: key → (label, value; larger ranks higher, None last)."""


def rank_anomalies(anomalies: list[Anomaly], by: str) -> list[Anomaly]:
    """`anomalies` ordered by one of `RANKINGS` (ties and missing values by score, then symbol)."""
    value = RANKINGS[by][1]

    def key(a: Anomaly) -> tuple[int, float, float, str]:
        got = value(a)
        return (got is None, -(got or 0.0), -a.score, a.symbol)

    return sorted(anomalies, key=key)

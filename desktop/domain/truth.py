"""How far to trust a quote: Live, Quiet, Stale, Delayed, Halted, Closed, Not streaming, Demo, Replay.

Decided per symbol from the connection's health, the market's session and the symbol's own
rhythm (DESIGN.md "Truth of every number"); every view shows the same verdict the same way.
Pure: callers pass the monotonic `now` and the epoch `now_ms`; the judge never reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

import msgspec

from desktop.domain.quote_book import QuoteBook, QuoteState
from desktop.domain.sessions import SessionPhase, SessionSource
from desktop.domain.symbols import Market
from desktop.domain.truth_terms import NEVER_TICKED, Truth, TruthVerdict, format_age

__all__ = ["FeedConditions", "FeedMode", "Truth", "TruthJudge", "TruthReport", "TruthVerdict"]

_PHASE_TRUTH = {
    SessionPhase.CLOSED: Truth.CLOSED,
    SessionPhase.LUNCH: Truth.LUNCH,
    SessionPhase.HOLIDAY: Truth.HOLIDAY,
}


class FeedMode(Enum):
    """What the board is streaming: the provider, the built-in demo market, or a recording."""

    LIVE = "live"
    DEMO = "demo"
    REPLAY = "replay"


class FeedConditions(msgspec.Struct, frozen=True):
    """What the app knows about its connections when it judges.

    `live_since` maps each connection index to the monotonic time it last became live, or None
    while it is down; `connection_of` maps symbols to their connection. `feed_down` says the whole
    feed is down (stopped, or no connection opened yet after a failure).
    """

    mode: FeedMode = FeedMode.LIVE
    live_since: Mapping[int, float | None] = msgspec.field(default_factory=dict)
    connection_of: Mapping[str, int] = msgspec.field(default_factory=dict)
    feed_down: bool = False
    down_reason: str = ""
    not_streaming: Mapping[str, str] = msgspec.field(default_factory=dict)
    codes_per_connection: int = 0
    gap_notes: Mapping[str, str] = msgspec.field(default_factory=dict)
    """Symbols whose connection came back from an outage lately, and what the row says of it."""


class TruthReport(msgspec.Struct, frozen=True):
    """One judgement of the board: a verdict per symbol and how many are Stale."""

    verdicts: dict[str, TruthVerdict]
    stale: int


def _market_of(symbol: str) -> Market:
    return Market.HK if symbol.endswith(".HK") else Market.US


class _Lag:
    """A symbol's exchange-to-arrival delay, averaged over the pushes the judge has seen."""

    __slots__ = ("ms", "samples", "seen_at")

    def __init__(self) -> None:
        self.ms = 0.0
        self.samples = 0
        self.seen_at = 0.0

    def observe(self, push_at: float, lag_ms: float) -> None:
        if push_at == self.seen_at:
            return
        self.seen_at = push_at
        self.samples += 1
        self.ms = lag_ms if self.samples == 1 else self.ms + 0.3 * (lag_ms - self.ms)


class TruthJudge:
    """Turns a `QuoteBook`, the market hours, the feed's conditions and two clocks into verdicts.

    Quiet and Stale are judged against each symbol's learnt trade interval (`Rhythm`): quiet after
    `quiet_factor` usual intervals (at least `quiet_floor_s`), stale after `stale_factor` (at least
    `stale_floor_s`). `sessions` None means the calendars are not loaded: no silence is judged.
    """

    def __init__(
        self,
        sessions: SessionSource | None = None,
        *,
        quiet_floor_s: float = 10.0,
        stale_floor_s: float = 60.0,
        quiet_factor: float = 5.0,
        stale_factor: float = 30.0,
        delayed_after_s: float = 5.0,
        silent_peer_s: float = 60.0,
    ) -> None:
        self.sessions = sessions
        self.quiet_floor_s = quiet_floor_s
        self.stale_floor_s = stale_floor_s
        self.quiet_factor = quiet_factor
        self.stale_factor = stale_factor
        self.delayed_after_s = delayed_after_s
        self.silent_peer_s = silent_peer_s
        self._first_seen: dict[str, float] = {}
        self._lags: dict[str, _Lag] = {}

    def set_sessions(self, sessions: SessionSource | None) -> None:
        """Judge by these market hours from now on."""
        self.sessions = sessions

    def thresholds(self, state: QuoteState | None) -> tuple[float, float]:
        """(quiet after, stale after) in seconds of silence for this symbol's rhythm."""
        usual = state.rhythm.usual_s() if state is not None else None
        if usual is None:
            return self.quiet_floor_s * 3, self.stale_floor_s
        return (
            max(self.quiet_floor_s, self.quiet_factor * usual),
            max(self.stale_floor_s, self.stale_factor * usual),
        )

    def judge(
        self,
        book: QuoteBook,
        symbols: Iterable[str],
        now: float,
        now_ms: int,
        conditions: FeedConditions,
    ) -> TruthReport:
        """A verdict for each symbol at monotonic `now` / epoch `now_ms`."""
        verdicts: dict[str, TruthVerdict] = {}
        phases: dict[Market, tuple[SessionPhase, float | None]] = {}
        peers = self._pushed_peers(book, conditions)
        gap_notes = conditions.gap_notes
        for symbol in symbols:
            verdict = self._one(book, symbol, now, now_ms, conditions, phases, peers)
            note = gap_notes.get(symbol)
            if note:
                verdict = msgspec.structs.replace(verdict, gap=note)
            verdicts[symbol] = verdict
        stale = sum(1 for v in verdicts.values() if v.state is Truth.STALE)
        return TruthReport(verdicts, stale)

    def _pushed_peers(
        self, book: QuoteBook, conditions: FeedConditions
    ) -> dict[int, tuple[float, int]]:
        """Per connection, the latest push time of any symbol on it and how many ever traded."""
        peers: dict[int, tuple[float, int]] = {}
        for symbol, index in conditions.connection_of.items():
            state = book.get(symbol)
            latest, count = peers.get(index, (0.0, 0))
            if state is not None and state.push_trade is not None:
                peers[index] = (max(latest, state.push_at), count + 1)
        return peers

    def _phase(
        self,
        market: Market,
        now: float,
        now_ms: int,
        phases: dict[Market, tuple[SessionPhase, float | None]],
    ) -> tuple[SessionPhase, float | None] | None:
        sessions = self.sessions
        if sessions is None:
            return None
        if market not in phases:
            started_ms = sessions.phase_start(market, now_ms)
            started = None if started_ms is None else now - (now_ms - started_ms) / 1000
            phases[market] = (sessions.phase(market, now_ms), started)
        return phases[market]

    def _one(
        self,
        book: QuoteBook,
        symbol: str,
        now: float,
        now_ms: int,
        conditions: FeedConditions,
        phases: dict[Market, tuple[SessionPhase, float | None]],
        peers: dict[int, tuple[float, int]],
    ) -> TruthVerdict:
        state = book.get(symbol)
        updated = state.updated_at if state is not None and state.updated_at else None
        age = None if updated is None else max(0.0, now - updated)
        mode = conditions.mode
        reason = conditions.not_streaming.get(symbol)
        if reason is not None:
            return TruthVerdict(Truth.NOT_STREAMING, reason, age)
        phase = self._phase(_market_of(symbol), now, now_ms, phases)
        if phase is not None and phase[0] in _PHASE_TRUTH:
            return TruthVerdict(_PHASE_TRUTH[phase[0]], "", age)
        index = conditions.connection_of.get(symbol)
        live_since = conditions.live_since.get(index) if index is not None else None
        down = conditions.feed_down or (index is not None and live_since is None)
        if down:
            return TruthVerdict(Truth.STALE, conditions.down_reason or "connection down", age)
        if state is not None and state.book_src is not None and state.depth is not None:
            bids, asks = state.depth.bids, state.depth.asks
            if not bids and not asks:
                return TruthVerdict(Truth.HALTED, "no bids and no asks", age)
            if not asks:
                return TruthVerdict(Truth.LIMIT_UP, "bids only: limit up", age)
            if not bids:
                return TruthVerdict(Truth.LIMIT_DOWN, "asks only: limit down", age)
        if phase is None:
            return _mark(TruthVerdict(Truth.LIVE, "", age), mode)
        started = phase[1]
        pushed = state.push_at if state is not None else 0.0
        since = pushed or self._first_seen.setdefault(symbol, now)
        if started is not None:
            since = max(since, started)
        if live_since is not None:
            since = max(since, live_since)
        silent = now - since
        quiet_after, stale_after = self.thresholds(state)
        if not pushed:
            peer_at, ticking = peers.get(index, (0.0, 0)) if index is not None else (0.0, 0)
            if silent > self.silent_peer_s and peer_at > since:
                # The server drops codes beyond the plan silently (§1.5): only ticks tell.
                return TruthVerdict(
                    Truth.NOT_STREAMING,
                    f"{NEVER_TICKED} — probably beyond your plan's {ticking} "
                    + ("code" if ticking == 1 else "codes"),
                    age,
                )
            if silent > stale_after:
                return TruthVerdict(Truth.STALE, "no data yet", age)
            return _mark(TruthVerdict(Truth.QUIET, "waiting for the first trade", age), mode)
        if silent > stale_after:
            return TruthVerdict(Truth.STALE, f"silent for {format_age(silent)}", age)
        if silent > quiet_after:
            return _mark(TruthVerdict(Truth.QUIET, "no trade for a while", age), mode)
        if mode is FeedMode.LIVE and state is not None and state.push_ts_ms is not None:
            lag = self._lags.setdefault(symbol, _Lag())
            lag.observe(state.push_at, state.exchange_lag_ms(now, now_ms))
            if lag.samples >= 3 and lag.ms > self.delayed_after_s * 1000:
                return TruthVerdict(
                    Truth.DELAYED, f"{lag.ms / 1000:.0f} s behind the exchange", age
                )
        return _mark(TruthVerdict(Truth.LIVE, "", age), mode)


def _mark(verdict: TruthVerdict, mode: FeedMode) -> TruthVerdict:
    """Demo and replay data never read as Live or Quiet: the mode replaces those states."""
    if mode is FeedMode.DEMO:
        return TruthVerdict(Truth.DEMO, "built-in simulator, not market data", verdict.age_s)
    if mode is FeedMode.REPLAY:
        return TruthVerdict(Truth.REPLAY, "recorded data", verdict.age_s)
    return verdict

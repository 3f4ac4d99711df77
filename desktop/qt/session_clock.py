"""Ticks the market session once a second: the rows' session chips and the status-bar clocks.

Calendars arrive after the first paint (`set_sessions`); from then on each tick asks the plain
intervals (a bisect per market, never exchange_calendars), writes each row's chip into its
`QuoteState` and marks only the rows whose chip changed dirty, so the usual flush repaints them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain.market_clock import PhaseCache, clock_text, session_state
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import MarketSessions
from desktop.domain.symbols import Market

__all__ = ["SessionClock"]


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class SessionClock(QObject):
    """Once a second: every row's session chip and one clock text per market (`clocksChanged`)."""

    clocksChanged = Signal(object)
    """{Market: "HK · lunch · 41 min to open"}, emitted when any text changed."""
    calendarExpired = Signal()
    """The loaded calendar no longer covers now: load a fresh one and call `set_sessions`."""

    def __init__(
        self,
        book: QuoteBook,
        *,
        clock: Callable[[], int] = _wall_ms,
        interval_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._clock = clock
        self._sessions: MarketSessions | None = None
        self._texts: dict[Market, str] = {}
        self._chips: dict[Market, str] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)

    @property
    def sessions(self) -> MarketSessions | None:
        """The calendars in use (None until loaded)."""
        return self._sessions

    def texts(self) -> dict[Market, str]:
        """The latest clock text per market (empty before the calendars load)."""
        return dict(self._texts)

    def market_chips(self) -> dict[Market, str]:
        """Each market's own chip (PRE, RTH, …) at the latest tick (empty before calendars)."""
        return dict(self._chips)

    def set_sessions(self, sessions: MarketSessions | None) -> None:
        """Use these calendars (None: forget them); classify trades and tick at once."""
        self._sessions = sessions
        self._book.set_phase_of(None if sessions is None else PhaseCache(sessions))
        if sessions is None:
            self._texts, self._chips = {}, {}
            for symbol in self._book.symbols():
                state = self._book.get(symbol)
                if state is not None and state.session:
                    state.session = ""
                    self._book.mark_dirty(symbol)
            self.clocksChanged.emit({})
            self._timer.stop()
            return
        self.tick()
        self._timer.start()

    def stop(self) -> None:
        """Stop ticking (shutdown)."""
        self._timer.stop()

    def tick(self) -> None:
        """Refresh the chips of every tracked symbol and the clock texts, at the clock's now."""
        sessions = self._sessions
        if sessions is None:
            return
        now = self._clock()
        if not sessions.covers(now):
            self.calendarExpired.emit()
        states = {market: session_state(sessions, market, now) for market in Market}
        book = self._book
        for symbol in book.symbols():
            quote = book.get(symbol)
            if quote is None:
                continue
            market = Market.HK if symbol.endswith(".HK") else Market.US
            chip = states[market].row_chip(quote.ext_time_ms)
            if chip != quote.session:
                quote.session = chip
                book.mark_dirty(symbol)
        self._chips = {market: state.chip for market, state in states.items()}
        texts = {market: clock_text(sessions, market, now) for market in Market}
        if texts != self._texts:
            self._texts = texts
            self.clocksChanged.emit(dict(texts))

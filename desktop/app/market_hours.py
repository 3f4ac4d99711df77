"""Market hours of a running board: the exchange calendars behind the clocks, chips and charts.

Part of the composition root. XNYS and XHKG load once after the first paint, off the GUI thread
(≈ 0.75 s), whatever the feed — the demo trades around the clock, but its clocks, session chips,
extended-hours prices and chart shading follow the real exchanges. A calendar that runs out (the
board ran for weeks) is loaded again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import MarketSessions, load_exchange_sessions
from desktop.qt.session_clock import SessionClock
from desktop.widgets.chart_windows import ChartWindowManager
from desktop.widgets.main_window import MainWindow
from desktop.widgets.market_clocks import MarketClocksView

__all__ = ["MarketHours"]

log = logging.getLogger(__name__)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class MarketHours:
    """Loads the calendars and hands them to the session clock (rows, status bar) and the charts."""

    def __init__(
        self,
        book: QuoteBook,
        window: MainWindow,
        charts: ChartWindowManager,
        *,
        clock: Callable[[], int] = _wall_ms,
        loader: Callable[[int], MarketSessions] = load_exchange_sessions,
    ) -> None:
        self._charts = charts
        self._clock_ms = clock
        self._loader = loader
        self._loading: asyncio.Future[MarketSessions] | None = None
        self.clock = SessionClock(book, clock=clock, parent=window)
        self.view = MarketClocksView()
        self.view.bind(self.clock)
        window.feed_status_bar().insertPermanentWidget(0, self.view)
        self.clock.calendarExpired.connect(self.load)

    @property
    def sessions(self) -> MarketSessions | None:
        """The calendars in use (None until loaded)."""
        return self.clock.sessions

    def load(self) -> None:
        """Load the calendars around now in a worker thread (again if already loading: no-op)."""
        if self._loading is not None and not self._loading.done():
            return
        loop = asyncio.get_running_loop()
        self._loading = loop.run_in_executor(None, self._loader, self._clock_ms())
        self._loading.add_done_callback(self._loaded)

    def _loaded(self, done: asyncio.Future[MarketSessions]) -> None:
        if done.cancelled():
            return
        error = done.exception()
        if error is not None:
            log.warning("market calendars unavailable: %s", error)
            return
        sessions = done.result()
        self.clock.set_sessions(sessions)
        self._charts.set_sessions(sessions)

    async def wait_loaded(self) -> None:
        """Until a pending load has finished (tests, smoke runs)."""
        if self._loading is not None:
            await asyncio.wait([self._loading])

    def stop(self) -> None:
        """Stop ticking; a load in flight is dropped."""
        self.clock.stop()
        if self._loading is not None:
            self._loading.cancel()

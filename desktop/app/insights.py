"""Sparklines, charts, the heatmap and alerts of a running board.

Part of the composition root: it sees every layer. It builds the intraday stores and hooks them
to the book's trades, seeds them from each feed's REST history, runs the alert center on the
flush, stores alerts and chart windows in SQLite, and connects all of it to `InsightsUi`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence

from desktop.app.feed_switch import FeedStopping, FeedSwitch, RunningFeed
from desktop.domain.alerts import AlertEngine, AlertRule, AlertRuleError, SessionsUnknown
from desktop.domain.gaps import Gap
from desktop.domain.market_data import Tick
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.outages import Outages
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import SessionSource
from desktop.domain.sparklines import SparklineStore
from desktop.feed.bar_source import BarSource
from desktop.feed.chart_history import ChartHistory
from desktop.feed.history import IntradayHistory
from desktop.persistence.alerts import AlertRepository
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository
from desktop.qt.alert_center import AlertCenter
from desktop.qt.list_decorations import ListDecorations
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.alert_sound import AlertSound
from desktop.widgets.chart_kinds import CHART_KIND
from desktop.widgets.insights import InsightsUi
from desktop.widgets.main_window import MainWindow

__all__ = ["Insights"]

log = logging.getLogger(__name__)


class Insights:
    """Sparklines, charts, heatmap and alerts: each feed the switch starts seeds them afresh."""

    def __init__(
        self,
        book: QuoteBook,
        session: WatchlistSession,
        window: MainWindow,
        switch: FeedSwitch,
        db: Database,
        tray_available: bool | None = None,
    ) -> None:
        self._book = book
        self._session = session
        bridge = switch.bridge
        self.outages = Outages()
        """The running feed's outages: sparklines and charts break there."""
        self.sparklines = SparklineStore(outages=self.outages)
        self.bars = MinuteBarStore(outages=self.outages)
        book.add_trade_listener(self._on_trade)
        self.decorations = ListDecorations(session)
        self.decorations.set_sparklines(self.sparklines)
        self.ui = InsightsUi(window, book, self.bars, tray_available)
        self.alerts = AlertCenter(
            AlertEngine(SessionsUnknown()), AlertRepository(db), book, self.bars, self.decorations
        )
        self.history = IntradayHistory(None, self.sparklines, self.bars, on_seeded=self._on_seeded)
        self.on_history_loaded: Callable[[], None] = lambda: None
        """Called when the last requested symbol's history is in (the board sweeps its heap)."""
        self.chart_history = ChartHistory(None, self.ui.charts.deliver_history)
        self.ui.charts.historyWanted.connect(self.chart_history.request)
        self.sound = AlertSound()
        self._layouts = LayoutRepository(db)
        ui, alerts = self.ui, self.alerts
        ui.set_alert_models(alerts.rules_model, alerts.log_model)
        ui.alertRuleSubmitted.connect(self._add_rule)
        ui.alertsDeleteRequested.connect(self._delete_rules)
        ui.alertLogClearRequested.connect(alerts.clear_log)
        alerts.fired.connect(ui.show_firing)
        alerts.fired.connect(self.sound.on_fired)
        alerts.problem.connect(ui.show_problem)
        bridge.add_frame_listener(alerts.on_frame)
        bridge.add_frame_listener(ui.charts.on_frame)
        ui.charts.opened.connect(self._on_chart_opened)
        ui.charts.layoutChanged.connect(self.save_charts)
        switch.feedStopping.connect(self._on_feed_stopping)
        switch.feedStarted.connect(self._on_feed_started)
        switch.sessionsLoaded.connect(self.set_sessions)
        if switch.gaps is not None:
            switch.gaps.gapRecorded.connect(self.on_gap)

    def _on_feed_stopping(self, stopping: FeedStopping) -> None:
        stopping.hold(self.detach_feed())  # history requests use the old feed's REST client

    def _on_feed_started(self, feed: RunningFeed) -> None:
        self.attach_feed(feed.service.rest, self._session.all_symbols(), feed.sessions)

    def _on_trade(self, tick: Tick) -> None:
        """Per trade: one float conversion shared by both stores."""
        price = float(tick.price)
        self.sparklines.add(tick.symbol, price, tick.ts_ms)
        self.bars.add(tick.symbol, price, tick.volume, tick.ts_ms)

    def on_gap(self, gap: Gap) -> None:
        """An outage of the running feed opened or ended: its symbols' lines and bars break."""
        for symbol in self.outages.record(gap, self._exchange_lag_ms):
            self._book.mark_dirty(symbol)  # the next flush redraws its sparkline
            self.ui.charts.refresh_symbol(symbol)

    def _exchange_lag_ms(self, symbol: str) -> float:
        state = self._book.get(symbol)
        if state is None:
            return 0.0
        return state.exchange_lag_ms(time.monotonic(), time.time_ns() // 1_000_000)

    def set_sessions(self, sessions: SessionSource | None) -> None:
        """Gate alerts by these market hours; None (not loaded yet) evaluates no alert at all."""
        self.alerts.engine.set_sessions(sessions or SessionsUnknown())

    def start(self) -> None:
        """Load alerts and reopen the saved charts (after the main window is shown)."""
        self.alerts.load()
        try:
            layouts = self._layouts.load(CHART_KIND)
        except sqlite3.Error as exc:
            log.error("chart windows not restored: %s", exc)
            layouts = []
        self.ui.charts.restore(layouts)

    async def detach_feed(self) -> None:
        """The feed is about to stop: stop fetching history through its REST client."""
        await self.history.stop()
        await self.chart_history.stop()

    def attach_feed(
        self,
        rest: BarSource | None,
        symbols: Sequence[str],
        sessions: SessionSource | None,
    ) -> None:
        """A feed now streams `symbols` (live, demo or a replay): today's lines and bars start
        afresh, its bar source serves their history (REST, or the desk gateway's cache), and its
        market hours gate the alerts."""
        self.sparklines.clear()
        self.bars.clear()
        self.outages.clear()  # the new lines come from the provider's history, which has no holes
        self.history.set_rest(rest)
        self.history.request(symbols)
        self.history.request(self.ui.charts.symbols(), urgent=True)
        self.history.start()
        self.chart_history.set_rest(rest)  # every open chart asks its timeframe's klines again
        self.chart_history.start()
        self.ui.charts.request_all_history()
        self.set_sessions(sessions)
        for symbol in self.ui.charts.symbols():
            self.ui.charts.refresh_symbol(symbol)

    async def stop(self) -> None:
        """Save the chart windows, stop fetching history, close the windows and the tray icon."""
        self.save_charts()
        await self.history.stop()
        await self.chart_history.stop()
        self.ui.shutdown()

    def save_charts(self) -> None:
        """Store the open chart windows (called when one opens or closes, and at quit)."""
        try:
            self._layouts.save(CHART_KIND, self.ui.charts.layouts())
        except sqlite3.Error as exc:
            log.error("chart windows not saved: %s", exc)
            self.ui.show_problem(f"Chart windows could not be saved: {exc}.")

    def _add_rule(self, rule: object) -> None:
        if not isinstance(rule, AlertRule):
            return
        try:
            self.alerts.add_rule(rule)
        except AlertRuleError as exc:
            self.ui.show_problem(str(exc))

    def _delete_rules(self, ids: list[int]) -> None:
        for rule_id in ids:
            self.alerts.delete(rule_id)

    def _on_chart_opened(self, symbol: str) -> None:
        self.history.request([symbol], urgent=True)

    def _on_seeded(self, symbol: str) -> None:
        self._book.mark_dirty(symbol)  # the next flush redraws its sparkline
        self.ui.charts.refresh_symbol(symbol)
        if not self.history.has_pending():  # per seeded symbol: no copy of the queue
            self.on_history_loaded()

"""Composition of sparklines, charts, the heatmap and alerts (issue 6) for `desktop.app`.

Part of the composition root: it sees every layer. It builds the intraday stores and hooks them
to the book's trades, seeds them from REST, runs the alert center on the flush, stores alerts and
chart windows in SQLite, and connects all of it to the widgets of `InsightsUi`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

from desktop.domain.alerts import AlertEngine, AlertRule, AlertRuleError
from desktop.domain.market_data import Tick
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen, SessionSource
from desktop.domain.sparklines import SparklineStore
from desktop.feed.history import IntradayHistory
from desktop.feed.rest import AllTickRestClient
from desktop.persistence.alerts import AlertRepository
from desktop.persistence.database import Database
from desktop.persistence.layouts import LayoutRepository
from desktop.qt.alert_center import AlertCenter
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.widgets.chart_window import CHART_KIND
from desktop.widgets.insights import InsightsUi
from desktop.widgets.main_window import MainWindow

__all__ = ["Insights"]

log = logging.getLogger(__name__)


class Insights:
    """Everything issue 6 adds to a running board, started after the feed and stopped before it."""

    def __init__(
        self,
        book: QuoteBook,
        model: QuoteTableModel,
        window: MainWindow,
        bridge: StreamBridge,
        db: Database,
        rest: AllTickRestClient,
        sessions: SessionSource | None = None,
        tray_available: bool | None = None,
    ) -> None:
        self._book = book
        self.sparklines = SparklineStore()
        self.bars = MinuteBarStore()
        book.add_trade_listener(self._on_trade)
        model.set_sparklines(self.sparklines)
        self.ui = InsightsUi(window, book, self.bars, tray_available)
        self.alerts = AlertCenter(
            AlertEngine(sessions or AlwaysOpen()), AlertRepository(db), book, self.bars, model
        )
        self.history = IntradayHistory(rest, self.sparklines, self.bars, on_seeded=self._on_seeded)
        self._layouts = LayoutRepository(db)
        ui, alerts = self.ui, self.alerts
        ui.set_alert_models(alerts.rules_model, alerts.log_model)
        ui.alertRuleSubmitted.connect(self._add_rule)
        ui.alertsDeleteRequested.connect(self._delete_rules)
        ui.alertLogClearRequested.connect(alerts.clear_log)
        alerts.fired.connect(ui.show_firing)
        alerts.problem.connect(ui.show_problem)
        bridge.add_frame_listener(alerts.on_frame)
        bridge.add_frame_listener(ui.charts.on_frame)
        ui.charts.opened.connect(self._on_chart_opened)
        ui.charts.layoutChanged.connect(self.save_charts)

    def _on_trade(self, tick: Tick) -> None:
        """Per trade: one float conversion shared by both stores."""
        price = float(tick.price)
        self.sparklines.add(tick.symbol, price, tick.ts_ms)
        self.bars.add(tick.symbol, price, tick.volume, tick.ts_ms)

    def set_sessions(self, sessions: SessionSource) -> None:
        """Gate alerts by the exchange calendars (issue 3) once they are loaded."""
        self.alerts.engine.set_sessions(sessions)

    def start(self, symbols: Sequence[str]) -> None:
        """Load alerts, seed today's history for `symbols`, and reopen the saved charts."""
        self.alerts.load()
        self.history.request(symbols)
        self.history.start()
        try:
            layouts = self._layouts.load(CHART_KIND)
        except sqlite3.Error as exc:
            log.error("chart windows not restored: %s", exc)
            layouts = []
        self.ui.charts.restore(layouts)

    async def stop(self) -> None:
        """Save the chart windows, stop fetching history, close the windows and the tray icon."""
        self.save_charts()
        await self.history.stop()
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

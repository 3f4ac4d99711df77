"""Insights wired as the app wires it, against the real simulator: history, alerts, saved charts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app_insights import Insights
from desktop.domain.alerts import AlertKind, AlertRule
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.feed.rest import AllTickRestClient
from desktop.persistence.database import Database
from desktop.protocol.plans import Plan, PlanProfile
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from desktop.widgets.main_window import MainWindow
from tests.conftest import TIMEOUT_S

NOW_S = 1_732_285_800 + 30 * 60  # Friday 2024-11-22 10:00 in New York, 23:00 in Hong Kong
FAST = PlanProfile(Plan.BASIC, 1, 100, 10, 1, 3.0, 0.0, 50)
SYMBOLS = ["AAPL.US", "00700.HK"]


async def until(condition: Callable[[], bool], within: float = TIMEOUT_S) -> None:
    """Wait for a condition on the event loop, failing the test after `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    sim = SimulatorServer(SimulatorConfig(history_minutes=30), clock=lambda: NOW_S * 1000)
    await sim.start()
    yield sim
    await sim.stop()


class Board:
    """What app.py builds around `Insights`: book, model, window, flush bridge, database."""

    def __init__(self, server: SimulatorServer, path: Path) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(SYMBOLS)
        self.window = MainWindow(self.model)
        self.bridge = StreamBridge(self.book, self.model, lambda: 0)
        self.db = Database(path)
        self.rest = AllTickRestClient(server.rest_url, "demo", FAST)
        self.insights = Insights(
            self.book,
            self.model,
            self.window,
            self.bridge,
            self.db,
            tray_available=False,
        )

    def attach(self) -> None:
        """What `QuoteBoardApp.switch_feed` does once the feed streams."""
        self.insights.attach_feed(self.rest, self.model.symbols(), AlwaysOpen())

    async def close(self) -> None:
        await self.insights.stop()
        await self.rest.aclose()
        self.db.close()
        self.window.close()


async def test_history_alerts_and_chart_windows_work_together_and_survive_a_restart(
    qapp: QApplication, server: SimulatorServer, tmp_path: Path
) -> None:
    board = Board(server, tmp_path / "q.db")
    insights = board.insights
    insights.start()
    board.attach()
    await until(lambda: insights.history.seeded == 2)
    assert len(insights.bars.bars("AAPL.US")) == 30
    assert insights.sparklines.points("00700.HK") is not None

    insights.ui.alertRuleSubmitted.emit(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, Decimal("1")))
    tick = Tick("AAPL.US", Decimal("150"), 100, None, TradeSide.BUY, NOW_S * 1000 + 5, 1)
    board.book.apply_tick(tick, 0.0)
    board.bridge.flush()
    assert insights.ui.toasts.toasts()[-1].title.text() == "Alert · AAPL.US"
    assert insights.alerts.log_model.rowCount() == 1

    chart = insights.ui.charts.open("AAPL.US")
    assert "00700.HK" not in insights.history.pending()
    await until(lambda: chart.bar_count() == 31)  # the REST history plus the live minute
    await board.close()

    again = Board(server, tmp_path / "q.db")
    again.insights.start()
    assert again.insights.ui.charts.symbols() == ["AAPL.US"]
    (rule,) = again.insights.alerts.engine.rules()
    assert rule.symbol == "AAPL.US" and rule.armed is False
    assert again.insights.alerts.log_model.rowCount() == 1
    await again.close()


async def test_switching_feeds_rebuilds_todays_lines_from_the_new_feed(
    qapp: QApplication, server: SimulatorServer, tmp_path: Path
) -> None:
    board = Board(server, tmp_path / "q.db")
    insights = board.insights
    insights.start()
    board.attach()
    await until(lambda: insights.history.seeded == 2)
    tick = Tick("AAPL.US", Decimal("999"), 100, None, TradeSide.BUY, NOW_S * 1000 + 5, 1)
    board.book.apply_tick(tick, 0.0)
    assert insights.sparklines.last_price("AAPL.US") == 999.0
    await insights.detach_feed()  # as switch_feed does before stopping the old feed
    board.attach()  # a replay, say: its history, not the old feed's trades
    assert insights.sparklines.last_price("AAPL.US") is None
    await until(lambda: insights.history.seeded == 4)
    assert insights.sparklines.last_price("AAPL.US") != 999.0
    assert len(insights.bars.bars("AAPL.US")) == 30
    await board.close()


async def test_alerts_wait_for_market_hours_before_the_first_feed(
    qapp: QApplication, server: SimulatorServer, tmp_path: Path
) -> None:
    board = Board(server, tmp_path / "q.db")
    board.insights.start()
    board.insights.ui.alertRuleSubmitted.emit(
        AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, Decimal("1"))
    )
    tick = Tick("AAPL.US", Decimal("150"), 100, None, TradeSide.BUY, NOW_S * 1000 + 5, 1)
    board.book.apply_tick(tick, 0.0)
    board.bridge.flush()
    assert board.insights.alerts.log_model.rowCount() == 0  # hours unknown: nothing judged
    board.attach()
    board.book.mark_dirty("AAPL.US")
    board.bridge.flush()
    assert board.insights.alerts.log_model.rowCount() == 1
    await board.close()

"""Insights wired as the app wires it, against the real simulator: history, alerts, saved charts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app.feed_switch import FeedSwitch
from desktop.app.insights import Insights
from desktop.domain.alerts import AlertKind, AlertRule
from desktop.domain.gaps import Gap
from desktop.domain.market_data import Tick, TradeSide
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbol_universe import SymbolUniverse
from desktop.feed.rest import AllTickRestClient
from desktop.persistence.database import Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.protocol.plans import Plan, PlanProfile
from desktop.qt.gap_keeper import GapKeeper
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from desktop.widgets.main_window import MainWindow
from desktop.widgets.watchlist_panel import WatchlistPanel
from tests.polling import wait_until

NOW_S = 1_732_285_800 + 30 * 60  # Friday 2024-11-22 10:00 in New York, 23:00 in Hong Kong
FAST = PlanProfile(Plan.BASIC, 1, 100, 10, 1, 3.0, 0.0, 50)
SYMBOLS = ["AAPL.US", "00700.HK"]


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    sim = SimulatorServer(SimulatorConfig(history_minutes=30), clock=lambda: NOW_S * 1000)
    await sim.start()
    yield sim
    await sim.stop()


class Board:
    """What the board builds around `Insights`: book, model, window, feed switch, database."""

    def __init__(self, server: SimulatorServer, path: Path, gaps: GapKeeper | None = None) -> None:
        self.book = QuoteBook()
        self.db = Database(path)
        repo = WatchlistRepository(self.db)
        if not repo.lists():
            repo.create("Mine", SYMBOLS)
        self.session = WatchlistSession(repo, self.book)
        self.model = self.session.models()[0]
        self.window = MainWindow(WatchlistPanel(self.session, SymbolMatcher(SymbolUniverse())))
        self.switch = FeedSwitch(
            self.book, self.session, self.window, lambda event: None, gaps=gaps
        )
        self.bridge = self.switch.bridge
        self.rest = AllTickRestClient(server.rest_url, "demo", FAST)
        self.insights = Insights(
            self.book,
            self.session,
            self.window,
            self.switch,
            self.db,
            tray_available=False,
        )

    def attach(self) -> None:
        """What a `feedStarted` from the switch does (here with this test's REST client)."""
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
    loaded: list[int] = []
    insights.on_history_loaded = lambda: loaded.append(insights.history.seeded)
    insights.start()
    board.attach()
    await wait_until(lambda: insights.history.seeded == 2)
    assert loaded == [2]  # once, when the last one is in (the board sweeps its heap then)
    assert len(insights.bars.bars("AAPL.US")) == 400  # HISTORY_MINUTES, all of them today
    assert insights.sparklines.points("00700.HK") is not None

    insights.ui.alertRuleSubmitted.emit(AlertRule("AAPL.US", AlertKind.PRICE_ABOVE, Decimal("1")))
    tick = Tick("AAPL.US", Decimal("150"), 100, None, TradeSide.BUY, NOW_S * 1000 + 5, 1)
    board.book.apply_tick(tick, 0.0)
    board.bridge.flush()
    assert insights.ui.toasts.toasts()[-1].title.text() == "Alert · AAPL.US"
    assert insights.alerts.log_model.rowCount() == 1

    chart = insights.ui.charts.open("AAPL.US")
    assert "00700.HK" not in insights.history.pending()
    await wait_until(lambda: chart.bar_count() == 401)  # the REST history plus the live minute
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
    await wait_until(lambda: insights.history.seeded == 2)
    tick = Tick("AAPL.US", Decimal("999"), 100, None, TradeSide.BUY, NOW_S * 1000 + 5, 1)
    board.book.apply_tick(tick, 0.0)
    assert insights.sparklines.last_price("AAPL.US") == 999.0
    await insights.detach_feed()  # as a `feedStopping` does before the old feed stops
    board.attach()  # a replay, say: its history, not the old feed's trades
    assert insights.sparklines.last_price("AAPL.US") is None
    await wait_until(lambda: insights.history.seeded == 4)
    assert insights.sparklines.last_price("AAPL.US") != 999.0
    assert len(insights.bars.bars("AAPL.US")) == 400  # HISTORY_MINUTES, all of them today
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


async def test_a_recorded_outage_breaks_the_sparkline_and_the_chart_until_another_feed_starts(
    qapp: QApplication, server: SimulatorServer, tmp_path: Path
) -> None:
    keeper = GapKeeper(None)
    board = Board(server, tmp_path / "q.db", gaps=keeper)
    insights = board.insights
    insights.start()
    board.attach()
    await wait_until(lambda: insights.history.seeded == 2)
    chart = insights.ui.charts.open("AAPL.US")
    for seq, second in enumerate((5, 65, 125), start=1):  # three live minutes
        tick = Tick(
            "AAPL.US", Decimal("150"), 100, None, TradeSide.BUY, (NOW_S + second) * 1000, seq
        )
        board.book.apply_tick(tick, 0.0)
    await wait_until(lambda: chart.bar_count() >= 403)  # the REST history plus three minutes
    line = insights.sparklines.points("AAPL.US")
    assert line is not None and line.connect.tolist()[:-1].count(0) == 0
    assert chart.overlays()["breaks"] == []
    board.book.take_dirty()
    keeper.on_gap(Gap(0, (NOW_S + 10) * 1000, (NOW_S + 52) * 1000, ("AAPL.US",)))
    assert "AAPL.US" in board.book.take_dirty(), "the row's sparkline is redrawn"
    line = insights.sparklines.points("AAPL.US")
    assert line is not None and line.connect.tolist()[:-1].count(0) == 1
    assert chart.overlays()["breaks"] == [chart.bar_count() - 2]  # before the minute after it
    await insights.detach_feed()
    board.attach()  # another feed: its lines come from history that has no holes
    assert insights.outages.spans("AAPL.US") == []
    await board.close()

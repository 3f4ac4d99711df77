"""Every view shows the same truth: kill the server under a board, each view reads Stale in 1 s."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import AlwaysOpen
from desktop.domain.symbols import Symbol
from desktop.domain.truth import FeedMode, Truth, TruthJudge
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.protocol.plans import PLANS, Plan
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.qt.truth_monitor import TruthMonitor
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from desktop.widgets.chart_windows import ChartWindowManager
from desktop.widgets.depth_windows import DepthWindowManager
from desktop.widgets.heatmap import HeatmapWidget
from desktop.widgets.truth_chip import TruthChip, is_dimmed, mode_title
from tests.polling import wait_until

FAST = ConnectionSettings(
    heartbeat_s=0.3, dead_after_s=2.0, request_spacing_s=0.12, reconnect_floor_s=5.0
)
SYMBOLS = ["AAPL.US", "MSFT.US", "00700.HK"]
STALE_WITHIN_S = 1.0
"""The promise: once the app knows a connection is down, every view says Stale within 1 s."""


class Board:
    """A board's views over one feed: rows, the depth dock, a pop-out ladder, a chart, a heatmap."""

    def __init__(self, server: SimulatorServer, mode: FeedMode = FeedMode.LIVE) -> None:
        self.book = QuoteBook()
        self.model = QuoteTableModel(self.book)
        self.model.set_symbols(SYMBOLS)
        self.service: FeedService | None = None
        self.monitor = TruthMonitor(
            self.book,
            self.model,
            TruthJudge(AlwaysOpen()),
            conditions=lambda: self.feed.truth_conditions(mode),
        )
        self.service = FeedService(
            self.book,
            server.ws_url,
            "t",
            PLANS[Plan.PROFESSIONAL],
            settings=FAST,
            sessions=AlwaysOpen(),
            on_connections=self.monitor.poke,
        )
        self.bridge = StreamBridge(self.book, [self.model], lambda: 0)
        self.ladders = DepthWindowManager(self.book, self.bridge)
        self.ladders.set_truth(self.monitor)
        self.ladders.follow_selection("AAPL.US")
        self.pop_out = self.ladders.pop_out("MSFT.US")
        self.charts = ChartWindowManager(MinuteBarStore(), self.book)
        self.charts.set_truth(self.monitor)
        self.chart = self.charts.open("00700.HK")
        self.heatmap = HeatmapWidget(self.model, self.book)
        self.heatmap.set_truth(self.monitor)
        self.heatmap.resize(600, 400)
        self.heatmap.show()

    @property
    def feed(self) -> FeedService:
        assert self.service is not None
        return self.service

    def chips(self) -> dict[str, TruthChip]:
        return {
            "dock": self.ladders.dock().ladder().truth_chip,
            "pop-out": self.pop_out.ladder().truth_chip,
            "chart": self.chart.truth_chip(),
        }

    def dimmed(self) -> dict[str, QWidget]:
        return {
            "dock": self.ladders.dock().ladder().view(),
            "pop-out": self.pop_out.ladder().view(),
        }

    def states(self) -> dict[str, Truth | None]:
        QApplication.processEvents()  # the monitor's timer and the views' repaints (plain asyncio)
        shown: dict[str, Truth | None] = {
            name: chip.verdict.state if chip.verdict is not None else None
            for name, chip in self.chips().items()
        }
        for symbol in SYMBOLS:
            shown[f"row {symbol}"] = self.model.row_truth(symbol)
        for tile in self.heatmap.tiles():
            shown[f"tile {tile.symbol}"] = tile.truth.state if tile.truth else None
        return shown

    async def start(self) -> None:
        symbols = [Symbol.parse(s) for s in SYMBOLS]
        self.feed.set_symbols(symbols, symbols)
        self.bridge.start()
        self.monitor.start()
        await self.feed.start()

    async def stop(self) -> None:
        self.monitor.stop()
        self.bridge.stop()
        await self.feed.stop()
        self.charts.close_all()
        self.ladders.shutdown()
        self.heatmap.close()


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    config = SimulatorConfig(seed=5, trades_per_second=80.0, min_request_interval=0.01)
    running = SimulatorServer(config)
    await running.start()
    yield running
    await running.stop()


async def test_killing_the_server_turns_every_view_stale_within_a_second(
    server: SimulatorServer, qapp: QApplication
) -> None:
    board = Board(server)
    await board.start()
    try:
        await wait_until(
            lambda: set(board.states().values()) == {Truth.LIVE}, "every view to show Live"
        )
        assert not any(is_dimmed(widget) for widget in board.dimmed().values())
        # Only the connection's own report may turn the views: no once-a-second judgement.
        board.monitor.stop()
        await server.stop()  # the server dies under the board
        await wait_until(
            lambda: set(board.states().values()) == {Truth.STALE},
            "every view to show Stale",
            within=STALE_WITHIN_S,
        )
        assert all(is_dimmed(widget) for widget in board.dimmed().values())
        chip = board.chips()["pop-out"]
        assert chip.text().startswith("Stale · ") and "s" in chip.text()
        assert "last update" in chip.toolTip()
    finally:
        await board.stop()


async def test_demo_data_is_marked_in_every_title_and_on_every_chip(
    server: SimulatorServer, qapp: QApplication
) -> None:
    board = Board(server, FeedMode.DEMO)
    await board.start()
    try:
        await wait_until(
            lambda: set(board.states().values()) == {Truth.DEMO}, "every view to show Demo"
        )
        assert board.pop_out.windowTitle() == mode_title(
            "MSFT.US — Depth · Quote Board", FeedMode.DEMO
        )
        assert board.chart.windowTitle().endswith("— DEMO DATA")
        assert all(chip.text().startswith("Demo") for chip in board.chips().values())
    finally:
        await board.stop()

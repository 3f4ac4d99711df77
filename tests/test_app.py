"""The composition root's watchlist wiring: the streamed set follows the lists, one request per drop."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from desktop.app.database import DEFAULT_WATCHLISTS, open_database
from desktop.app.feed_switch import FeedSubscriptions
from desktop.domain.quote_book import QuoteBook
from desktop.feed.connection import ConnectionSettings
from desktop.feed.service import FeedService
from desktop.persistence.database import SCHEMA_VERSION, Database
from desktop.persistence.watchlists import WatchlistRepository
from desktop.protocol.alltick_wire import Cmd
from desktop.protocol.plans import PLANS, Plan
from desktop.qt.symbol_mime import symbols_mime
from desktop.qt.watchlist_session import WatchlistSession
from desktop.simulator.server import SimulatorConfig, SimulatorServer
from tests.polling import wait_until

FAST = ConnectionSettings(
    heartbeat_s=0.3, dead_after_s=2.0, request_spacing_s=0.12, reconnect_floor_s=0.05
)
FIFTY = [f"Q{chr(65 + i // 26)}{chr(65 + i % 26)}.US" for i in range(50)]


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    # Made-up codes are served (the universe is not under test here), and the server's request
    # interval is far below the client's spacing, so arrival jitter never triggers a 605 resend.
    config = SimulatorConfig(
        seed=3, trades_per_second=50.0, min_request_interval=0.01, synthesise_unknown=True
    )
    async with SimulatorServer(config) as running:
        yield running


def test_the_first_run_lists_are_the_old_default_split_by_market() -> None:
    us, hk = DEFAULT_WATCHLISTS["US"], DEFAULT_WATCHLISTS["Hong Kong"]
    assert len(us) == len(hk) == 12
    assert all(s.endswith(".US") for s in us) and all(s.endswith(".HK") for s in hk)


async def test_a_drop_of_50_symbols_is_one_subscribe_request(
    server: SimulatorServer, qapp: QApplication, tmp_path: Path
) -> None:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    us = repo.create("US", ["AAPL", "MSFT"]).id
    repo.create("HK", ["700", "AAPL"])
    book = QuoteBook()
    session = WatchlistSession(repo, book)
    service = FeedService(book, server.ws_url, "t", PLANS[Plan.PROFESSIONAL], settings=FAST)
    subscriptions = FeedSubscriptions(service)
    subscriptions.follow(session)
    await service.start()
    try:
        await wait_until(
            lambda: bool(server.connections) and len(server.connections[0].trade_codes) == 3
        )
        connection = server.connections[0]
        before = len(connection.requests(Cmd.SUBSCRIBE_TRADES))
        model = session.model(us)
        assert model is not None
        assert model.dropMimeData(
            symbols_mime(FIFTY), Qt.DropAction.CopyAction, 1, 0, QModelIndex()
        )
        await wait_until(lambda: len(connection.trade_codes) == 53)
        sent = len(connection.received)
        await wait_until(lambda: len(connection.received) >= sent + 2)  # two heartbeats later …
        subscribes = connection.requests(Cmd.SUBSCRIBE_TRADES)
        assert server.stats.requests_rejected == 0
        assert len(subscribes) == before + 1  # … still exactly one subscribe for the drop
        codes = [c["code"] for c in subscribes[-1].json["data"]["symbol_list"]]
        assert codes[:3] == ["AAPL.US", "QAA.US", "QAB.US"] and len(codes) == 53
        session.remove_symbols(us, FIFTY[:10])
        await wait_until(lambda: len(connection.trade_codes) == 43)
        assert len(connection.requests(Cmd.SUBSCRIBE_TRADES)) == before + 2
    finally:
        await service.stop()
        repo.db.close()


def test_a_corrupt_database_is_moved_aside_and_the_user_told_where(tmp_path: Path) -> None:
    (tmp_path / "quoteboard.db").write_bytes(b"garbage" * 200)
    opened = open_database(tmp_path)
    try:
        moved = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        assert len(moved) == 1 and moved[0].read_bytes().startswith(b"garbage")
        assert opened.notice is not None and str(moved[0]) in opened.notice
        assert opened.scratch is None
    finally:
        opened.db.close()


def test_a_database_from_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "quoteboard.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    opened = open_database(tmp_path)
    try:
        assert opened.scratch is not None and opened.db.path.parent != tmp_path
        assert opened.notice is not None and "will not be saved" in opened.notice
        assert (
            sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        )
    finally:
        opened.db.close()
        opened.scratch.cleanup()


def test_smoke_mode_without_a_data_dir_uses_a_throwaway_folder(tmp_path: Path) -> None:
    opened = open_database(None, throwaway=True)
    assert opened.scratch is not None and opened.notice is None
    folder = Path(opened.scratch.name)
    opened.db.close()
    opened.scratch.cleanup()
    assert not folder.exists()
    kept = open_database(tmp_path, throwaway=True)  # --data-dir wins
    assert kept.scratch is None and kept.db.path == tmp_path.resolve() / "quoteboard.db"
    kept.db.close()


async def test_open_ladders_stream_with_the_lists_and_leave_when_closed(
    server: SimulatorServer, qapp: QApplication, tmp_path: Path
) -> None:
    repo = WatchlistRepository(Database(tmp_path / "q.db"))
    us = repo.create("US", ["AAPL"]).id
    book = QuoteBook()
    session = WatchlistSession(repo, book)
    service = FeedService(book, server.ws_url, "t", PLANS[Plan.PROFESSIONAL], settings=FAST)
    subscriptions = FeedSubscriptions(service)
    subscriptions.follow(session)
    subscriptions.set_ladders(["00700.HK"])  # a ladder open on a symbol on no list
    await service.start()
    try:
        await wait_until(
            lambda: bool(server.connections) and len(server.connections[0].trade_codes) == 2
        )
        session.add_symbols(us, ["MSFT"])
        await wait_until(
            lambda: set(server.connections[0].trade_codes) == {"AAPL.US", "700.HK", "MSFT.US"}
        )
        subscriptions.set_ladders([])
        await wait_until(lambda: set(server.connections[0].trade_codes) == {"AAPL.US", "MSFT.US"})
    finally:
        await service.stop()
        repo.db.close()

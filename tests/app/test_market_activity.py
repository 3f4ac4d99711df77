"""A trader opens the tape and the volume dashboard on a 40-symbol list on the demo feed: prints
stream with big ones marked, anomalies come with their reasons in words, and the glance columns
(turnover, VWAP, relative volume, the 52-week range) fill in from the feed's daily bars."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import qasync

from desktop.app.board import QuoteBoardApp
from desktop.app.config import AppConfig
from desktop.domain.feed_status import ReconnectNotice
from desktop.domain.gaps import Gap
from desktop.persistence.database import Database
from desktop.persistence.paths import DB_FILENAME
from desktop.persistence.watchlists import WatchlistRepository
from desktop.qt.quote_columns import ColumnId
from tests.conftest import TIMEOUT_S, MemoryKeyring
from tests.polling import wait_until

ACTIVE_40 = [
    *(f"{code}.US" for code in (
        "AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL", "META", "AMD", "NFLX", "JPM", "V", "MA",
        "BAC", "XOM", "INTC", "CSCO", "ORCL", "CRM", "ADBE", "PEP", "KO", "DIS", "WMT", "COST",
    )),
    *(f"{code}.HK" for code in (
        "00700", "09988", "00005", "01299", "00941", "03690", "00388", "02318", "01810", "00939",
        "01211", "09618", "00883", "00027", "02020", "00016",
    )),
]  # fmt: skip
GLANCE = (ColumnId.TURNOVER, ColumnId.VWAP, ColumnId.PREV_CLOSE, ColumnId.REL_VOLUME)
GLANCE_52W = (ColumnId.HIGH_52W, ColumnId.LOW_52W)


def run_on(loop: qasync.QEventLoop, body: Callable[[], Awaitable[None]]) -> None:
    """Run `body` to its end on the Qt-driven loop."""
    task = loop.create_task(body())  # type: ignore[arg-type]
    task.add_done_callback(lambda _: loop.stop())
    loop.run_forever()
    task.result()


def test_tape_dashboard_and_glance_columns_on_a_40_symbol_demo_list(
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUOTEBOARD_TOKEN", raising=False)  # no token: the demo feed
    data = tmp_path / "data"
    data.mkdir()
    repo = WatchlistRepository(Database(data / DB_FILENAME))
    repo.seed({})  # not a first run: no default lists beside ours
    repo.create("Active 40", ACTIVE_40)
    repo.db.close()
    board = QuoteBoardApp(AppConfig(data_dir=data, seed=11))
    within = 12 * TIMEOUT_S  # enough trades for medians and blocks; 40 paced daily-bar requests

    async def body() -> None:
        board.build()
        await board.start()
        try:
            ui = board.activity.ui
            ui.tape_action.trigger()  # View → Time & Sales
            ui.dashboard_action.trigger()  # View → Volume Dashboard
            view = board.panel.current_view()
            assert view is not None and view.quote_model().symbols() == ACTIVE_40
            view.select_symbol("00700.HK")
            tape = ui.tape_dock.model()
            assert tape.symbol() == "00700.HK"
            assert tape.time_title() == "Time HKT"
            await wait_until(lambda: tape.rowCount() >= 20, "prints on the 00700.HK tape", within)
            await wait_until(
                lambda: any(e.big for s in ACTIVE_40 for e in board.activity.tape.recent(s)),
                "a print at least 10× its symbol's median",
                within,
            )
            anomalies = board.activity.dashboard.anomalies
            await wait_until(
                lambda: (
                    anomalies.rowCount() == 40 and bool(anomalies.text(0, anomalies.REASON_COLUMN))
                ),
                "the dashboard to rank 40 symbols with a reason on top",
                within,
            )
            top = anomalies.text(0, anomalies.REASON_COLUMN)
            assert "×" in top and ("median" in top or "usual" in top), top
            model = view.quote_model()

            def filled(columns: tuple[ColumnId, ...]) -> bool:
                rows = model.rows_as_displayed()  # every row formatted, on screen or not
                return len(rows) == 40 and all(row[int(c)] for row in rows for c in columns)

            await wait_until(lambda: filled(GLANCE + GLANCE_52W), "every glance column", within)
            assert board.activity.daily.fetched == 40
            # once the start-up history is in, the heap is swept and what survives frozen
            assert board.insights.on_history_loaded == board.collector.sweep
            await wait_until(lambda: not board.insights.history.pending(), "history", within)
            assert board.collector.full_sweeps >= 1
            # a dashboard click selects in the watchlist's group: the row, ladder and tape follow
            board.activity.select("09988.HK", board.ladders.manager.watchlist_group())
            assert view.current_symbol() == "09988.HK" and tape.symbol() == "09988.HK"
            assert board.ladders.manager.dock().symbol() == "09988.HK"
            # the feed keeps a gap ledger: its outages, not the banner, draw the tapes' dividers
            board.switch.reconnected.emit(ReconnectNotice(40, 12.0))
            assert not any(e.divider for e in board.activity.tape.recent("09988.HK"))
            keeper = board.switch.gaps
            assert keeper is not None
            now_ms = time.time_ns() // 1_000_000
            keeper.on_gap(Gap(0, now_ms - 42_000, now_ms, ("09988.HK",), reason="test outage"))

            def divider() -> str:
                rows = (tape.entry_at(r) for r in range(5))
                return next((e.divider for e in rows if e is not None and e.divider), "")

            await wait_until(lambda: divider() != "", "the outage's divider on the tape")
            assert divider() == "gap 42 s · reconnected"
        finally:
            await board.shutdown()

    run_on(qloop, body)

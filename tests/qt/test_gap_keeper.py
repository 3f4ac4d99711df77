"""GapKeeper: a gap is stored once and updated, survives a restart, and the status bar shows it."""

from __future__ import annotations

from pathlib import Path

import msgspec
from pytestqt.qtbot import QtBot

from desktop.domain.gaps import Gap
from desktop.persistence.database import Database
from desktop.persistence.gaps import GapRepository
from desktop.qt.gap_keeper import GapKeeper
from desktop.widgets.status_bar import FeedStatusBar


def test_an_outage_is_stored_updated_and_shown_after_a_restart(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "q.db"
    keeper = GapKeeper(GapRepository(Database(path)))
    bar = FeedStatusBar()
    qtbot.addWidget(bar)
    keeper.gapsChanged.connect(bar.set_gaps)
    opened = Gap(0, 1_000_000, None, ("AAPL.US", "MSFT.US"), reason="connection lost")
    keeper.on_gap(opened)
    assert bar.gaps_text() == "Gap ongoing"
    closed = msgspec.structs.replace(opened, end_ms=1_042_000)
    keeper.on_gap(closed)
    keeper.on_gap(msgspec.structs.replace(closed, missed={"AAPL.US": 18_000}))
    assert bar.gaps_text().startswith("Last gap 42 s at ")
    assert "~18,000 shares traded unseen" in bar._gaps.toolTip()
    again = GapKeeper(GapRepository(Database(path)))
    assert len(again.recent()) == 1 and again.recent()[0].missed == {"AAPL.US": 18_000}

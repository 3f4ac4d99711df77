"""GapRepository: outages survive a restart; the migration adds the table to an old database."""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import replace

from desktop.domain.gaps import Gap
from desktop.persistence.database import SCHEMA_VERSION, Database
from desktop.persistence.gaps import GapRepository


def test_gaps_are_kept_across_a_restart_with_their_end_and_what_was_missed(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = Database(path)
    repo = GapRepository(db)
    gap = repo.add(Gap(0, 1_000, None, ("AAPL.US", "00700.HK"), reason="connection lost"))
    assert gap.id is not None
    repo.update(replace(gap, end_ms=43_000, missed={"AAPL.US": 18_000}))
    repo.add(Gap(1, 50_000, 51_000, ("MSFT.US",)))
    db.close()
    again = GapRepository(Database(path)).recent()
    assert [(g.connection, g.start_ms, g.end_ms) for g in again] == [
        (0, 1_000, 43_000),
        (1, 50_000, 51_000),
    ]
    assert again[0].symbols == ("AAPL.US", "00700.HK") and dict(again[0].missed) == {
        "AAPL.US": 18_000
    }
    assert again[0].reason == "connection lost"


def test_only_the_newest_gaps_are_kept(tmp_path: Path) -> None:
    db = Database(tmp_path / "q.db")
    repo = GapRepository(db, keep=3)
    for i in range(5):
        repo.add(Gap(0, i * 1000, i * 1000 + 10, ("AAPL.US",)))
    assert [g.start_ms for g in repo.recent()] == [2000, 3000, 4000]
    assert db.version == SCHEMA_VERSION

"""WorkspaceRepository: the live state per monitor arrangement and named workspaces, in app_state."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.window_placement import Rect, ScreenArea, WindowLayout
from desktop.domain.workspace import MAX_NAMED, WorkspaceState
from desktop.persistence.database import Database
from desktop.persistence.workspaces import WorkspaceRepository

BIG = ScreenArea("big", Rect(0, 0, 1920, 1080), Rect(0, 0, 1920, 1040))
LAPTOP = ScreenArea("laptop", Rect(0, 0, 1280, 720), Rect(0, 0, 1280, 690))


def state(x: int, *monitors: ScreenArea) -> WorkspaceState:
    return WorkspaceState(WindowLayout("main", "", Rect(x, 0, 900, 600)), monitors=monitors)


@pytest.fixture
def repo(tmp_path: Path) -> WorkspaceRepository:
    return WorkspaceRepository(Database(tmp_path / "q.db"))


def test_the_live_state_is_kept_per_monitor_arrangement_across_a_reopen(tmp_path: Path) -> None:
    repo = WorkspaceRepository(Database(tmp_path / "q.db"))
    repo.save_current(state(1, BIG))
    repo.save_current(state(2, LAPTOP))
    repo.save_current(state(3, BIG))  # replaces the first
    reopened = WorkspaceRepository(Database(tmp_path / "q.db"))
    assert reopened.load_current([BIG]) == state(3, BIG)
    assert reopened.load_current([LAPTOP]) == state(2, LAPTOP)


def test_unknown_monitors_get_the_most_recent_similar_state(repo: WorkspaceRepository) -> None:
    other = ScreenArea("other", Rect(0, 0, 2560, 1440), Rect(0, 0, 2560, 1440))
    assert repo.load_current([BIG]) is None
    repo.save_current(state(1, BIG))
    repo.save_current(state(2, LAPTOP))
    assert repo.load_current([other]) == state(2, LAPTOP)
    repo.save_current(state(3, BIG))
    assert repo.load_current([other]) == state(3, BIG)


def test_an_unreadable_live_state_is_skipped(repo: WorkspaceRepository) -> None:
    repo.save_current(state(1, BIG))
    repo._db.set_state("workspace.auto.broken", "{not json")
    assert repo.load_current([BIG]) == state(1, BIG)


def test_named_workspaces_save_rename_and_delete_in_slot_order(
    repo: WorkspaceRepository,
) -> None:
    repo.save_named("Morning", state(1, BIG))
    repo.save_named("Close", state(2, BIG))
    repo.save_named(" morning ", state(3, BIG))  # same name: saved over, slot kept
    assert [(w.name, w.state.main.geometry.x) for w in repo.named()] == [
        ("Morning", 3),
        ("Close", 2),
    ]
    repo.rename("Morning", "Open")
    assert [w.name for w in repo.named()] == ["Open", "Close"]
    with pytest.raises(ValueError, match="already a workspace"):
        repo.rename("Open", "close")
    with pytest.raises(ValueError, match="needs a name"):
        repo.save_named("  ", state(1, BIG))
    repo.delete("Open")
    assert [w.name for w in repo.named()] == ["Close"]


def test_there_are_nine_slots(repo: WorkspaceRepository) -> None:
    for n in range(MAX_NAMED):
        repo.save_named(f"W{n}", state(n, BIG))
    with pytest.raises(ValueError, match="already 9 workspaces"):
        repo.save_named("Tenth", state(1, BIG))
    repo.save_named("W4", state(40, BIG))  # saving over one still works
    assert repo.named()[4].state.main.geometry.x == 40


def test_damaged_named_workspaces_are_skipped(repo: WorkspaceRepository) -> None:
    repo.save_named("Good", state(1, BIG))
    text = repo._db.get_state("workspace.named")
    assert text is not None
    repo._db.set_state("workspace.named", text[:-1] + ', {"name": "Bad", "state": 3}]')
    assert [w.name for w in repo.named()] == ["Good"]
    repo._db.set_state("workspace.named", "nonsense")
    assert repo.named() == []


def test_a_deleted_workspace_goes_back_into_its_slot(repo: WorkspaceRepository) -> None:
    for name in ("A", "B", "C"):
        repo.save_named(name, state(1, BIG))
    [_a, b, _c] = repo.named()
    repo.delete("B")
    repo.insert_named(b, 1)
    assert [w.name for w in repo.named()] == ["A", "B", "C"]
    with pytest.raises(ValueError, match="already a workspace"):
        repo.insert_named(b, 0)

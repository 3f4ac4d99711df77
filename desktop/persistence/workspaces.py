"""Workspaces in the app database: the live window state per monitor arrangement, and named ones.

Kept in `app_state` (no schema change): `workspace.auto.<monitors>` holds the state last seen on
that arrangement of monitors, saved on every change, so a restart, a crash or a reboot finds it;
`workspace.named` holds the user's named workspaces in slot order. Unreadable values are skipped
with a log line, never raised: a damaged workspace costs that workspace, not the start.
"""

from __future__ import annotations

import json
import logging

from desktop.domain.window_placement import ScreenArea
from desktop.domain.workspace import (
    MAX_NAMED,
    Workspace,
    WorkspaceCodec,
    WorkspaceState,
    monitors_key,
    nearest_fit,
)
from desktop.persistence.database import Database

__all__ = ["WorkspaceRepository"]

log = logging.getLogger(__name__)

_AUTO = "workspace.auto."
_NAMED = "workspace.named"


class WorkspaceRepository:
    """Loads and saves `WorkspaceState`s and named `Workspace`s; see the module docstring."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- the live state ---------------------------------------------------------------------------
    def save_current(self, state: WorkspaceState) -> None:
        """Store `state` as the one for its monitors (replacing the previous one for them)."""
        key = _AUTO + monitors_key(state.monitors)
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO app_state(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, WorkspaceCodec.encode(state)),
            )
            # rowid order says which arrangement was saved last: move this one to the end
            conn.execute(
                "UPDATE app_state SET rowid=(SELECT MAX(rowid) + 1 FROM app_state) "
                "WHERE key=? AND rowid < (SELECT MAX(rowid) FROM app_state)",
                (key,),
            )

    def load_current(self, monitors: list[ScreenArea]) -> WorkspaceState | None:
        """The state saved for these monitors, else for the most similar arrangement seen."""
        rows = self._db.conn.execute(
            "SELECT key, value FROM app_state WHERE key >= ? AND key < ? ORDER BY rowid DESC",
            (_AUTO, _AUTO[:-1] + chr(ord(".") + 1)),
        ).fetchall()
        states: list[WorkspaceState] = []
        for key, value in rows:
            state = WorkspaceCodec.decode(str(value))
            if state is None:
                log.warning("skipping an unreadable saved window state (%s)", key)
                continue
            states.append(state)
        return nearest_fit(states, monitors)

    # -- named workspaces -------------------------------------------------------------------------
    def named(self) -> list[Workspace]:
        """The named workspaces in slot order (slot 0 is Ctrl+Alt+1)."""
        text = self._db.get_state(_NAMED)
        if text is None:
            return []
        try:
            data = json.loads(text)
        except ValueError:
            log.warning("the named workspaces are unreadable; starting with none")
            return []
        workspaces: list[Workspace] = []
        for item in data if isinstance(data, list) else []:
            name = item.get("name") if isinstance(item, dict) else None
            state = WorkspaceCodec.from_dict(item.get("state")) if isinstance(item, dict) else None
            if isinstance(name, str) and name and state is not None:
                workspaces.append(Workspace(name, state))
            else:
                log.warning("skipping an unreadable named workspace")
        return workspaces[:MAX_NAMED]

    def save_named(self, name: str, state: WorkspaceState) -> list[Workspace]:
        """Save `state` under `name`: replaces a workspace of that name in its slot, or takes
        the next free slot. Raises ValueError for an empty name or when every slot is taken."""
        name = name.strip()
        if not name:
            raise ValueError("A workspace needs a name.")
        workspaces = self.named()
        for index, workspace in enumerate(workspaces):
            if workspace.name.casefold() == name.casefold():
                workspaces[index] = Workspace(workspace.name, state)
                break
        else:
            if len(workspaces) >= MAX_NAMED:
                raise ValueError(
                    f"There are already {MAX_NAMED} workspaces: delete one or save over one."
                )
            workspaces.append(Workspace(name, state))
        self._write(workspaces)
        return workspaces

    def rename(self, old: str, new: str) -> list[Workspace]:
        """Rename a workspace in place; ValueError for an empty or already used name."""
        new = new.strip()
        if not new:
            raise ValueError("A workspace needs a name.")
        workspaces = self.named()
        if any(w.name.casefold() == new.casefold() and w.name != old for w in workspaces):
            raise ValueError(f"There is already a workspace called “{new}”.")
        workspaces = [Workspace(new, w.state) if w.name == old else w for w in workspaces]
        self._write(workspaces)
        return workspaces

    def insert_named(self, workspace: Workspace, slot: int) -> list[Workspace]:
        """Put a deleted workspace back in its slot (Undo); ValueError if its name or every slot
        has been taken since."""
        workspaces = self.named()
        if any(w.name.casefold() == workspace.name.casefold() for w in workspaces):
            raise ValueError(f"There is already a workspace called “{workspace.name}”.")
        if len(workspaces) >= MAX_NAMED:
            raise ValueError(f"There are already {MAX_NAMED} workspaces.")
        workspaces.insert(max(0, min(slot, len(workspaces))), workspace)
        self._write(workspaces)
        return workspaces

    def delete(self, name: str) -> list[Workspace]:
        """Delete a workspace; the ones after it move up a slot."""
        workspaces = [w for w in self.named() if w.name != name]
        self._write(workspaces)
        return workspaces

    def _write(self, workspaces: list[Workspace]) -> None:
        data = [{"name": w.name, "state": WorkspaceCodec.to_dict(w.state)} for w in workspaces]
        self._db.set_state(_NAMED, json.dumps(data, sort_keys=True))

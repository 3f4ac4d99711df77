"""Workspaces of a running board: the window state saved on every change and put back at start,
and the named workspaces of the Workspaces menu (save, switch, rename, delete with Undo)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from desktop.domain.workspace import Workspace
from desktop.persistence.database import Database
from desktop.persistence.workspaces import WorkspaceRepository
from desktop.widgets.chart_kinds import CHART_KIND
from desktop.widgets.chart_windows import ChartWindowManager
from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
from desktop.widgets.main_window import MainWindow
from desktop.widgets.popout_manager import screen_areas
from desktop.widgets.watchlist_panel import WatchlistPanel
from desktop.widgets.workspace_keeper import WorkspaceKeeper

__all__ = ["AppWorkspaces"]

log = logging.getLogger("desktop")


class AppWorkspaces:
    """Connects the `WorkspaceKeeper` and the Workspaces menu to the `WorkspaceRepository`."""

    def __init__(
        self,
        window: MainWindow,
        panel: WatchlistPanel,
        ladders: DepthWindowManager,
        charts: ChartWindowManager,
        db: Database,
        save_charts: Callable[[], None] | None = None,
    ) -> None:
        self._save_charts = save_charts
        self._panel = panel
        self._restored_symbol: str | None = None
        self._repo = WorkspaceRepository(db)
        self._menu = menu = window.workspaces_menu
        self.keeper = WorkspaceKeeper(window, panel, {DEPTH_KIND: ladders, CHART_KIND: charts})
        self.keeper.changed.connect(self.save_current)
        menu.saveRequested.connect(self.save_named)
        menu.switchRequested.connect(self.switch)
        menu.renameRequested.connect(self.rename)
        menu.deleteRequested.connect(self.delete)
        self._refresh_menu(None)

    def restore(self) -> None:
        """Put back the window state last seen on these monitors (or the nearest arrangement),
        then save every change; call after the window is shown, before the pop-outs reopen."""
        try:
            state = self._repo.load_current(screen_areas())
        except sqlite3.Error as exc:
            log.error("the window layout could not be read: %s", exc)
            state = None
        if state is not None:
            self.keeper.apply(state, with_pop_outs=False)  # pop-outs come from the windows table
            self._restored_symbol = state.symbol
        self.keeper.watch()

    def select_restored(self) -> bool:
        """Select the restored row again once the feed has started (a new feed resets the
        rows); False when there was none, or its symbol has left the list."""
        view = self._panel.current_view()
        symbol = self._restored_symbol
        self._restored_symbol = None
        return view is not None and symbol is not None and view.select_symbol(symbol)

    def save_current(self) -> None:
        """Save the window state now (debounced changes, and at quit)."""
        try:
            self._repo.save_current(self.keeper.capture())
        except sqlite3.Error as exc:
            log.error("could not save the window layout: %s", exc)

    def shutdown(self) -> None:
        """At quit, before any window closes: save what is on screen."""
        self.save_current()

    # -- named workspaces -------------------------------------------------------------------------
    def save_named(self, name: str) -> None:
        """Workspaces → Save Workspace As…"""
        try:
            self._repo.save_named(name, self.keeper.capture())
        except ValueError as exc:
            self._panel.notices.show_notice("warning", str(exc))
            return
        except sqlite3.Error as exc:
            self._panel.notices.show_notice("error", f"The workspace was not saved: {exc}.")
            return
        self._refresh_menu(name.strip())
        slot = self._menu.names().index(self._menu.current() or "") + 1
        self._panel.notices.show_notice(
            "info", f"Saved the workspace “{name.strip()}” (Ctrl+Alt+{slot}).", timeout_ms=6000
        )

    def switch(self, name: str) -> None:
        """Ctrl+Alt+N or the Workspaces menu: put that workspace's windows back."""
        workspace = self._find(name)
        if workspace is None:
            return
        self.keeper.apply(workspace.state)
        self._refresh_menu(name)
        self.save_current()
        if self._save_charts is not None:  # charts reopen quietly: store them as they are now
            self._save_charts()

    def rename(self, old: str, new: str) -> None:
        """Workspaces → Rename."""
        try:
            self._repo.rename(old, new)
        except (ValueError, sqlite3.Error) as exc:
            self._panel.notices.show_notice("warning", str(exc))
            return
        current = self._menu.current()
        self._refresh_menu(new.strip() if current == old else current)

    def delete(self, name: str) -> None:
        """Workspaces → Delete: gone at once, with Undo in the notice bar (like a list)."""
        workspaces = self._safe_named()
        doomed = next((w for w in workspaces if w.name == name), None)
        if doomed is None:
            return
        slot = workspaces.index(doomed)
        try:
            self._repo.delete(name)
        except sqlite3.Error as exc:
            self._panel.notices.show_notice("error", f"The workspace was not deleted: {exc}.")
            return
        current = self._menu.current()
        self._refresh_menu(None if current == name else current)
        self._panel.notices.show_notice(
            "info",
            f"Deleted the workspace “{name}”.",
            [("Undo", lambda: self._undo_delete(doomed, slot))],
            timeout_ms=15000,
        )

    def _undo_delete(self, workspace: Workspace, slot: int) -> None:
        try:
            self._repo.insert_named(workspace, slot)
        except (ValueError, sqlite3.Error) as exc:
            self._panel.notices.show_notice("warning", f"Could not bring it back: {exc}")
            return
        self._refresh_menu(self._menu.current())

    def _find(self, name: str) -> Workspace | None:
        return next((w for w in self._safe_named() if w.name == name), None)

    def _safe_named(self) -> list[Workspace]:
        try:
            return self._repo.named()
        except sqlite3.Error as exc:
            log.error("named workspaces could not be read: %s", exc)
            return []

    def _refresh_menu(self, current: str | None) -> None:
        self._menu.set_workspaces(self._safe_named(), current)

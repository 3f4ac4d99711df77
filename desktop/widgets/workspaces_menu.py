"""The Workspaces menu: save the window state under a name, switch (Ctrl+Alt+1…9), rename, delete.

It owns no storage: it emits intents with names, and `set_workspaces` rebuilds it from what the
app stored. Name prompts are non-modal (`open()`, never `exec()`: qasync must keep running).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QWidget

from desktop.domain.workspace import MAX_NAMED, Workspace

__all__ = ["WorkspacesMenu"]


def _made_for(workspace: Workspace) -> str:
    monitors = workspace.state.monitors
    if not monitors:
        return "Made for unknown monitors"
    sizes = ", ".join(f"{m.geometry.width}×{m.geometry.height}" for m in monitors)
    return f"Made for {len(monitors)} monitor{'s' if len(monitors) > 1 else ''}: {sizes}"


class WorkspacesMenu(QMenu):
    """Menu bar menu of named workspaces; see the module docstring."""

    saveRequested = Signal(str)
    """Save the window state now under this name (over a workspace of the same name)."""
    switchRequested = Signal(str)
    """Put this workspace's windows back."""
    renameRequested = Signal(str, str)
    """Rename workspace (old, new)."""
    deleteRequested = Signal(str)
    """Delete this workspace."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Wor&kspaces", parent)
        self.setObjectName("workspacesMenu")
        self.setToolTipsVisible(True)
        self._current: str | None = None
        self._names: list[str] = []
        self._dialog: QInputDialog | None = None
        self.save_action = QAction("&Save Workspace As…", self)
        self.save_action.setShortcut(QKeySequence("Ctrl+Alt+S"))
        self.save_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.save_action.setToolTip("Remember every window, dock, size and the selected row")
        self.save_action.triggered.connect(self.ask_save)
        self.switch_actions: list[QAction] = []
        for slot in range(MAX_NAMED):
            action = QAction(self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{slot + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.triggered.connect(lambda _on=False, n=slot: self._switch(n))
            self.switch_actions.append(action)
        self.rename_menu = QMenu("&Rename", self)
        self.delete_menu = QMenu("&Delete", self)
        self.set_workspaces([])

    def set_workspaces(self, workspaces: Sequence[Workspace], current: str | None = None) -> None:
        """Show these workspaces in slot order; `current` gets the check mark."""
        self._names = [w.name for w in workspaces]
        self._current = current if current in self._names else None
        keep = {self.save_action, *self.switch_actions}
        for action in self.actions():  # clear() would delete the kept actions too
            self.removeAction(action)
            if action not in keep and action.parent() is self:
                action.deleteLater()
        self.addAction(self.save_action)
        self.addSeparator()
        for slot, action in enumerate(self.switch_actions):
            if slot < len(workspaces):
                workspace = workspaces[slot]
                action.setText(f"&{slot + 1}  {workspace.name.replace('&', '&&')}")
                action.setToolTip(_made_for(workspace))
                action.setChecked(workspace.name == self._current)
                action.setEnabled(True)
                self.addAction(action)
            else:
                action.setEnabled(False)  # its shortcut does nothing until the slot is used
        if not workspaces:
            empty = self.addAction("No saved workspaces")
            empty.setEnabled(False)
        self.addSeparator()
        self.rename_menu.clear()
        self.delete_menu.clear()
        for name in self._names:
            label = name.replace("&", "&&")
            self.rename_menu.addAction(label, partial(self.ask_rename, name))
            self.delete_menu.addAction(label, partial(self.deleteRequested.emit, name))
        self.rename_menu.setEnabled(bool(workspaces))
        self.delete_menu.setEnabled(bool(workspaces))
        self.addMenu(self.rename_menu)
        self.addMenu(self.delete_menu)

    def names(self) -> list[str]:
        """The workspace names in slot order."""
        return list(self._names)

    def current(self) -> str | None:
        """The workspace last saved or switched to (None when none)."""
        return self._current

    def _switch(self, slot: int) -> None:
        if slot < len(self._names):
            self.switchRequested.emit(self._names[slot])

    # -- name prompts -----------------------------------------------------------------------------
    def ask_save(self) -> QInputDialog:
        """Ask for a name (the current workspace's, to save over it, is proposed)."""
        return self._ask(
            "Save Workspace",
            "Save the windows, docks and selection as:",
            self._current or f"Workspace {len(self._names) + 1}",
            self.saveRequested.emit,
        )

    def ask_rename(self, name: str) -> QInputDialog:
        """Ask for a new name for `name`."""
        return self._ask(
            "Rename Workspace",
            f"New name for “{name}”:",
            name,
            lambda new: self.renameRequested.emit(name, new) if new != name else None,
        )

    def dialog(self) -> QInputDialog | None:
        """The open name prompt, if any."""
        return self._dialog

    def _ask(
        self, title: str, label: str, text: str, then: Callable[[str], object]
    ) -> QInputDialog:
        if self._dialog is not None:
            self._dialog.close()
        parent = self.parentWidget()
        dialog = QInputDialog(parent)
        dialog.setObjectName("workspaceNameDialog")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted(value: str) -> None:
            value = value.strip()
            if value:
                then(value)

        dialog.textValueSelected.connect(accepted)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: QInputDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None

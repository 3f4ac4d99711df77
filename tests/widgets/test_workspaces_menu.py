"""WorkspacesMenu: named slots with Ctrl+Alt+1…9, non-modal name prompts, rename and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow
from pytestqt.qtbot import QtBot

from desktop.domain.window_placement import Rect, ScreenArea, WindowLayout
from desktop.domain.workspace import Workspace, WorkspaceState
from desktop.widgets.workspaces_menu import WorkspacesMenu

BIG = ScreenArea("big", Rect(0, 0, 1920, 1080), Rect(0, 0, 1920, 1040))
SIDE = ScreenArea("side", Rect(1920, 0, 2560, 1440), Rect(1920, 0, 2560, 1440))


def workspace(name: str, *monitors: ScreenArea) -> Workspace:
    return Workspace(name, WorkspaceState(WindowLayout("main", "", Rect(0, 0, 800, 600)),
                                          monitors=monitors))  # fmt: skip


def menu_on_window(qtbot: QtBot) -> tuple[QMainWindow, WorkspacesMenu]:
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = WorkspacesMenu(window)
    window.menuBar().addMenu(menu)
    return window, menu


def test_each_workspace_gets_its_slot_shortcut_and_says_what_it_was_made_for(
    qtbot: QtBot,
) -> None:
    _window, menu = menu_on_window(qtbot)
    menu.set_workspaces([workspace("Morning", BIG), workspace("Desk", BIG, SIDE)], "Desk")
    slots = [a for a in menu.actions() if a in menu.switch_actions]
    assert [a.text() for a in slots] == ["&1  Morning", "&2  Desk"]
    assert [a.shortcut().toString() for a in slots] == ["Ctrl+Alt+1", "Ctrl+Alt+2"]
    assert [a.isChecked() for a in slots] == [False, True]
    assert slots[1].toolTip() == "Made for 2 monitors: 1920×1080, 2560×1440"
    assert not menu.switch_actions[2].isEnabled()  # an empty slot's shortcut does nothing


def test_the_slot_shortcut_asks_to_switch(qtbot: QtBot) -> None:
    window, menu = menu_on_window(qtbot)
    menu.set_workspaces([workspace("Morning", BIG), workspace("Desk", BIG)])
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    with qtbot.waitSignal(menu.switchRequested) as blocker:
        menu.switch_actions[1].trigger()
    assert blocker.args == ["Desk"]
    assert menu.switch_actions[1].shortcut() == QKeySequence("Ctrl+Alt+2")
    assert menu.switch_actions[1].shortcutContext() is Qt.ShortcutContext.ApplicationShortcut


def test_save_as_asks_for_a_name_without_blocking(qtbot: QtBot) -> None:
    _window, menu = menu_on_window(qtbot)
    menu.save_action.trigger()
    dialog = menu.dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.textValue() == "Workspace 1"
    dialog.setTextValue("  Morning  ")
    with qtbot.waitSignal(menu.saveRequested) as blocker:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert blocker.args == ["Morning"]


def test_rename_and_delete_name_the_workspace(qtbot: QtBot) -> None:
    _window, menu = menu_on_window(qtbot)
    menu.set_workspaces([workspace("Morning", BIG)])
    assert menu.rename_menu.isEnabled() and menu.delete_menu.isEnabled()
    menu.rename_menu.actions()[0].trigger()
    dialog = menu.dialog()
    assert dialog is not None and dialog.textValue() == "Morning"
    dialog.setTextValue("Open")
    with qtbot.waitSignal(menu.renameRequested) as blocker:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert blocker.args == ["Morning", "Open"]
    with qtbot.waitSignal(menu.deleteRequested) as blocker:
        menu.delete_menu.actions()[0].trigger()
    assert blocker.args == ["Morning"]
    menu.set_workspaces([])
    assert not menu.rename_menu.isEnabled() and not menu.delete_menu.isEnabled()

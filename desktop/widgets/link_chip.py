"""The main window's link-group chip: which colour the watchlist's selection drives.

A small button in the status bar with the group's swatch and label ("● 1 Blue"); clicking it
opens the Watchlist Link Group menu. Windows linked to that colour follow the selection, and a
symbol typed into any of them moves the selection.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from desktop.qt.link_groups import LINK_GROUPS, link_group
from desktop.qt.palette import colors, follow_theme
from desktop.widgets.link_controls import swatch_icon

__all__ = ["LinkChip"]

_STYLE = """
QToolButton#linkChip {{ border: 1px solid {c.edge}; border-radius: 9px; padding: 0px 8px; }}
QToolButton#linkChip:hover {{ background: {c.hover}; }}
QToolButton#linkChip::menu-indicator {{ image: none; width: 0px; }}
"""


class LinkChip(QToolButton):
    """Shows the watchlist's link group; its menu changes it."""

    def __init__(self, menu: QMenu | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkChip")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        follow_theme(self, lambda: self.setStyleSheet(_STYLE.format(c=colors())))
        if menu is not None:
            self.setMenu(menu)
            self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._key = ""
        self.set_group(LINK_GROUPS[0].key)

    def set_group(self, key: str) -> None:
        """Show link group `key` (unknown keys are ignored)."""
        group = link_group(key)
        if group is None:
            return
        self._key = group.key
        self.setIcon(swatch_icon(group.color))
        self.setText(f"Linked: {group.label}")
        self.setToolTip(
            f"The watchlist drives link group {group.label}: depth windows linked to "
            f"{group.name} follow the selected row, and a symbol typed into any of them selects "
            "its row here. Click to choose another colour."
        )
        if self.menu() is not None:
            for action in self.menu().actions():
                action.setChecked(action.text() == group.label)

    def group_key(self) -> str:
        """The key of the group shown."""
        return self._key

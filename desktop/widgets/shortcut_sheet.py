"""Help → Keyboard Shortcuts: every shortcut of the main window and of the pop-out windows.

The main window's part is generated from its `QAction`s (text, keys, the menu they sit in), so a
new action with a shortcut appears without anyone editing a list. Pop-out windows may not be open
when the sheet is, so their keys are declared here once (`WINDOW_KEYS`): each window installs
them as actions (`install_window_keys`) and the sheet lists the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "CHART_WINDOW",
    "DEPTH_WINDOW",
    "TAPE_WINDOW",
    "WINDOW_KEYS",
    "ShortcutEntry",
    "ShortcutSheet",
    "WindowKey",
    "install_window_keys",
    "shortcut_entries",
    "window_key_entries",
]


@dataclass(frozen=True, slots=True)
class ShortcutEntry:
    """One line of the sheet."""

    where: str
    """The menu the action is in ("" when only reachable by its keys)."""
    name: str
    keys: str
    """Every key sequence of the action in the platform's notation, "  or  " between them."""


@dataclass(frozen=True, slots=True)
class WindowKey:
    """One shortcut of a pop-out window: what the window calls it, its name and its keys."""

    id: str
    name: str
    keys: tuple[QKeySequence.StandardKey | str, ...]


DEPTH_WINDOW = "Depth Ladder window"
CHART_WINDOW = "Chart window"
TAPE_WINDOW = "Time & Sales window"
_CLOSE = QKeySequence.StandardKey.Close
WINDOW_KEYS: dict[str, tuple[WindowKey, ...]] = {
    DEPTH_WINDOW: (WindowKey("close", "Close Window", (_CLOSE,)),),
    CHART_WINDOW: (
        WindowKey("follow", "Follow the Newest Bar", ("End",)),
        WindowKey("close", "Close Window", ("Esc", _CLOSE)),
    ),
    TAPE_WINDOW: (WindowKey("close", "Close Window", (_CLOSE,)),),
}
"""The keys of each kind of pop-out window, in the order the sheet lists them."""


def _sequences(key: WindowKey) -> list[QKeySequence]:
    found: list[QKeySequence] = []
    for k in key.keys:
        if isinstance(k, str):
            found.append(QKeySequence(k))
        else:
            found.extend(QKeySequence.keyBindings(k))
    return [s for s in found if not s.isEmpty()]


def install_window_keys(
    window: QWidget, kind: str, handlers: Mapping[str, Callable[[], object]]
) -> None:
    """Give `window` the shortcuts of `kind` as actions that run `handlers[key.id]`."""
    for key in WINDOW_KEYS[kind]:
        action = QAction(key.name, window)
        action.setObjectName(f"{key.id}Action")
        action.setShortcuts(_sequences(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        run = handlers[key.id]
        action.triggered.connect(lambda _checked=False, run=run: run())
        window.addAction(action)


def window_key_entries() -> list[ShortcutEntry]:
    """The sheet's lines for the pop-out windows, window by window."""
    return [
        ShortcutEntry(kind, key.name, _native(_sequences(key)))
        for kind, keys in WINDOW_KEYS.items()
        for key in keys
    ]


def _native(shortcuts: list[QKeySequence]) -> str:
    texts = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts]
    return "  or  ".join(dict.fromkeys(texts))  # a platform may map two keys to one


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def _menu_of(action: QAction) -> str:
    for owner in action.associatedObjects():
        if isinstance(owner, QMenu) and owner.title():
            parent = owner.menuAction().associatedObjects()
            outer = next((o for o in parent if isinstance(o, QMenu) and o.title()), None)
            title = _clean(owner.title())
            return f"{_clean(outer.title())} → {title}" if outer is not None else title
    return ""


def shortcut_entries(window: QWidget) -> list[ShortcutEntry]:
    """Every action under `window` whose shortcut works (it is on a menu or a widget), by menu
    then name."""
    entries: dict[int, ShortcutEntry] = {}
    for action in window.findChildren(QAction):
        shortcuts = [s for s in action.shortcuts() if not s.isEmpty()]
        if not shortcuts or not action.text() or not action.associatedObjects():
            continue  # no keys, or on no widget: its keys do nothing
        entries[id(action)] = ShortcutEntry(
            _menu_of(action), _clean(action.text()), _native(shortcuts)
        )
    bar = window.menuBar() if isinstance(window, QMainWindow) else None
    order = {_clean(a.text()): n for n, a in enumerate(bar.actions())} if bar is not None else {}

    def place(entry: ShortcutEntry) -> tuple[int, str, str]:
        top = entry.where.split(" → ")[0]
        return (order.get(top, len(order) + (entry.where == "")), entry.where, entry.name)

    return sorted(entries.values(), key=place)  # menus in menu-bar order, then by name


class ShortcutSheet(QDialog):
    """A non-modal table of the shortcuts, with a filter field."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard Shortcuts")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("shortcutFilter")
        self.filter.setPlaceholderText("Filter by action, key or menu")
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("shortcutTable")
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Menu"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.entries = shortcut_entries(window) + window_key_entries()
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            for column, text in enumerate((entry.name, entry.keys, entry.where)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.filter.textChanged.connect(self._apply_filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 560)

    def _apply_filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        for row, entry in enumerate(self.entries):
            haystack = f"{entry.name} {entry.keys} {entry.where}".casefold()
            self.table.setRowHidden(row, bool(wanted) and wanted not in haystack)

    def names(self) -> list[str]:
        """The action names listed (tests and screen readers)."""
        return [entry.name for entry in self.entries]

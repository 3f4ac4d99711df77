"""The watchlist area of the main window: notices on top, the search pane beside the list tabs.

Owns the actions the menus show (new, rename, delete, import, export, undo, redo, copy, paste,
remove, find) so the main window only places them. Questions are asked in the notice bar, never in
a modal dialog; file choosers are opened with `open()` and answer through signals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QSplitter, QVBoxLayout, QWidget

from desktop.aio.task_set import TaskSet
from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.text_safety import safe_file_name
from desktop.qt.symbol_mime import SymbolPayload
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.editable_watchlist_view import EditableWatchlistView
from desktop.widgets.notice_bar import NoticeBar
from desktop.widgets.symbol_search_panel import SymbolSearchPanel
from desktop.widgets.watchlist_tabs import WatchlistTabs

__all__ = ["WatchlistPanel"]

_FILTERS = "Watchlists (*.csv *.txt);;CSV (*.csv);;Text (*.txt);;All files (*)"


class WatchlistPanel(QWidget):
    """Notice bar + symbol search + list tabs, and the actions that edit lists."""

    symbolActivated = Signal(str)
    """Double-click or Enter on a row (open its ladder or chart)."""
    currentSymbolChanged = Signal(str)
    """The selected row of the shown list shows another symbol."""

    def __init__(
        self, session: WatchlistSession, matcher: SymbolMatcher, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("watchlistPanel")
        self._session = session
        self.notices = NoticeBar(self)
        self.search = SymbolSearchPanel(matcher, self)
        self.tabs = WatchlistTabs(session, self)
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._splitter.setObjectName("watchlistSplitter")
        self._splitter.addWidget(self.search)
        self._splitter.addWidget(self.tabs)
        self._splitter.setStretchFactor(1, 1)
        self._splitter.setSizes([320, 960])
        self._splitter.setCollapsible(1, False)
        self.search.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.notices)
        layout.addWidget(self._splitter, 1)
        self._dialog: QFileDialog | None = None
        self._frozen = False
        self._row_actions: list[QAction] = []
        self._build_actions()
        self.tabs.symbolActivated.connect(self.symbolActivated)
        self.tabs.currentSymbolChanged.connect(self.currentSymbolChanged)
        self.tabs.typedText.connect(self.start_search)
        self.tabs.symbolsRemoved.connect(self._offer_undo_remove)
        self.tabs.noticeRequested.connect(self.notices.show_notice)
        self.tabs.currentListChanged.connect(self._on_list_shown)
        self.tabs.rowMenuRequested.connect(self._row_menu)
        self.tabs.tabMenuRequested.connect(self._tab_menu)
        session.notice.connect(self.notices.show_notice)
        session.importProgress.connect(self._show_import_progress)
        self._imports = TaskSet("watchlist-import")
        session.listDeleted.connect(self._offer_undo_delete)
        session.listsChanged.connect(self._update_actions)
        session.symbolsChanged.connect(lambda _symbols: self._refresh_on_list())
        self.search.addRequested.connect(self._add_from_search)
        self.search.closeRequested.connect(self.close_search)
        self._update_actions()
        self._refresh_on_list()

    # -- actions ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        shortcut: QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
        owner: QWidget | None = None,
    ) -> QAction:
        """An action whose shortcut works while the focus is inside `owner` (default: the panel)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        (owner or self).addAction(action)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_list_action = self._action("&New Watchlist", "Ctrl+T", self.tabs.new_list)
        self.import_action = self._action("&Import Watchlist…", "Ctrl+Shift+I", self.choose_import)
        self.export_action = self._action("&Export Watchlist…", "Ctrl+Shift+E", self.choose_export)
        self.rename_action = self._action("Re&name Watchlist", "F2", self.rename_current)
        self.delete_list_action = self._action("&Delete Watchlist…", None, self.ask_delete_current)
        self.undo_action = self._session.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(keys.Undo))
        self.redo_action = self._session.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence(keys.Redo), QKeySequence("Ctrl+Y")])
        # Only while a table has the focus: in the search field these keys edit text.
        self.copy_action = self._action("&Copy Symbols", keys.Copy, self._copy, self.tabs)
        self.paste_action = self._action("&Paste Symbols", keys.Paste, self._paste, self.tabs)
        self.remove_action = self._action("&Remove from List", keys.Delete, self._remove, self.tabs)
        self.find_action = self._action("&Find Symbol…", "Ctrl+K", lambda: self.start_search(""))
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.next_list_action = self._action("Ne&xt Watchlist", "Ctrl+PgDown", self._next_list)
        self.previous_list_action = self._action(
            "Pre&vious Watchlist", "Ctrl+PgUp", self._previous_list
        )

    def navigation_actions(self) -> list[QAction]:
        """For the View menu: the next and previous list tab."""
        return [self.next_list_action, self.previous_list_action]

    def _next_list(self) -> None:
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + 1) % count)

    def _previous_list(self) -> None:
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() - 1) % count)

    def file_actions(self) -> list[QAction]:
        """For the File menu."""
        return [self.new_list_action, self.import_action, self.export_action]

    def edit_actions(self) -> list[QAction | None]:
        """For the Edit menu (None: a separator)."""
        return [
            self.undo_action,
            self.redo_action,
            None,
            self.copy_action,
            self.paste_action,
            self.remove_action,
            None,
            self.find_action,
            None,
            self.rename_action,
            self.delete_list_action,
        ]

    def _update_actions(self) -> None:
        self.delete_list_action.setEnabled(len(self._session.lists()) > 1)

    # -- current list -------------------------------------------------------------------------
    def current_view(self) -> EditableWatchlistView | None:
        """The shown list's table."""
        return self.tabs.current_view()

    def _on_list_shown(self, list_id: int) -> None:
        view = self.current_view()
        if view is not None and view.is_order_frozen() != self._frozen:
            view.set_order_frozen(self._frozen)
        self._refresh_on_list()

    def _refresh_on_list(self) -> None:
        list_id = self.tabs.current_list()
        self.search.set_on_list(self._session.symbols(list_id) if list_id is not None else [])

    def _copy(self) -> None:
        view = self.current_view()
        if view is not None:
            view.copy_selected()

    def _paste(self) -> None:
        view = self.current_view()
        if view is not None:
            view.paste()

    def _remove(self) -> None:
        view = self.current_view()
        if view is not None:
            view.remove_selected()

    def set_order_frozen(self, frozen: bool) -> None:
        """View → Freeze Row Order: for every list, the ones opened later included."""
        self._frozen = frozen
        for view in self.tabs.views():
            view.set_order_frozen(frozen)

    def clear_sort(self) -> None:
        """View → Restore Watchlist Order, for the shown list."""
        view = self.current_view()
        if view is not None:
            view.clear_sort()

    # -- context menus ------------------------------------------------------------------------
    def add_row_action(self, action: QAction) -> None:
        """Also offer `action` in the rows' context menu (e.g. Pop Out Depth Ladder)."""
        self._row_actions.append(action)

    def row_actions(self) -> list[QAction]:
        """The extra actions the rows' context menu offers, in order."""
        return list(self._row_actions)

    def _row_menu(self, view: EditableWatchlistView, at: QPoint) -> None:
        """Right-click on rows: remove, copy, paste, and move or copy them to another list."""
        symbols = view.selected_symbols()
        source = view.list_model().list_id
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in self._row_actions:
            menu.addAction(action)
        if self._row_actions:
            menu.addSeparator()
        for action in (self.remove_action, self.copy_action, self.paste_action):
            menu.addAction(action)
        for action in menu.actions():  # a context menu teaches the keys too
            action.setShortcutVisibleInContextMenu(True)
        others = [info for info in self._session.lists() if info.id != source]
        for title, copy in (("Move to", False), ("Copy to", True)):
            submenu = menu.addMenu(title)
            submenu.setEnabled(bool(symbols and others))
            for info in others:
                action = submenu.addAction(info.name)
                action.setData((info.id, copy))
                action.triggered.connect(
                    lambda _=False, a=action: self._send_rows(source, symbols, a.data())
                )
        menu.popup(at)

    def _send_rows(self, source: int, symbols: list[str], target: tuple[int, bool]) -> None:
        list_id, copy = target
        self._session.transfer(source, list_id, symbols, None, copy)

    def _tab_menu(self, index: int, at: QPoint) -> None:
        """Right-click on the tabs: new, and for the tab clicked rename, export, delete."""
        if index >= 0:
            self.tabs.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.new_list_action)
        if index >= 0:
            for action in (self.rename_action, self.export_action, None, self.delete_list_action):
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)
        menu.popup(at)

    def select_if_listed(self, symbol: str) -> bool:
        """Select `symbol` in the shown list when it is on it (a linked window moved to it)."""
        view = self.current_view()
        return view is not None and view.current_symbol() != symbol and view.select_symbol(symbol)

    # -- search -------------------------------------------------------------------------------
    def start_search(self, text: str) -> None:
        """Ctrl+K or a key typed over the table: open the search pane with `text`."""
        self.search.show()
        self.search.start(text)

    def close_search(self) -> None:
        """Hide the search pane and give the table the focus back."""
        self.search.hide()
        view = self.current_view()
        if view is not None:
            view.setFocus()

    def _add_from_search(self, symbols: list[str]) -> None:
        list_id = self.tabs.current_list()
        if list_id is not None:
            self._session.paste_text(list_id, SymbolPayload(tuple(symbols)))
            self._refresh_on_list()

    # -- list commands ------------------------------------------------------------------------
    def rename_current(self) -> None:
        """F2: rename the shown list in place."""
        self.tabs.start_rename(self.tabs.currentIndex())

    def ask_delete_current(self) -> None:
        """Ask in the notice bar (non-modal) whether to delete the shown list."""
        list_id = self.tabs.current_list()
        info = self._session.info(list_id) if list_id is not None else None
        if info is None or len(self._session.lists()) <= 1:
            return
        noun = "symbol" if info.count == 1 else "symbols"
        self.notices.show_notice(
            "question",
            f"Delete the watchlist “{info.name}” ({info.count} {noun})? You can undo it.",
            [("Delete", lambda: self._session.delete_list(info.id)), ("Cancel", lambda: None)],
        )

    def _offer_undo_delete(self, name: str) -> None:
        text = self._session.undo_stack.undoText()
        self.notices.show_notice(
            "info",
            f"Deleted the watchlist “{name}”.",
            [("Undo", lambda: self._undo_if_top(text))],
            timeout_ms=15000,
        )

    def _offer_undo_remove(self, view: EditableWatchlistView, symbols: list[str]) -> None:
        """Rows were deleted: say which, with Undo (like deleting a list)."""
        text = self._session.undo_stack.undoText()
        name = self.tabs.tabText(self.tabs.indexOf(view)).rsplit(" · ", 1)[0]
        what = symbols[0] if len(symbols) == 1 else f"{len(symbols)} symbols"
        self.notices.show_notice(
            "info",
            f"Removed {what} from “{name}”.",
            [("Undo", lambda: self._undo_if_top(text))],
            timeout_ms=15000,
        )

    def _undo_if_top(self, text: str) -> None:
        if self._session.undo_stack.canUndo() and self._session.undo_stack.undoText() == text:
            self._session.undo_stack.undo()
        else:
            self.notices.show_notice(
                "warning", "That can no longer be undone from here: use Edit → Undo."
            )

    # -- files (non-blocking dialogs) ---------------------------------------------------------
    def choose_import(self) -> None:
        """File → Import: pick a CSV or text file; its symbols go to the list named like the file."""
        dialog = self._file_dialog("Import Watchlist", QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.import_file(Path(path)))
        dialog.open()

    def import_file(self, path: Path) -> None:
        """Import a chosen file; a large one is read and parsed in the background with progress."""
        session = self._session
        if session.is_large_import(path):
            self._show_import_progress(path.name, 0)
            self._imports.spawn(session.import_in_background(path), name="watchlist-import")
        else:
            session.import_file(path)

    def _show_import_progress(self, name: str, percent: int) -> None:
        self.notices.show_notice("info", f"Importing {name}… {percent} %", timeout_ms=0)

    def choose_export(self) -> None:
        """File → Export: write the shown list as CSV (`.csv`) or text (`.txt`)."""
        list_id = self.tabs.current_list()
        info = self._session.info(list_id) if list_id is not None else None
        if info is None:
            return
        dialog = self._file_dialog("Export Watchlist", QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(f"{safe_file_name(info.name)}.csv")  # never a path from a list name
        dialog.fileSelected.connect(lambda path: self._session.export_list(info.id, Path(path)))
        dialog.open()

    def _file_dialog(self, title: str, mode: QFileDialog.AcceptMode) -> QFileDialog:
        if self._dialog is not None:
            self._dialog.close()
        dialog = QFileDialog(self, title)
        dialog.setObjectName("watchlistFileDialog")
        dialog.setAcceptMode(mode)
        dialog.setNameFilter(_FILTERS)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "_dialog", None))
        self._dialog = dialog
        return dialog

    def file_dialog(self) -> QFileDialog | None:
        """The open import/export chooser, if any."""
        return self._dialog

    def shutdown(self) -> None:
        """Save pending column and sort changes."""
        self.tabs.save_all_views()

    # -- geometry (for the real-window test) --------------------------------------------------
    def geometry_report(self) -> dict[str, object]:
        """Global rectangles of the search field, result rows, table rows and tabs."""

        def rect(widget: QWidget, local: QRect | None = None) -> list[int]:
            r = local if local is not None else widget.rect()
            top_left = widget.mapToGlobal(r.topLeft())
            return [top_left.x(), top_left.y(), r.width(), r.height()]

        results = self.search.results()
        model = results.model()
        hits = [
            rect(results.viewport(), results.visualRect(model.index(row, 0)))
            for row in range(min(model.rowCount(), 8))
        ]
        report: dict[str, object] = {
            "search_visible": self.search.isVisible(),
            "search_field": rect(self.search.field()),
            "results": hits,
            "tabs": [
                rect(self.tabs.tabBar(), self.tabs.tabBar().tabRect(i))
                for i in range(self.tabs.count())
            ],
        }
        view = self.current_view()
        if view is not None:
            list_model = view.list_model()
            report["list_id"] = list_model.list_id
            report["symbols"] = list_model.symbols()[:12]
            report["table_dragging"] = view.state() == view.State.DraggingState
            report["table"] = rect(view.viewport())
            report["rows"] = [
                rect(view.viewport(), view.visualRect(list_model.index(r, 0)))
                for r in range(min(list_model.rowCount(), 12))
            ]
        return report

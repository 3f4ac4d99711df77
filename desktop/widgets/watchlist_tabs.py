"""One tab per watchlist: double-click renames, dragging reorders, rows dropped on a tab move there.

Tabs follow the session (`listsChanged`): a tab is created once per list with its own view, so each
list keeps its columns, sort and scroll position. Only the shown list is formatted on every flush.
Dropping rows on a tab moves them to that list (hold Ctrl to copy); hovering a tab during a drag
opens it, so the rows can also be dropped at an exact row.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLineEdit, QTabBar, QTabWidget, QToolButton, QWidget

from desktop.domain.watchlist import MAX_NAME_LENGTH, WatchlistInfo
from desktop.qt.plain_text import plain_tooltip
from desktop.qt.symbol_mime import can_read, read_symbols
from desktop.qt.watchlist_session import WatchlistSession
from desktop.widgets.editable_watchlist_view import EditableWatchlistView

__all__ = ["WatchlistTabs"]


class _ListTabBar(QTabBar):
    """Movable tabs that accept symbol drops and report a finished drag-reorder once."""

    renameRequested = Signal(int)
    orderFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchlistTabBar")
        self.setMovable(True)
        self.setChangeCurrentOnDrag(True)
        self.setAcceptDrops(True)
        self.setExpanding(False)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setDocumentMode(True)
        self.drop_handler: Callable[[int, QDropEvent, bool], bool] | None = None
        """Called with (tab index, drop, copy); True when the drop was taken."""

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click a tab to rename its list."""
        index = self.tabAt(event.position().toPoint())
        if index >= 0:
            self.renameRequested.emit(index)
            return
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A tab drag ends here: one reorder for the whole drag, not one per swap."""
        super().mouseReleaseEvent(event)
        self.orderFinished.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept symbols (and text) so a tab can take a drop."""
        if can_read(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Only over a tab."""
        if can_read(event.mimeData()) and self.tabAt(event.position().toPoint()) >= 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Move the dragged rows to this tab's list (copy with Ctrl), at its end."""
        index = self.tabAt(event.position().toPoint())
        copy = event.dropAction() == Qt.DropAction.CopyAction or bool(
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )
        if index >= 0 and self.drop_handler is not None and self.drop_handler(index, event, copy):
            event.setDropAction(Qt.DropAction.CopyAction if copy else Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()


class _RenameEditor(QLineEdit):
    """An in-place editor over a tab: Enter or leaving commits, Esc cancels."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tabRenameEditor")
        self.setMaxLength(MAX_NAME_LENGTH)
        self.cancelled = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc cancels the rename."""
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled = True
            self.clearFocus()
            return
        super().keyPressEvent(event)


class WatchlistTabs(QTabWidget):
    """The lists as tabs, each an `EditableWatchlistView`; edits go to the session."""

    symbolActivated = Signal(str)
    """Double-click or Enter on a row of any list."""
    currentSymbolChanged = Signal(str)
    """The current row of the shown list now shows another symbol."""
    typedText = Signal(str)
    """A key typed over a table: start a search with it."""
    noticeRequested = Signal(str, str)
    """(kind, text) for the notice bar."""
    symbolsRemoved = Signal(object, list)
    """(the view, symbols) the user took off a list."""
    currentListChanged = Signal(int)
    """The list shown now (its id)."""
    rowMenuRequested = Signal(object, QPoint)
    """Right-click on a table: (the view, global position)."""
    tabMenuRequested = Signal(int, QPoint)
    """Right-click on the tab bar: (tab index or -1, global position)."""

    def __init__(self, session: WatchlistSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchlistTabs")
        self._session = session
        self._bar = _ListTabBar(self)
        self._bar.drop_handler = self._drop_on_tab
        self.setTabBar(self._bar)
        self.setDocumentMode(True)
        self._syncing = False
        self._shown: int | None = None
        self._editor: _RenameEditor | None = None
        self._editing: int | None = None
        self._new_button = QToolButton(self)
        self._new_button.setObjectName("newListButton")
        self._new_button.setText("+")
        self._new_button.setToolTip("New watchlist (Ctrl+T)")
        self._new_button.setAutoRaise(True)
        self._new_button.clicked.connect(self.new_list)
        self.setCornerWidget(self._new_button, Qt.Corner.TopRightCorner)
        self._bar.renameRequested.connect(self.start_rename)
        self._bar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._bar.customContextMenuRequested.connect(
            lambda pos: self.tabMenuRequested.emit(self._bar.tabAt(pos), self._bar.mapToGlobal(pos))
        )
        self._bar.orderFinished.connect(self._commit_order)
        self.currentChanged.connect(self._on_current_changed)
        session.listsChanged.connect(self.sync)
        session.revealed.connect(self._reveal)
        active = session.active_list()  # read before the first sync makes a tab current
        self.sync()
        if active is not None:
            self.show_list(active)
        self._on_current_changed(self.currentIndex())

    # -- access -------------------------------------------------------------------------------
    def views(self) -> list[EditableWatchlistView]:
        """Every list's view, in tab order."""
        return [view for i in range(self.count()) if (view := self._view_at(i)) is not None]

    def current_view(self) -> EditableWatchlistView | None:
        """The shown list's view."""
        return self._view_at(self.currentIndex())

    def current_list(self) -> int | None:
        """The id of the shown list."""
        view = self.current_view()
        return view.list_model().list_id if view is not None else None

    def view_of(self, list_id: int) -> EditableWatchlistView | None:
        """The view of a list."""
        return next((v for v in self.views() if v.list_model().list_id == list_id), None)

    def show_list(self, list_id: int) -> None:
        """Bring a list's tab to the front."""
        view = self.view_of(list_id)
        if view is not None:
            self.setCurrentWidget(view)

    def _view_at(self, index: int) -> EditableWatchlistView | None:
        widget = self.widget(index)
        return widget if isinstance(widget, EditableWatchlistView) else None

    def _index_of(self, list_id: int) -> int:
        view = self.view_of(list_id)
        return self.indexOf(view) if view is not None else -1

    # -- following the session ----------------------------------------------------------------
    def sync(self) -> None:
        """Add, remove, rename and reorder tabs to match the session's lists."""
        self._syncing = True
        try:
            lists = self._session.lists()
            wanted = {info.id for info in lists}
            for view in self.views():
                if view.list_model().list_id not in wanted:
                    self.removeTab(self.indexOf(view))
                    view.deleteLater()
            for position, info in enumerate(lists):
                index = self._index_of(info.id)
                if index < 0:
                    index = self._add_tab(info, position)
                elif index != position:
                    self._bar.moveTab(index, position)
                    index = position
                self._label(index, info)
        finally:
            self._syncing = False
        self._on_current_changed(self.currentIndex())

    def _add_tab(self, info: WatchlistInfo, position: int) -> int:
        model = self._session.model(info.id)
        assert model is not None
        view = EditableWatchlistView(model, self)
        view.setObjectName(f"watchlistView-{info.id}")
        view.apply_view_state(self._session.view_state(info.id))
        view.viewStateChanged.connect(lambda v=view: self._save_view(v))
        view.symbolActivated.connect(self.symbolActivated)
        view.currentSymbolChanged.connect(lambda s, v=view: self._forward_symbol(v, s))
        view.typedText.connect(self.typedText)
        view.symbolsRemoved.connect(lambda symbols, v=view: self.symbolsRemoved.emit(v, symbols))
        view.noticeRequested.connect(self.noticeRequested)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda pos, v=view: self.rowMenuRequested.emit(v, v.viewport().mapToGlobal(pos))
        )
        return self.insertTab(position, view, info.name.replace("&", "&&"))

    def _label(self, index: int, info: WatchlistInfo) -> None:
        # "&" would be a mnemonic in a tab text and "<b>" markup in a tooltip: names are plain.
        self.setTabText(index, f"{info.name.replace('&', '&&')} · {info.count}")
        noun = "symbol" if info.count == 1 else "symbols"
        self.setTabToolTip(
            index,
            plain_tooltip(
                f"{info.name}: {info.count} {noun}\nDouble-click to rename · drag to reorder · "
                "drop rows here to move them (Ctrl: copy)"
            ),
        )

    def _save_view(self, view: EditableWatchlistView) -> None:
        self._session.save_view_state(view.list_model().list_id, view.view_state())

    def save_all_views(self) -> None:
        """Save any pending column or sort change (at shutdown)."""
        for view in self.views():
            view.flush_view_state()

    def _forward_symbol(self, view: EditableWatchlistView, symbol: str) -> None:
        if view is self.current_view():
            self.currentSymbolChanged.emit(symbol)

    def _on_current_changed(self, index: int) -> None:
        view = self._view_at(index)
        if view is None or self._syncing or view.list_model().list_id == self._shown:
            return
        list_id = view.list_model().list_id
        self._shown = list_id
        self._session.set_active_list(list_id)
        self.currentListChanged.emit(list_id)
        self.currentSymbolChanged.emit(view.current_symbol() or "")

    def _reveal(self, list_id: int, symbols: list[str]) -> None:
        view = self.view_of(list_id)
        if view is not None:
            view.reveal(symbols)

    def _commit_order(self) -> None:
        if self._syncing:
            return
        ids = [view.list_model().list_id for view in self.views()]
        if ids != [info.id for info in self._session.lists()]:
            self._session.reorder_lists(ids)

    # -- drops on tabs ------------------------------------------------------------------------
    def _drop_on_tab(self, index: int, event: QDropEvent, copy: bool) -> bool:
        view = self._view_at(index)
        payload = read_symbols(event.mimeData())
        if view is None or payload is None:
            return False
        return self._session.drop(view.list_model().list_id, payload, None, copy)

    # -- new and rename -----------------------------------------------------------------------
    def new_list(self) -> None:
        """Create a list, show it, and open its name for editing."""
        info = self._session.create_list()
        if info is not None:
            self.show_list(info.id)
            self.start_rename(self._index_of(info.id))

    def start_rename(self, index: int) -> None:
        """Edit a tab's name in place (double-click or F2)."""
        view = self._view_at(index)
        if view is None:
            return
        self._finish_rename()
        info = self._session.info(view.list_model().list_id)
        if info is None:
            return
        editor = _RenameEditor(self._bar)
        editor.setText(info.name)
        editor.selectAll()
        rect = self._bar.tabRect(index)
        editor.setGeometry(rect.adjusted(2, 2, -2, -2).united(rect.adjusted(2, 2, 40, -2)))
        editor.editingFinished.connect(self._finish_rename)
        editor.installEventFilter(self)
        self._editor, self._editing = editor, info.id
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def rename_editor(self) -> QLineEdit | None:
        """The open rename editor, if any."""
        return self._editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Close the rename editor when it loses focus by Esc."""
        if watched is self._editor and event.type() == QEvent.Type.FocusOut:
            self._finish_rename()
        return super().eventFilter(watched, event)

    def _finish_rename(self) -> None:
        editor, list_id = self._editor, self._editing
        if editor is None or list_id is None:
            return
        self._editor = self._editing = None
        if not editor.cancelled:
            self._session.rename_list(list_id, editor.text())
        editor.hide()
        editor.deleteLater()
        view = self.view_of(list_id)
        if view is not None:
            view.setFocus()

    def tab_center(self, list_id: int) -> QPoint:
        """The centre of a list's tab, in tab-bar coordinates (for tests and the geometry probe)."""
        return self._bar.tabRect(self._index_of(list_id)).center()

"""A watchlist table you can edit: drag rows in, out and around, Delete, copy/paste, column choice.

Drops go through the model to the session (saved first). The drag is started here from the mouse
event (`QDrag.exec` nests an event loop: fine from a Qt event handler, never from a coroutine) and
its result is ignored: the drop target already did the whole edit, moves included, so Qt's
"remove the source rows after a move" step must not run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QWidget

from desktop.domain.watchlist import ColumnState, ViewState
from desktop.qt.palette import colors, live_color
from desktop.qt.quote_columns import QUOTE_COLUMNS, ColumnId
from desktop.qt.watchlist_model import WatchlistTableModel
from desktop.widgets.column_chooser import ColumnChoice, ColumnChooser
from desktop.widgets.watchlist_view import WatchlistView

__all__ = ["EditableWatchlistView"]

_KEYS = {column.key: int(column.id) for column in QUOTE_COLUMNS}
_FIXED = int(ColumnId.SYMBOL)  # never hidden: a row without its symbol means nothing
_TYPE_AHEAD_S = 1.0
"""Keys typed within this long of each other spell one ticker."""
_STRETCH = int(ColumnId.NAME)  # fills the spare width: its saved width is not restored
_EMPTY_HINT = "This list is empty.\nPress Ctrl+K to search, or drop symbols here."
_HINT_COLOR = live_color(lambda c: c.dim)
_DRAG_BG = live_color(lambda c: c.highlight)


class EditableWatchlistView(WatchlistView):
    """A `WatchlistView` over a `WatchlistTableModel`, with editing and saved column layout."""

    typedText = Signal(str)
    """A printable key was pressed over the table: start a symbol search with it."""
    noticeRequested = Signal(str, str)
    """(kind, text) to show in the notice bar."""
    viewStateChanged = Signal()
    """Columns or sort changed (debounced): save `view_state()`."""
    symbolsRemoved = Signal(list)
    """The user took these symbols off the list (Delete): offer Undo."""

    def __init__(self, model: WatchlistTableModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self._list_model = model
        self._drag_over = False
        self._applying = False
        self._hidden_widths: dict[int, int] = {}
        self._typed = ""
        self._typed_at = 0.0
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropOverwriteMode(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.viewStateChanged)
        header = self.horizontalHeader()
        header.sectionResized.connect(self._on_section_resized)
        header.sectionMoved.connect(self._schedule_save)
        header.sortIndicatorChanged.connect(self._schedule_save)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

    def list_model(self) -> WatchlistTableModel:
        """The model of the list shown."""
        return self._list_model

    # -- view state ---------------------------------------------------------------------------
    def view_state(self) -> ViewState:
        """Columns in visual order with widths and visibility, and the sort."""
        header = self.horizontalHeader()
        columns = []
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            hidden = header.isSectionHidden(logical)
            width = self._hidden_widths.get(logical, 0) if hidden else header.sectionSize(logical)
            columns.append(ColumnState(QUOTE_COLUMNS[logical].key, width or 80, hidden))
        sort = self._list_model.sort_column()
        key = QUOTE_COLUMNS[sort].key if sort >= 0 else None
        descending = self._list_model.sort_order() == Qt.SortOrder.DescendingOrder
        return ViewState(tuple(columns), key, descending and key is not None)

    def apply_view_state(self, state: ViewState) -> None:
        """Restore saved columns and sort; unknown column keys are ignored."""
        header = self.horizontalHeader()
        self._applying = True
        try:
            visual = 0
            for column in state.columns:
                logical = _KEYS.get(column.key)
                if logical is None:
                    continue
                header.moveSection(header.visualIndex(logical), visual)
                visual += 1
                if logical != _STRETCH:
                    header.resizeSection(logical, max(header.minimumSectionSize(), column.width))
                self._set_hidden(logical, column.hidden)
            if state.sort_column in _KEYS:
                order = (
                    Qt.SortOrder.DescendingOrder
                    if state.sort_descending
                    else Qt.SortOrder.AscendingOrder
                )
                self.sortByColumn(_KEYS[state.sort_column], order)
            else:
                self.clear_sort()
        finally:
            self._applying = False
        self._save_timer.stop()

    def set_column_hidden(self, key: str, hidden: bool) -> None:
        """Show or hide a column by key (the Symbol column always stays)."""
        logical = _KEYS.get(key)
        if logical is not None:
            self._set_hidden(logical, hidden)
            self._schedule_save()

    def is_column_hidden(self, key: str) -> bool:
        """Whether a column is hidden."""
        return self.horizontalHeader().isSectionHidden(_KEYS[key])

    def _set_hidden(self, logical: int, hidden: bool) -> None:
        header = self.horizontalHeader()
        hidden = hidden and logical != _FIXED
        if hidden == header.isSectionHidden(logical):
            return
        if hidden:
            self._hidden_widths[logical] = header.sectionSize(logical)
        header.setSectionHidden(logical, hidden)
        if not hidden and logical in self._hidden_widths and logical != _STRETCH:
            header.resizeSection(logical, self._hidden_widths.pop(logical))

    def _on_section_resized(self, logical: int, old: int, new: int) -> None:
        if logical != _STRETCH:  # Name follows the window's width: nothing to remember
            self._schedule_save()

    def _schedule_save(self) -> None:
        if not self._applying:
            self._save_timer.start()

    def flush_view_state(self) -> None:
        """Emit a pending save now (at shutdown or when the tab closes)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.viewStateChanged.emit()

    def _column_menu(self, pos: QPoint) -> None:
        self.column_chooser().popup_at(self.horizontalHeader().mapToGlobal(pos))

    def column_chooser(self) -> ColumnChooser:
        """A new chooser listing every column (ticked when shown), wired to show and hide them."""
        choices = [
            ColumnChoice(
                column.key,
                column.title,
                column.tooltip,
                not self.is_column_hidden(column.key),
                int(column.id) == _FIXED,
            )
            for column in QUOTE_COLUMNS
        ]
        chooser = ColumnChooser(choices, self)
        chooser.columnToggled.connect(lambda key, on: self.set_column_hidden(key, not on))
        return chooser

    # -- editing ------------------------------------------------------------------------------
    def reveal(self, symbols: Sequence[str]) -> None:
        """Select these rows and scroll to the first (after an add, or a duplicate drop)."""
        rows = [r for r in (self._list_model.row_of(s) for s in symbols) if r is not None]
        if not rows:
            return
        selection = QItemSelection()
        last = self._list_model.columnCount() - 1
        for r in rows:
            selection.select(self._list_model.index(r, 0), self._list_model.index(r, last))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.selectionModel().select(selection, flags)
        self.selectionModel().setCurrentIndex(
            self._list_model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.scrollTo(self._list_model.index(rows[0], 0))

    def remove_selected(self) -> bool:
        """Take the selected rows off the list (undo brings them back)."""
        symbols = self.selected_symbols()
        removed = bool(symbols) and self._list_model.remove_symbols(symbols)
        if removed:
            self.symbolsRemoved.emit(symbols)
        return removed

    def _type_ahead(self, text: str) -> None:
        """Letters typed over the table jump to the first row whose ticker starts with them;
        when no row does, they start a search instead."""
        now = time.monotonic()
        if now - self._typed_at > _TYPE_AHEAD_S:
            self._typed = ""
        self._typed_at = now
        typed = self._typed + text
        symbol = self.symbol_starting(typed)
        if symbol is None:
            self._typed = ""
            self.typedText.emit(typed)
            return
        self._typed = typed
        self.select_symbol(symbol)

    def symbol_starting(self, typed: str) -> str | None:
        """The first row (in the order shown) whose ticker starts with `typed`; HK codes also
        match without their leading zeros (700 finds 00700.HK)."""
        wanted = typed.upper()
        model = self.quote_model()
        for row in range(model.rowCount()):
            symbol = model.symbol_at(row)
            if symbol is None:
                continue
            code = symbol.upper()
            if code.startswith(wanted) or code.lstrip("0").startswith(wanted.lstrip("0") or "0"):
                return symbol
        return None

    def copy_selected(self) -> bool:
        """Put the selected symbols on the clipboard (our type + one per line as text)."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        if not rows:
            return False
        data = self._list_model.mimeData([self._list_model.index(r, 0) for r in rows])
        QGuiApplication.clipboard().setMimeData(data)
        return True

    def paste(self) -> bool:
        """Add the clipboard's symbols (or text like "AAPL, MSFT 700.HK") to the list."""
        return self._list_model.paste(QGuiApplication.clipboard().mimeData())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete/Backspace remove rows; Ctrl+C/V copy and paste; a letter or digit starts a search."""
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.remove_selected()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selected()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        text = event.text()
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if plain and len(text) == 1 and (text.isalnum() or text in ".-"):
            self._type_ahead(text)
            return
        super().keyPressEvent(event)

    # -- drag and drop ------------------------------------------------------------------------
    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Drag the selected rows; the drop target applies the edit, so the result is ignored."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        if not rows:
            return
        data = self._list_model.mimeData([self._list_model.index(r, 0) for r in rows])
        drag = QDrag(self)
        drag.setMimeData(data)
        symbols = [s for s in (self._list_model.symbol_at(r) for r in rows) if s]
        drag.setPixmap(self._drag_pixmap(symbols))
        drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)

    def _drag_pixmap(self, symbols: Sequence[str]) -> QPixmap:
        label = symbols[0] if len(symbols) == 1 else f"{symbols[0]}  +{len(symbols) - 1}"
        metrics = self.fontMetrics()
        rect = QRect(0, 0, metrics.horizontalAdvance(label) + 20, metrics.height() + 10)
        pixmap = QPixmap(rect.size() * self.devicePixelRatioF())
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(_DRAG_BG)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor(colors().highlight_text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        return pixmap

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Hold the row order while something hovers (a drop must land where it was aimed)."""
        self._drag_over = True
        self._update_hold()
        if self._list_model.is_reorder_refused(event.mimeData()):
            self.noticeRequested.emit(
                "info",
                "Sorted by a column: rows cannot be moved by hand. "
                "View → Restore Watchlist Order (Ctrl+Shift+R) first.",
            )
        super().dragEnterEvent(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        """Release the hover hold."""
        self._drag_over = False
        self._update_hold()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Let the model take the drop, then release the hold."""
        super().dropEvent(event)
        self._drag_over = False
        self._update_hold()

    def _update_hold(self) -> None:
        super()._update_hold()
        if self._drag_over:
            self._list_model.hold_order(True)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """The table, plus a hint when the list is empty."""
        super().paintEvent(event)
        if self._list_model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(_HINT_COLOR)
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, _EMPTY_HINT)
            painter.end()

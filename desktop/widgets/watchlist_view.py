"""The watchlist table: fixed rows, set-once widths, header sorting, selection kept by symbol."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.qt.quote_columns import QUOTE_COLUMNS, ColumnId
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.widgets.delegates import QuoteCellDelegate
from desktop.widgets.sparkline_delegate import SparklineDelegate

__all__ = ["WatchlistView"]

_NO_NATIVE_SORT_ARROW = (
    "QHeaderView::up-arrow, QHeaderView::down-arrow { image: none; width: 0px; height: 0px; }"
)


_TITLE_PADDING = 12
"""Room either side of a column title: the ▴/▾ sort mark and the section's margins."""


class WatchlistView(QTableView):
    """Shows a `QuoteTableModel`; emits intent signals and never talks to the feed.

    Row order is held while a mouse button is down on the table (so a click never lands on a row
    that just moved) and while the user froze it.
    """

    ROW_HEIGHT = 22
    NAME_MIN_WIDTH = 150
    """Name never gets narrower than this by itself (enough for "Advanced Micro Devic…")."""

    symbolActivated = Signal(str)
    """Double-click or Enter on a row (e.g. open its depth ladder)."""
    currentSymbolChanged = Signal(str)
    """The current row now shows another symbol ("" when none): link charts and ladders to it."""

    def __init__(self, model: QuoteTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quote_model = model
        self._delegate = QuoteCellDelegate(self)
        self._pressed = False
        self._frozen = False
        self._current_symbol = ""
        self._spark_delegate = SparklineDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setItemDelegateForColumn(int(ColumnId.TREND), self._spark_delegate)
        self.setModel(model)
        self._delegate.set_fonts(self.font())
        self._delegate.set_palette(self.palette())
        self._spark_delegate.set_palette(self.palette())
        self._configure()
        self.activated.connect(self._on_activated)
        self.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        model.layoutChanged.connect(self._emit_current_symbol)
        model.modelReset.connect(self._emit_current_symbol)
        model.rowsRemoved.connect(self._on_rows_removed)
        # Only rows on screen are formatted per flush (3–4× less work at 1,000 rows).
        self.verticalScrollBar().valueChanged.connect(self._publish_visible_rows)
        model.layoutChanged.connect(self._publish_visible_rows)
        model.modelReset.connect(self._publish_visible_rows)
        model.rowsInserted.connect(self._publish_visible_rows)
        model.rowsRemoved.connect(self._publish_visible_rows)

    def _configure(self) -> None:
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(16)
        rows.setDefaultSectionSize(self.ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setMinimumSectionSize(36)
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        metrics = header.fontMetrics()
        for column in QUOTE_COLUMNS:  # never narrower than its title (a cut title reads wrong)
            title = metrics.horizontalAdvance(column.title) + 2 * _TITLE_PADDING
            header.resizeSection(int(column.id), max(column.width, title))
        header.setSectionResizeMode(int(ColumnId.NAME), QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._keep_name_readable)
        header.setSortIndicatorClearable(True)  # third click: back to the watchlist's own order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        # The model writes ▴/▾ into the sorted column's title, on the side away from the
        # alignment edge; Qt's own arrow would sit on top of right-aligned titles, so hide it.
        header.setStyleSheet(_NO_NATIVE_SORT_ARROW)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTabKeyNavigation(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- public API ---------------------------------------------------------------------------
    def quote_model(self) -> QuoteTableModel:
        """The model this view shows."""
        return self._quote_model

    def cell_delegate(self) -> QuoteCellDelegate:
        """The delegate painting every cell."""
        return self._delegate

    def sparkline_delegate(self) -> SparklineDelegate:
        """The delegate painting the Trend column."""
        return self._spark_delegate

    def add_row_action(self, text: str, handler: Callable[[str], object]) -> QAction:
        """Offer `text` in the rows' context menu; it calls `handler(symbol)` for the current row.

        A right-click makes the row under the pointer current first, so that is the row meant.
        """
        action = QAction(text, self)
        action.triggered.connect(lambda checked=False: self._run_row_action(handler))
        self.addAction(action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        return action

    def _run_row_action(self, handler: Callable[[str], object]) -> None:
        symbol = self.current_symbol()
        if symbol:
            handler(symbol)

    def current_symbol(self) -> str | None:
        """Symbol of the current row, if any."""
        return self._quote_model.symbol_at(self.currentIndex().row())

    def selected_symbols(self) -> list[str]:
        """Symbols of the selected rows, top to bottom."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        symbols = (self._quote_model.symbol_at(row) for row in rows)
        return [symbol for symbol in symbols if symbol is not None]

    def select_symbol(self, symbol: str) -> bool:
        """Make `symbol`'s row current and the only selection; False when it is not shown."""
        row = self._quote_model.row_of(symbol)
        if row is None:
            return False
        index = self._quote_model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        return True

    def clear_sort(self) -> None:
        """Back to the watchlist's own order (like the third click on a header)."""
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def set_order_frozen(self, frozen: bool) -> None:
        """Freeze automatic re-sorting until unfrozen (a user toggle)."""
        self._frozen = frozen
        self._update_hold()

    def is_order_frozen(self) -> bool:
        """Whether the user froze the row order."""
        return self._frozen

    # -- events -------------------------------------------------------------------------------
    def _update_hold(self) -> None:
        self._quote_model.hold_order(self._pressed or self._frozen)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Hold the order while a button is down so a click or drag stays on its row."""
        self._pressed = True
        self._update_hold()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Release the press hold."""
        super().mouseReleaseEvent(event)
        self._pressed = event.buttons() != Qt.MouseButton.NoButton
        self._update_hold()

    def _publish_visible_rows(self, *_: object) -> None:
        """Tell the model which rows are on screen (one spare row below for partial rows)."""
        count = self._quote_model.rowCount()
        if count == 0:
            return
        first = max(0, self.rowAt(0))
        last = self.rowAt(self.viewport().height() - 1)
        self._quote_model.set_visible_rows(first, count - 1 if last < 0 else last + 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """More or fewer rows fit: the model formats what is now visible."""
        super().resizeEvent(event)
        self._keep_name_readable()
        self._publish_visible_rows()

    def _keep_name_readable(self, *_: object) -> None:
        """Name fills the spare width while there is some; when the other columns need more
        than the view has, it keeps a readable width and the table scrolls sideways (a stretched
        section would shrink to a few pixels)."""
        header = self.horizontalHeader()
        name = int(ColumnId.NAME)
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != name and not header.isSectionHidden(c)
        )
        stretch = self.viewport().width() - others >= self.NAME_MIN_WIDTH
        mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(name) != mode:
            header.setSectionResizeMode(name, mode)
            if not stretch:
                header.resizeSection(name, self.NAME_MIN_WIDTH)

    def changeEvent(self, event: QEvent) -> None:
        """Keep the delegate's cached fonts and brushes in step with the view's."""
        kind = event.type()
        if kind == QEvent.Type.FontChange:  # also Settings → Appearance → Font size
            self._delegate.set_fonts(self.font())
            height = max(self.ROW_HEIGHT, self.fontMetrics().height() + 6)
            self.verticalHeader().setDefaultSectionSize(height)
        elif kind == QEvent.Type.PaletteChange:
            self._delegate.set_palette(self.palette())
            self._spark_delegate.set_palette(self.palette())
        super().changeEvent(event)

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        symbol = self._quote_model.symbol_at(index.row())
        if symbol is not None:
            self.symbolActivated.emit(symbol)

    def _on_current_row_changed(
        self,
        current: QModelIndex | QPersistentModelIndex,
        previous: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self._emit_current_symbol()

    def _on_rows_removed(
        self, parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        self._emit_current_symbol()

    def _emit_current_symbol(self) -> None:
        symbol = self._quote_model.symbol_at(self.currentIndex().row()) or ""
        if symbol != self._current_symbol:
            self._current_symbol = symbol
            self.currentSymbolChanged.emit(symbol)

"""The time & sales table: fixed rows, set-once widths, dividers spanning the row, hover hold.

While the pointer is over the tape the model holds new prints back, so the row being read never
slides away; they are inserted when the pointer leaves (the panel shows how many wait).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.qt.tape_model import DIVIDER_ROLE, TapeColumn, TapeModel
from desktop.widgets.delegates import monospace_font
from desktop.widgets.tape_delegate import TapeDelegate

__all__ = ["TapeView"]

_WIDTHS = {TapeColumn.TIME: 104, TapeColumn.PRICE: 86, TapeColumn.SIZE: 76, TapeColumn.SIDE: 46}


class TapeView(QTableView):
    """Shows a `TapeModel`: monospace digits, newest print on top, held while hovered."""

    ROW_HEIGHT = 20

    holdChanged = Signal(bool)
    """The pointer entered (True) or left (False): the tape holds or releases new prints."""

    def __init__(self, model: TapeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tape_model = model
        self.setModel(model)
        self._delegate = TapeDelegate(monospace_font(self.font()), self)
        self.setFont(monospace_font(self.font()))
        self._delegate.set_palette(self.palette())
        self.setItemDelegate(self._delegate)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(14)
        rows.setDefaultSectionSize(self.ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(36)
        for column, width in _WIDTHS.items():
            header.resizeSection(int(column), width)
        header.setStretchLastSection(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        model.modelReset.connect(self._span_all)
        model.rowsInserted.connect(self._span_inserted)

    def tape_model(self) -> TapeModel:
        """The model shown."""
        return self._tape_model

    def _span_all(self) -> None:
        self.clearSpans()
        self._span_rows(0, self._tape_model.rowCount() - 1)

    def _span_inserted(
        self, parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        self._span_rows(first, last)

    def _span_rows(self, first: int, last: int) -> None:
        model = self._tape_model
        columns = model.columnCount()
        for row in range(first, last + 1):
            if model.data(model.index(row, 0), DIVIDER_ROLE):
                self.setSpan(row, 0, 1, columns)

    def changeEvent(self, event: QEvent) -> None:
        """Keep the delegate's cached font and brushes in step with the view's."""
        if event.type() == QEvent.Type.FontChange:
            self._delegate.set_font(self.font())
        elif event.type() == QEvent.Type.PaletteChange:
            self._delegate.set_palette(self.palette())
        super().changeEvent(event)

    def enterEvent(self, event: QEnterEvent) -> None:
        """The user is reading: hold new prints back."""
        self._tape_model.set_held(True)
        self.holdChanged.emit(True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        """The pointer left: insert what waited."""
        self._tape_model.set_held(False)
        self.holdChanged.emit(False)
        super().leaveEvent(event)

"""The symbol search pane (Ctrl+K): type a code or a name, Enter adds, or drag results onto a list.

Results come from `SymbolSearchModel` (fuzzy, ~2 ms a keystroke). Enter adds the highlighted
results; text with commas ("AAPL, MSFT, 700.HK") adds every symbol in it; a well-formed code that
is not bundled is offered as typed; text that is not a symbol gets the reason below the field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.symbol_search import SymbolMatcher
from desktop.domain.symbols import Symbol, SymbolError, parse_symbols
from desktop.qt.palette import live_color
from desktop.qt.symbol_search_model import (
    DETAIL_ROLE,
    NAME_ROLE,
    ON_LIST_ROLE,
    SYMBOL_ROLE,
    SymbolSearchModel,
)

__all__ = ["SymbolSearchPanel"]

_MUTED = live_color(lambda c: c.muted)
_TEXT = live_color(lambda c: c.text)
_ACCENT = live_color(lambda c: c.link)
_CHECK = live_color(lambda c: c.up)
_LIST_SEPARATORS = re.compile(r"[,;\n]")
_STEPS: dict[int, int] = {
    int(Qt.Key.Key_Down): 1,
    int(Qt.Key.Key_Up): -1,
    int(Qt.Key.Key_PageDown): 8,
    int(Qt.Key.Key_PageUp): -8,
}


class _HitDelegate(QStyledItemDelegate):
    """Two lines per hit: code (monospace, bold) and name; exchange · indices · lot below."""

    ROW_HEIGHT = 40

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._mono.setBold(True)
        self._small = QFont()
        self._small.setPointSizeF(max(7.0, self._small.pointSizeF() - 1.5))

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Fixed height: results never re-measure text."""
        return QSize(option.rect.width(), self.ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Selection background, code, name, detail, and a ✓ for symbols already on the list."""
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        rect = option.rect.adjusted(10, 3, -10, -3)
        top = QRect(rect.left(), rect.top(), rect.width(), rect.height() // 2 + 2)
        bottom = QRect(rect.left(), top.bottom(), rect.width(), rect.height() - top.height())
        code = str(index.data(SYMBOL_ROLE) or "")
        painter.setFont(self._mono)
        painter.setPen(_ACCENT)
        code_width = painter.fontMetrics().horizontalAdvance(code) + 10
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, code)
        on_list = bool(index.data(ON_LIST_ROLE))
        if on_list:
            painter.setPen(_CHECK)
            painter.drawText(
                top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "✓ on list"
            )
        painter.setFont(option.font)
        painter.setPen(_TEXT)
        name_rect = top.adjusted(code_width, 0, -70 if on_list else 0, 0)
        name = painter.fontMetrics().elidedText(
            str(index.data(NAME_ROLE) or ""), Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.drawText(
            name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name
        )
        painter.setFont(self._small)
        painter.setPen(_MUTED)
        detail = painter.fontMetrics().elidedText(
            str(index.data(DETAIL_ROLE) or ""), Qt.TextElideMode.ElideRight, bottom.width()
        )
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)
        painter.restore()


class SymbolSearchPanel(QFrame):
    """Search field + results; emits intents, never edits a list itself."""

    addRequested = Signal(list)
    """Canonical symbols to add to the current list (Enter, or a double-click on a result)."""
    closeRequested = Signal()
    """Esc on an empty field: hide the pane and give the table the focus back."""

    def __init__(self, matcher: SymbolMatcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("symbolSearchPanel")
        self._model = SymbolSearchModel(matcher, parent=self)
        self._field = QLineEdit(self)
        self._field.setObjectName("symbolSearchField")
        self._field.setPlaceholderText("Code or name, e.g. 700, aapl, tencent")
        self._field.setClearButtonEnabled(True)
        self._field.textChanged.connect(self._on_text)
        self._field.returnPressed.connect(self.add_current)
        self._field.installEventFilter(self)
        self._results = QListView(self)
        self._results.setObjectName("symbolSearchResults")
        self._results.setModel(self._model)
        self._results.setItemDelegate(_HitDelegate(self._results))
        self._results.setUniformItemSizes(True)
        self._results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._results.setDragEnabled(True)
        self._results.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self._results.setDefaultDropAction(Qt.DropAction.CopyAction)
        self._results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._results.doubleClicked.connect(lambda index: self._emit_rows([index.row()]))
        self._status = QLabel(self)
        self._status.setObjectName("symbolSearchStatus")
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setWordWrap(True)
        title = QLabel("SYMBOL SEARCH  ·  Ctrl+K", self)
        title.setObjectName("symbolSearchTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self._field)
        layout.addWidget(self._results, 1)
        layout.addWidget(self._status)
        self._show_hint()

    # -- public API ---------------------------------------------------------------------------
    def start(self, text: str = "") -> None:
        """Focus the field; with `text`, replace the query (typing over the table)."""
        self._field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if text:
            self._field.setText(text)
            self._field.end(False)
        else:
            self._field.selectAll()

    def set_on_list(self, symbols: Sequence[str]) -> None:
        """Which symbols the current list already has (marked ✓ in the results)."""
        self._model.set_on_list(symbols)

    def field(self) -> QLineEdit:
        """The query field."""
        return self._field

    def results(self) -> QListView:
        """The result list (drag source)."""
        return self._results

    def model(self) -> SymbolSearchModel:
        """The results model."""
        return self._model

    def status_text(self) -> str:
        """The line under the results: a hint, a count, or why the text is not a symbol."""
        return self._status.text()

    # -- behaviour ----------------------------------------------------------------------------
    def _on_text(self, text: str) -> None:
        self._model.set_query(text)
        if self._model.rowCount():
            self._results.setCurrentIndex(self._model.index(0))
            count = self._model.rowCount()
            self._status.setText(
                f"{count} match{'es' if count != 1 else ''} — Enter adds, or drag onto a list"
            )
        elif text.strip():
            self._status.setText("No match. Enter a code like AAPL or 700.HK to add it anyway.")
        else:
            self._show_hint()

    def _show_hint(self) -> None:
        self._status.setText("Enter adds to the current list. Drag results onto a list or a tab.")

    def add_current(self) -> None:
        """Enter: the selected results, or every symbol of a comma-separated text, or the reason."""
        text = self._field.text().strip()
        if not text:
            return
        if _LIST_SEPARATORS.search(text):
            symbols, errors = parse_symbols(text)
            if errors:
                self._status.setText(errors[0])
                return
            self._done([str(s) for s in symbols])
            return
        rows = sorted(index.row() for index in self._results.selectionModel().selectedRows())
        if rows:
            self._emit_rows(rows)
            return
        try:
            symbol = Symbol.parse(text)
        except SymbolError as exc:
            self._status.setText(str(exc))
            return
        self._done([str(symbol)])

    def _emit_rows(self, rows: Sequence[int]) -> None:
        hits = [self._model.hit(r) for r in rows]
        self._done([hit.code for hit in hits if hit is not None])

    def _done(self, symbols: list[str]) -> None:
        if symbols:
            self.addRequested.emit(symbols)
            self._field.clear()
            added = symbols[0] if len(symbols) == 1 else f"{len(symbols)} symbols"
            self._status.setText(f"Added {added}. Type the next one, or Esc to close.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down move through results from the field; Esc clears, then closes."""
        if watched is self._field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            step = _STEPS.get(int(key))
            if step is not None:
                count = self._model.rowCount()
                if count:
                    row = max(0, min(count - 1, self._results.currentIndex().row() + step))
                    self._results.setCurrentIndex(self._model.index(row))
                return True
            if key == Qt.Key.Key_Escape:
                if self._field.text():
                    self._field.clear()
                else:
                    self.closeRequested.emit()
                return True
        return super().eventFilter(watched, event)

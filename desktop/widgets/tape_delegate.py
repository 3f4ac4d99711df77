"""Lean painting of tape cells: one `data()` call per cell, laid-out texts cached.

At 2,000 prints a second every frame inserts rows at the top, so the whole visible tape repaints
each frame; the default delegate would ask for about seven roles per cell.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.qt import board_colors
from desktop.qt.tape_model import ROW_ROLE, TapeColumn, TapeRow

__all__ = ["TapeDelegate"]

_SELECTED = QStyle.StateFlag.State_Selected.value
_CACHE_LIMIT = 6_000


class TapeDelegate(QStyledItemDelegate):
    """Paints a `TapeRow` cell: background, then its text in its brush; dividers left-aligned."""

    PADDING = 6

    def __init__(self, font: QFont, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pens: dict[int, QPen] = {}
        self._colors = board_colors.version()
        self._texts: dict[tuple[str, bool], tuple[QStaticText, int]] = {}
        self._text_pen = QPen()
        self._selection = QBrush()
        self.set_font(font)

    def set_font(self, font: QFont) -> None:
        """Use `font` (monospace) for every cell, bold for big prints."""
        self._font = QFont(font)
        self._bold = QFont(font)
        self._bold.setBold(True)
        self._fm = QFontMetrics(self._font)
        self._bold_fm = QFontMetrics(self._bold)
        self._texts.clear()

    def set_palette(self, palette: QPalette) -> None:
        """Cache the text pen and selection brush of the view's palette."""
        self._text_pen = QPen(palette.color(QPalette.ColorRole.Text))
        self._selection = QBrush(palette.brush(QPalette.ColorRole.Highlight))

    def _static(self, text: str, bold: bool) -> tuple[QStaticText, int]:
        key = (text, bold)
        entry = self._texts.get(key)
        if entry is None:
            if len(self._texts) > _CACHE_LIMIT:
                self._texts.clear()
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), self._bold if bold else self._font)
            width = (self._bold_fm if bold else self._fm).horizontalAdvance(text)
            entry = self._texts[key] = (static, width)
        return entry

    def pen_for(self, brush: QBrush | None) -> QPen:
        """The pen a cell with this foreground brush is written in (None: the palette's text)."""
        if brush is None:
            return self._text_pen
        if self._colors != board_colors.version():  # theme or up/down convention changed
            self._colors = board_colors.version()
            self._pens.clear()
        pen = self._pens.get(id(brush))
        if pen is None:  # brushes are the model's shared constants
            pen = self._pens[id(brush)] = QPen(brush.color())
        return pen

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Background (selection, big print, divider), then the text."""
        row = index.data(ROW_ROLE)
        if not isinstance(row, TapeRow):
            return
        rect = option.rect
        if row.bg is not None:
            painter.fillRect(rect, row.bg)
        if option.state.value & _SELECTED:
            painter.fillRect(rect, self._selection)
        column = index.column()
        text = row.texts[column]
        if not text:
            return
        bold = row.bold and column != TapeColumn.TIME
        static, width = self._static(text, bold)
        left = rect.x() + self.PADDING
        right = rect.x() + rect.width() - self.PADDING
        if row.entry.divider or column == TapeColumn.TIME:
            x = left
        elif column == TapeColumn.SIDE:
            x = rect.x() + (rect.width() - width) // 2
        else:
            x = right - width
        painter.setFont(self._bold if bold else self._font)
        painter.setPen(self.pen_for(row.fgs[column]))
        top = rect.y() + (rect.height() - self._fm.height()) // 2
        painter.drawStaticText(x, top, static)

    def sizeHint(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QSize:
        """Text width plus padding."""
        row = index.data(ROW_ROLE)
        if not isinstance(row, TapeRow):
            return QSize(0, 0)
        return QSize(
            self._static(row.texts[index.column()], row.bold)[1] + 2 * self.PADDING,
            self._fm.height() + 4,
        )

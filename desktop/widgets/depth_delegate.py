"""Lean painting of ladder cells: tint, size bar, flash, monospace digits; one `data()` per cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetrics,
    QPainter,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop.qt import board_colors
from desktop.qt.depth_ladder_cells import (
    LADDER_CELL_ROLE,
    LAST_MARKER,
    MUTED_BRUSH,
    TEXT_BRUSH,
    LadderCell,
    LadderColumn,
    RowKind,
)
from desktop.qt.palette import live_brush, live_pen
from desktop.widgets.delegates import monospace_font

__all__ = ["DepthLadderDelegate"]

_TEXT_CACHE_LIMIT = 4_000
_PRICE = int(LadderColumn.PRICE)
_INSIDE_BG = live_brush(lambda c: c.inside_spread)
_INSIDE_LINE = live_pen(lambda c: c.border)
_LAST_BOX = live_pen(lambda c: c.text)
_DIVIDER = live_pen(lambda c: c.raised)
_BID_CUM = int(LadderColumn.BID_CUM)
_ASK_CUM = int(LadderColumn.ASK_CUM)


class DepthLadderDelegate(QStyledItemDelegate):
    """Paints a `LadderCell`; never calls `super().paint()`; caches fonts, pens and laid-out text."""

    PADDING = 6
    BAR_INSET = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pens: dict[int, QPen] = {}
        self._colors = board_colors.version()
        self._texts: dict[tuple[str, bool], tuple[QStaticText, int]] = {}
        self._plain = QFont()
        self._mono = QFont()
        self._bold = QFont()
        self._fm = QFontMetrics(self._mono)
        self._bold_fm = QFontMetrics(self._bold)
        self._plain_fm = QFontMetrics(self._plain)
        self.set_fonts(QFont())

    def set_fonts(self, font: QFont) -> None:
        """Digits in a monospace font the size of `font`; the best levels in its bold cut."""
        self._plain = QFont(font)
        self._mono = monospace_font(font)
        self._bold = QFont(self._mono)
        self._bold.setBold(True)
        self._fm = QFontMetrics(self._mono)
        self._bold_fm = QFontMetrics(self._bold)
        self._plain_fm = QFontMetrics(self._plain)
        self._texts.clear()

    def monospace(self) -> QFont:
        """The font numbers are drawn with."""
        return QFont(self._mono)

    def _pen(self, brush: QBrush | None) -> QPen:
        if brush is None:
            brush = TEXT_BRUSH
        if self._colors != board_colors.version():  # the user changed the colours
            self._pens.clear()
            self._colors = board_colors.version()
        pen = self._pens.get(id(brush))
        if pen is None:  # brushes are module constants, so this fills once
            pen = self._pens[id(brush)] = QPen(brush.color())
        return pen

    def _static(self, text: str, bold: bool) -> tuple[QStaticText, int]:
        key = (text, bold)
        entry = self._texts.get(key)
        if entry is None:
            if len(self._texts) > _TEXT_CACHE_LIMIT:
                self._texts.clear()
            font = self._bold if bold else self._mono
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)  # notes may quote network text
            static.prepare(QTransform(), font)
            metrics = self._bold_fm if bold else self._fm
            entry = self._texts[key] = (static, metrics.horizontalAdvance(text))
        return entry

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Tint, bar, flash, then text; the inside row as one ribbon across the table."""
        cell = index.data(LADDER_CELL_ROLE)
        if not isinstance(cell, LadderCell):
            return
        rect = option.rect
        if cell.kind is RowKind.INSIDE:
            if index.column() == 0:
                self._paint_ribbon(painter, rect, cell)
            return
        if cell.tint is not None:
            painter.fillRect(rect, cell.tint)
        column = index.column()
        if column in (_BID_CUM, _ASK_CUM):  # keeps "cum" and "size" apart at a glance
            painter.setPen(_DIVIDER)
            edge = rect.right() if column == _BID_CUM else rect.left()
            painter.drawLine(edge, rect.top(), edge, rect.bottom())
        if cell.bar > 0.0 and cell.bar_brush is not None:
            inset = self.BAR_INSET
            width = max(2, round((rect.width() - 2) * min(cell.bar, 1.0)))
            x = rect.right() - width if cell.bar_from_right else rect.x() + 1
            painter.fillRect(
                QRect(x, rect.y() + inset, width, rect.height() - 2 * inset), cell.bar_brush
            )
        if not cell.text:
            return
        metrics = self._bold_fm if cell.strong else self._fm
        top = rect.y() + (rect.height() - metrics.height()) // 2
        static, width = self._static(cell.text, cell.strong)
        sub, sub_width = self._static(cell.sub, False) if cell.sub else (None, 0)
        if column == _PRICE:
            x = rect.x() + (rect.width() - width) // 2
            if cell.marker:
                self._paint_last_box(painter, rect, x, width)
        elif cell.bar_from_right:  # bid sizes: at the outer edge, clear of the bar's root
            x = rect.x() + self.PADDING
        else:
            x = rect.x() + rect.width() - self.PADDING - width - sub_width
        if cell.flash is not None:  # a chip behind the number, not the whole cell
            chip = QRect(x - 3, rect.y() + 2, width + sub_width + 6, rect.height() - 4)
            painter.fillRect(chip, cell.flash)
        painter.setFont(self._bold if cell.strong else self._mono)
        painter.setPen(self._pen(cell.fg))
        painter.drawStaticText(x, top, static)
        if sub is not None:
            painter.setFont(self._mono)
            painter.setPen(self._pen(MUTED_BRUSH))
            painter.drawStaticText(
                x + width, rect.y() + (rect.height() - self._fm.height()) // 2, sub
            )

    def _paint_last_box(self, painter: QPainter, rect: QRect, x: int, width: int) -> None:
        """The last trade's price: a thin outline around it and a ◆ just left of the outline."""
        marker, marker_width = self._static(LAST_MARKER, False)
        painter.setFont(self._mono)
        painter.setPen(_LAST_BOX)
        marker_top = rect.y() + (rect.height() - self._fm.height()) // 2
        painter.drawStaticText(max(rect.x() + 1, x - 7 - marker_width), marker_top, marker)
        painter.drawRect(QRect(x - 4, rect.y() + 1, width + 8, rect.height() - 3))

    def _paint_ribbon(self, painter: QPainter, rect: QRect, cell: LadderCell) -> None:
        painter.fillRect(rect, _INSIDE_BG)
        painter.setPen(_INSIDE_LINE)
        painter.drawLine(rect.left(), rect.top(), rect.right(), rect.top())
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        static, width = self._static(cell.text, cell.strong)
        sub_width = self._static(cell.sub, False)[1] if cell.sub else 0
        room = rect.width() - 2 * self.PADDING
        metrics = self._bold_fm if cell.strong else self._fm
        top = rect.y() + (rect.height() - metrics.height()) // 2
        if width + sub_width > room and cell.sub:
            sub_width = 0  # narrow ladder: the main text wins
        x = rect.x() + (rect.width() - width - sub_width) // 2
        if width > room:
            elided = metrics.elidedText(cell.text, Qt.TextElideMode.ElideRight, room)
            static, width = self._static(elided, cell.strong)
            x = rect.x() + self.PADDING
        painter.setFont(self._bold if cell.strong else self._mono)
        painter.setPen(self._pen(cell.fg))
        painter.drawStaticText(x, top, static)
        if sub_width:
            sub, _ = self._static(cell.sub, False)
            painter.setFont(self._mono)
            painter.setPen(self._pen(MUTED_BRUSH))
            painter.drawStaticText(
                x + width, rect.y() + (rect.height() - self._fm.height()) // 2, sub
            )

    def sizeHint(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QSize:
        """Text width plus padding (used only if a user auto-fits a column)."""
        cell = index.data(LADDER_CELL_ROLE)
        if not isinstance(cell, LadderCell):
            return QSize(0, 0)
        width = self._static(cell.text, cell.strong)[1] + 2 * self.PADDING
        if cell.sub:
            width += self._static(cell.sub, False)[1]
        return QSize(width, self._fm.height() + 6)

"""Lean painting of watchlist cells: one `data()` call per cell, no allocation per paint."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.qt import board_colors
from desktop.qt.palette import live_brush
from desktop.qt.quote_columns import BADGE_FIRED, QUOTE_COLUMNS, UP_GLYPH, ColumnId, QuoteCell
from desktop.qt.quote_table_model import CELL_ROLE

__all__ = ["QuoteCellDelegate", "bell_path", "fraction_chars", "monospace_font"]

# Plain ints: testing enum flags in Python costs microseconds per cell.
_SELECTED = QStyle.StateFlag.State_Selected.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_ELIDE = Qt.TextElideMode.ElideRight
_TEXT_CACHE_LIMIT = 8_000
_PREFERRED_MONO = ("DejaVu Sans Mono", "Menlo", "Consolas", "Cascadia Mono", "Noto Sans Mono")
_BELL_FIRED = live_brush(lambda c: c.alert)
_BELL_ARMED = live_brush(lambda c: c.alert_armed)


def bell_path(size: float) -> QPainterPath:
    """An alert bell `size` px tall, drawn rather than typed: most fonts have no bell glyph."""
    path = QPainterPath()
    path.moveTo(5.0, 0.6)
    path.cubicTo(2.4, 0.6, 2.0, 2.8, 2.0, 5.2)
    path.lineTo(2.0, 7.0)
    path.lineTo(0.8, 8.6)
    path.lineTo(9.2, 8.6)
    path.lineTo(8.0, 7.0)
    path.lineTo(8.0, 5.2)
    path.cubicTo(8.0, 2.8, 7.6, 0.6, 5.0, 0.6)
    path.closeSubpath()
    path.addEllipse(3.8, 9.0, 2.4, 1.7)
    scale = size / 10.7
    scaled = QPainterPath()
    scaled.addPath(QTransform.fromScale(scale, scale).map(path))
    return scaled


def fraction_chars(text: str) -> int:
    """Characters after the decimal point (`480.2` → 1, `+1.23%` → 3, `1,234` → 0): how far a
    right-aligned number reaches past its point."""
    point = text.rfind(".")
    return 0 if point < 0 else len(text) - point - 1


def monospace_font(like: QFont) -> QFont:
    """A fixed-pitch font the size of `like`, for digits that line up from row to row."""
    families = set(QFontDatabase.families())
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    for family in _PREFERRED_MONO:
        if family in families:
            font = QFont(family)
            break
    font.setStyleHint(QFont.StyleHint.Monospace)
    if like.pointSizeF() > 0:
        font.setPointSizeF(like.pointSizeF())
    elif like.pixelSize() > 0:
        font.setPixelSize(like.pixelSize())
    return font


class QuoteCellDelegate(QStyledItemDelegate):
    """Paints a `QuoteCell`: selection, flash, text and the ▲▼ glyph; never `super().paint()`.

    Fonts, pens, brushes and laid-out texts (`QStaticText`) are cached, so a repaint of an unchanged
    cell shapes no text. The owning view calls `set_fonts`/`set_palette` when its own change.
    """

    PADDING = 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pens: dict[int, QPen] = {}
        self._colors = board_colors.version()
        self._glyph_columns = frozenset({int(ColumnId.LAST)})
        self._font = QFont()
        self._mono = monospace_font(self._font)
        self._fm = QFontMetrics(self._font)
        self._mono_fm = QFontMetrics(self._mono)
        self._texts: dict[str, tuple[QStaticText, int]] = {}
        self._mono_texts: dict[str, tuple[QStaticText, int]] = {}
        self._glyph_width = 0
        self._glyph_advance = 0
        self._text_pen = QPen()
        self._selection = QBrush()
        self._selection_inactive = QBrush()
        self._bell = QPainterPath()
        self._bell_width = 0
        self._decimal_columns = frozenset(int(c.id) for c in QUOTE_COLUMNS if c.decimal_align)
        self._widest: dict[int, int] = {}
        """Per decimal-aligned column: the most characters any of its numbers has after the point."""
        self._char = 0
        self.set_fonts(self._font)
        self.set_palette(QPalette())

    def set_fonts(self, font: QFont) -> None:
        """Use `font` for text cells and a monospace font of the same size for numbers."""
        self._font = QFont(font)
        self._mono = monospace_font(font)
        self._fm = QFontMetrics(self._font)
        self._mono_fm = QFontMetrics(self._mono)
        self._texts.clear()
        self._mono_texts.clear()
        self._glyph_advance = self._mono_fm.horizontalAdvance(UP_GLYPH)
        self._glyph_width = self._glyph_advance + self._mono_fm.horizontalAdvance(" ")
        self._char = self._mono_fm.horizontalAdvance("0")
        size = max(8.0, self._fm.ascent() * 1.05)
        self._bell = bell_path(size)
        self._bell_width = int(self._bell.boundingRect().width()) + 6

    def set_palette(self, palette: QPalette) -> None:
        """Cache the default text pen and selection brushes from the view's palette."""
        group = QPalette.ColorGroup
        role = QPalette.ColorRole
        self._text_pen = QPen(palette.color(group.Active, role.Text))
        self._selection = QBrush(palette.brush(group.Active, role.Highlight))
        self._selection_inactive = QBrush(palette.brush(group.Inactive, role.Highlight))

    def monospace(self) -> QFont:
        """The font numeric cells are drawn with."""
        return QFont(self._mono)

    def _pen(self, brush: QBrush | None) -> QPen:
        if brush is None:
            return self._text_pen
        if self._colors != board_colors.version():  # the user changed the colours
            self._pens.clear()
            self._colors = board_colors.version()
        pen = self._pens.get(id(brush))
        if pen is None:  # brushes are shared constants of the model, so this fills once
            pen = self._pens[id(brush)] = QPen(brush.color())
        return pen

    def _static(self, text: str, numeric: bool) -> tuple[QStaticText, int]:
        """A laid-out text and its width, cached: `drawText` would shape the string every paint."""
        cache = self._mono_texts if numeric else self._texts
        entry = cache.get(text)
        if entry is None:
            if len(cache) > _TEXT_CACHE_LIMIT:
                cache.clear()
            font = self._mono if numeric else self._font
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)  # names come from the network
            static.prepare(QTransform(), font)
            metrics = self._mono_fm if numeric else self._fm
            entry = cache[text] = (static, metrics.horizontalAdvance(text))
        return entry

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Selection, flash background, then text (and glyph) with padding; nothing else."""
        cell = index.data(CELL_ROLE)
        if not isinstance(cell, QuoteCell):
            return
        rect = option.rect
        state = option.state.value
        if state & _SELECTED:
            painter.fillRect(rect, self._selection if state & _ACTIVE else self._selection_inactive)
        if cell.bg is not None:
            painter.fillRect(rect, cell.bg)
        x, y, height = rect.x(), rect.y(), rect.height()
        left = x + self.PADDING
        right = x + rect.width() - self.PADDING
        numeric = cell.numeric
        if cell.badge:
            right -= self._bell_width
            self._paint_bell(painter, right + 4, y + height / 2, cell.badge)
        if index.column() in self._glyph_columns:
            right -= self._glyph_width
            if cell.glyph:
                glyph, _ = self._static(cell.glyph, True)
                painter.setFont(self._mono)
                painter.setPen(self._pen(cell.glyph_fg))
                top = y + (height - self._mono_fm.height()) // 2
                painter.drawStaticText(right + self._glyph_width - self._glyph_advance, top, glyph)
        metrics = self._mono_fm if numeric else self._fm
        column = index.column()
        if numeric and cell.align_right and column in self._decimal_columns and cell.text:
            right -= self._decimal_pad(cell.text, column, option.widget)
        static, width = self._static(cell.text, numeric)
        room = right - left
        if width > room:
            static, width = self._static(metrics.elidedText(cell.text, _ELIDE, room), numeric)
        painter.setFont(self._mono if numeric else self._font)
        painter.setPen(self._pen(cell.fg))
        top = y + (height - metrics.height()) // 2
        painter.drawStaticText(right - width if cell.align_right else left, top, static)

    def _decimal_pad(self, text: str, column: int, widget: object) -> int:
        """Pixels to leave right of `text` so its point lines up with the column's widest
        precision (HK prices follow the tick table: 480.2 over 3.45 over 0.128)."""
        fraction = fraction_chars(text)
        widest = self._widest.get(column, 0)
        if fraction > widest:
            self._widest[column] = widest = fraction
            viewport = getattr(widget, "viewport", None)
            if viewport is not None:  # cells painted before this one move: paint them again
                target = viewport()  # the context: no call once the view is gone
                QTimer.singleShot(0, target, target.update)
        missing = widest - fraction
        if missing <= 0:
            return 0
        return (missing + (1 if fraction == 0 else 0)) * self._char

    def decimal_widths(self) -> dict[int, int]:
        """The widest precision seen per decimal-aligned column (tests, diagnostics)."""
        return dict(self._widest)

    def _paint_bell(self, painter: QPainter, left: float, middle: float, badge: int) -> None:
        box = self._bell.boundingRect()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_BELL_FIRED if badge == BADGE_FIRED else _BELL_ARMED)
        painter.translate(left, middle - box.height() / 2)
        painter.drawPath(self._bell)
        painter.restore()

    def sizeHint(
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QSize:
        """Width of the text in its font plus padding (used only when a user auto-fits a column)."""
        cell = index.data(CELL_ROLE)
        if not isinstance(cell, QuoteCell):
            return QSize(0, 0)
        width = self._static(cell.text, cell.numeric)[1] + 2 * self.PADDING
        if index.column() in self._glyph_columns:
            width += self._glyph_width
        metrics = self._mono_fm if cell.numeric else self._fm
        return QSize(width, metrics.height() + 6)

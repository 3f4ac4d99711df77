"""The depth ladder widget: a header (symbol, last, spread, mid) over the price ladder table.

Used docked in the main window and inside every pop-out `DepthWindow`. It shows a
`DepthLadderModel` and never talks to the feed: the model is refreshed by the flush.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.qt import board_colors
from desktop.qt.depth_ladder_cells import TEXT_BRUSH, LadderColumn
from desktop.qt.depth_model import DepthLadderModel
from desktop.qt.palette import colors, follow_theme, theme_notifier
from desktop.qt.plain_text import plain_tooltip
from desktop.qt.quote_columns import DOWN_COLOR, DOWN_GLYPH, UP_COLOR, UP_GLYPH
from desktop.qt.truth_monitor import TruthMonitor
from desktop.widgets.depth_delegate import DepthLadderDelegate
from desktop.widgets.truth_chip import TruthBinding, TruthChip

__all__ = ["DepthLadder"]

_WIDTHS = {
    LadderColumn.BID_ORDERS: 40,
    LadderColumn.BID_CUM: 78,
    LadderColumn.PRICE: 92,
    LadderColumn.ASK_CUM: 78,
    LadderColumn.ASK_ORDERS: 40,
}
_ORDER_COLUMNS = (int(LadderColumn.BID_ORDERS), int(LadderColumn.ASK_ORDERS))
_ONE_LEVEL_NOTE = "Top of book only: the provider sends one level a side for US stocks."
# The cells' colours are fixed (`qt.depth_ladder_cells`), so the ladder sets its own dark
# background instead of relying on the application palette.
_HEADER_STYLE = """
QFrame#ladderHeader {{ background: {c.header}; border-bottom: 1px solid {c.border}; }}
QLabel#ladderSymbol {{ color: {c.headline}; font-weight: 700; }}
QLabel#ladderName, QLabel#ladderTime, QLabel.caption, QLabel#ladderFootnote {{ color: {c.muted}; }}
QLabel#ladderNote {{ color: {c.note}; }}
QLabel#ladderSpread, QLabel#ladderMid {{ color: {c.text}; }}
QTableView#ladderTable {{ background: {c.background}; border: none; }}
"""


class DepthLadder(QWidget):
    """Header + ladder table for one `DepthLadderModel`; fixed row heights and set-once widths."""

    ROW_HEIGHT = 20

    def __init__(self, model: DepthLadderModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("depthLadder")
        self._model = model
        self._delegate = DepthLadderDelegate(self)
        self._view = QTableView(self)
        self._view.setObjectName("ladderTable")
        self._build_header()
        self._last_palettes: dict[int, QPalette] = {}
        self._colors = -1
        self._configure_view()
        self._footnote = QLabel(_ONE_LEVEL_NOTE, self)
        self._footnote.setObjectName("ladderFootnote")
        self._footnote.setTextFormat(Qt.TextFormat.PlainText)
        self._footnote.setWordWrap(True)
        self._footnote.setContentsMargins(10, 6, 10, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._footnote)
        layout.addStretch(0)
        follow_theme(self, lambda: self.setStyleSheet(_HEADER_STYLE.format(c=colors())))
        model.modelReset.connect(self._on_reset)
        model.summaryChanged.connect(self._update_header)
        model.orderCountsChanged.connect(self._show_order_counts)
        theme_notifier().changed.connect(self._update_header)  # the last price's colour
        self._on_reset()

    # -- construction -------------------------------------------------------------------------
    def _build_header(self) -> None:
        self._header = QFrame(self)
        self._header.setObjectName("ladderHeader")
        self._symbol = self._label("ladderSymbol")
        big = QFont(self.font())
        big.setPointSizeF(max(9.0, self.font().pointSizeF() * 1.25))
        big.setBold(True)
        self._symbol.setFont(big)
        self._name = self._label("ladderName")
        self._name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._time = self._label("ladderTime")
        self.truth_chip = TruthChip(self._header)
        self._last = self._label("ladderLast")
        self._spread = self._label("ladderSpread")
        self._mid = self._label("ladderMid")
        self._note = self._label("ladderNote")
        self._note.setWordWrap(True)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self._symbol)
        top.addWidget(self._name, 1)
        top.addWidget(self._time)
        top.addWidget(self.truth_chip)
        numbers = QHBoxLayout()
        numbers.setSpacing(6)
        for caption, value in (("LAST", self._last), ("SPREAD", self._spread), ("MID", self._mid)):
            label = self._label("")
            label.setText(caption)
            label.setProperty("class", "caption")
            small = QFont(self.font())
            small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
            label.setFont(small)
            numbers.addWidget(label)
            numbers.addWidget(value)
            numbers.addSpacing(12)
        numbers.addStretch(1)
        column = QVBoxLayout(self._header)
        column.setContentsMargins(10, 6, 10, 6)
        column.setSpacing(3)
        column.addLayout(top)
        column.addLayout(numbers)
        column.addWidget(self._note)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self._header)
        if name:
            label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the network
        return label

    def _configure_view(self) -> None:
        view = self._view
        view.setModel(self._model)
        view.setItemDelegate(self._delegate)
        self._delegate.set_fonts(self.font())
        mono = self._delegate.monospace()
        for value in (self._last, self._spread, self._mid, self._time):
            value.setFont(mono)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(12)
        rows.setDefaultSectionSize(self.ROW_HEIGHT)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(False)
        header.setMinimumSectionSize(30)
        for column in LadderColumn:
            width = _WIDTHS.get(column)
            if width is None:
                header.setSectionResizeMode(int(column), QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(int(column), QHeaderView.ResizeMode.Fixed)
                header.resizeSection(int(column), width)
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setCornerButtonEnabled(False)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setMouseTracking(True)

    # -- accessors ----------------------------------------------------------------------------
    def model(self) -> DepthLadderModel:
        """The model this ladder shows."""
        return self._model

    def view(self) -> QTableView:
        """The ladder table."""
        return self._view

    def header_texts(self) -> dict[str, str]:
        """What the header says now (for tests and accessibility)."""
        return {
            "symbol": self._symbol.text(),
            "name": self._name.text(),
            "last": self._last.text(),
            "spread": self._spread.text(),
            "mid": self._mid.text(),
            "time": self._time.text(),
            "note": self._note.text() if not self._note.isHidden() else "",
        }

    def content_height(self) -> int:
        """Height that shows the header and every row (and the one-level note) with no gap."""
        height = self._header.sizeHint().height() + self.table_height()
        if not self._footnote.isHidden():
            height += self._footnote.sizeHint().height()
        return height

    def footnote(self) -> str:
        """The note under a one-level book ("" when none is shown)."""
        return self._footnote.text() if not self._footnote.isHidden() else ""

    def table_height(self) -> int:
        """Height the table needs to show every row without scrolling."""
        header = self._view.horizontalHeader().sizeHint().height()
        return header + self._model.rowCount() * self.ROW_HEIGHT + 2

    # -- model signals ------------------------------------------------------------------------
    def _on_reset(self) -> None:
        view = self._view
        view.clearSpans()
        columns = self._model.columnCount()
        if self._model.rowCount() > 0:
            view.setSpan(self._model.inside_row(), 0, 1, columns)
        self._show_order_counts(self._model.has_order_counts())
        one_level = self._model.symbol() is not None and self._model.levels() == 1
        self._footnote.setVisible(one_level)
        # A one-level book keeps its three rows together under the header, the note below them.
        limit = self.table_height() if one_level else 16_777_215
        if view.maximumHeight() != limit:
            view.setMaximumHeight(limit)
        self._update_header()

    def _show_order_counts(self, shown: bool) -> None:
        for column in _ORDER_COLUMNS:
            self._view.setColumnHidden(column, not shown)

    def _update_header(self) -> None:
        summary = self._model.summary()
        self._symbol.setText(summary.symbol or "—")
        self._name.setText(summary.name)
        self._name.setToolTip(plain_tooltip(summary.name) if summary.name else "")
        glyph = UP_GLYPH if summary.tick_dir > 0 else DOWN_GLYPH if summary.tick_dir < 0 else ""
        self._last.setText(f"{summary.last} {glyph}".strip() or "—")
        if self._colors != board_colors.version():  # first use, or the user changed colours
            self._colors = board_colors.version()
            for direction, color in ((0, TEXT_BRUSH.color()), (1, UP_COLOR), (-1, DOWN_COLOR)):
                palette = QPalette(self._last.palette())
                palette.setColor(QPalette.ColorRole.WindowText, color)
                self._last_palettes[direction] = palette
        self._last.setPalette(self._last_palettes[summary.tick_dir if summary.last else 0])
        if summary.spread:
            ticks = summary.spread_ticks
            unit = "" if ticks is None else f" · {ticks} tick" + ("" if ticks == 1 else "s")
            self._spread.setText(summary.spread + unit)
        else:
            self._spread.setText("—")
        self._mid.setText(summary.mid or "—")
        self._time.setText(summary.book_time)
        self._time.setToolTip("Exchange time of the latest book" if summary.book_time else "")
        self._note.setText(summary.note)
        self._note.setVisible(bool(summary.note))

    def attach_truth(
        self, monitor: TruthMonitor, title: tuple[QWidget, Callable[[], str]] | None = None
    ) -> TruthBinding:
        """Show this ladder's truth chip and grey its book when its prices are not current."""
        binding = TruthBinding(monitor, self._model.symbol, self.truth_chip, self._view, title)
        self._model.modelReset.connect(binding.refresh)
        return binding

    def changeEvent(self, event: QEvent) -> None:
        """Keep the delegate's fonts in step with the widget's."""
        if event.type() == QEvent.Type.FontChange:
            self._delegate.set_fonts(self.font())
        super().changeEvent(event)

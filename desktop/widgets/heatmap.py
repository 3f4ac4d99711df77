"""The heatmap: the watchlist as a squarified treemap, area by turnover, colour by % change.

Tiles are grouped by market (US, HK); each group's share of the map follows its number of symbols,
and inside a group a tile's area follows its turnover. (Sized by turnover alone, a mixed list
leaves Hong Kong a sliver: a US mega-cap trades ten times Tencent's dollar value.) Colour runs on
a diverging scale centred at 0 between the board's down and up colours, and every label carries
the signed % change, so colour is never the only cue. It reads the book at most twice a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from desktop.domain.formatting import format_change_pct, format_price, format_volume, market_of
from desktop.domain.quote_book import QuoteBook
from desktop.domain.treemap import Rect, squarify
from desktop.domain.truth_terms import Truth, TruthVerdict
from desktop.qt.palette import live_color
from desktop.qt.plain_text import plain_tooltip
from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.truth_monitor import TruthMonitor
from desktop.qt.truth_style import DIM_OPACITY, truth_color

__all__ = ["FULL_SCALE_PCT", "HeatmapWidget", "Tile", "change_color"]

FULL_SCALE_PCT = 3.0
"""A move this large (either way) gets the full colour."""
REFRESH_MS = 500
"""At most two repaints a second."""

_NEUTRAL = live_color(lambda c: c.neutral_tile)
_BACKGROUND = live_color(lambda c: c.background)
_GROUP_TEXT = live_color(lambda c: c.muted)
_LIGHT_TEXT = live_color(lambda c: c.bright)
_DARK_TEXT = live_color(lambda c: c.dark)
_SELECTED = live_color(lambda c: c.headline)
_HEADER = 18
_LEGEND = 22
_GAP = 1.0
_MIN_SHARE = 0.01
"""A symbol with no turnover yet still gets this share of the average tile."""


def change_color(pct: float | None) -> QColor:
    """The tile colour of a % change: grey at 0, towards the up or down colour as it grows."""
    if pct is None or not math.isfinite(pct):
        return QColor(_NEUTRAL)
    t = min(1.0, abs(pct) / FULL_SCALE_PCT) ** 0.75
    target = UP_COLOR if pct > 0 else DOWN_COLOR
    strength = 0.15 + 0.7 * t if pct != 0 else 0.0
    return QColor.fromRgbF(
        _NEUTRAL.redF() + (target.redF() - _NEUTRAL.redF()) * strength,
        _NEUTRAL.greenF() + (target.greenF() - _NEUTRAL.greenF()) * strength,
        _NEUTRAL.blueF() + (target.blueF() - _NEUTRAL.blueF()) * strength,
    )


def _text_color(fill: QColor) -> QColor:
    luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()
    return _DARK_TEXT if luminance > 0.55 else _LIGHT_TEXT


@dataclass(frozen=True, slots=True)
class Tile:
    """One laid-out symbol."""

    symbol: str
    rect: QRectF
    pct: float | None
    color: QColor
    truth: TruthVerdict | None = None


class HeatmapWidget(QWidget):
    """Paints the tiles; a click emits `symbolSelected` (the app package selects it everywhere)."""

    symbolSelected = Signal(str)

    def __init__(
        self, model: QuoteTableModel, book: QuoteBook, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("heatmap")
        self.setMouseTracking(True)
        self.setMinimumSize(240, 160)
        self._model = model
        self._book = book
        self._tiles: list[Tile] = []
        self._groups: list[tuple[str, QRectF]] = []
        self._signature: tuple[object, ...] = ()
        self._selected = ""
        self.repaints = 0
        """Data-driven repaints so far (tests read it)."""
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._small = QFont(self._bold)
        self._small.setPointSizeF(max(6.0, self._bold.pointSizeF() * 0.82))
        self._truth: TruthMonitor | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def set_model(self, model: QuoteTableModel) -> None:
        """Draw another list (the watchlist tab the user switched to)."""
        if model is not self._model:
            self._model = model
            self._signature = ()
            self.refresh()

    def set_truth(self, monitor: TruthMonitor) -> None:
        """Tiles show the monitor's verdicts: a state border and word, greyed when not current."""
        self._truth = monitor
        monitor.verdictsChanged.connect(self.refresh)
        self._signature = ()
        self.refresh()

    def _verdict(self, symbol: str) -> TruthVerdict | None:
        return None if self._truth is None else self._truth.verdict(symbol)

    # -- data ---------------------------------------------------------------------------------
    def refresh(self, *_args: object) -> bool:
        """Re-read the book (if shown); relayout and repaint only if something moved."""
        if not self.isVisible():
            return False
        rows = []
        for symbol in self._model.symbols():
            state = self._book.get(symbol)
            if state is None:
                continue
            turnover = float(state.turnover)
            pct = state.change_pct
            rows.append((symbol, turnover, None if pct is None else round(float(pct), 2)))
        states = tuple(getattr(self._verdict(s), "state", None) for s, _, _ in rows)
        signature = (
            self.width(),
            self.height(),
            tuple((s, round(t, -3), p) for s, t, p in rows),
            states,
        )
        if signature == self._signature:
            return False
        self._signature = signature
        self._layout(rows)
        self.repaints += 1
        self.update()
        return True

    def _layout(self, rows: list[tuple[str, float, float | None]]) -> None:
        area = QRectF(self.rect()).adjusted(0, 0, 0, -_LEGEND)
        groups: dict[str, list[tuple[str, float, float | None]]] = {}
        for row in rows:
            groups.setdefault(market_of(row[0]).value, []).append(row)
        weights = {name: [max(t, 0.0) for _, t, _ in members] for name, members in groups.items()}
        for name, values in weights.items():
            mean = sum(values) / len(values) if values else 0.0
            floor = mean * _MIN_SHARE if mean > 0 else 1.0
            weights[name] = [max(v, floor) for v in values]
        names = sorted(groups, key=lambda n: -len(groups[n]))  # ties: watchlist order
        outer = squarify(
            [len(groups[n]) for n in names], Rect(area.x(), area.y(), area.width(), area.height())
        )
        self._tiles, self._groups = [], []
        for name, box in zip(names, outer, strict=True):
            header = QRectF(box.x, box.y, box.w, min(_HEADER, box.h))
            self._groups.append((name, header))
            inner = Rect(box.x, box.y + header.height(), box.w, max(0.0, box.h - header.height()))
            for (symbol, _, pct), tile in zip(
                groups[name], squarify(weights[name], inner), strict=True
            ):
                rect = QRectF(tile.x, tile.y, tile.w, tile.h).adjusted(_GAP, _GAP, -_GAP, -_GAP)
                verdict = self._verdict(symbol)
                self._tiles.append(Tile(symbol, rect, pct, change_color(pct), verdict))

    def tiles(self) -> list[Tile]:
        """The laid-out tiles (for tests and hit-testing)."""
        return list(self._tiles)

    def tile_at(self, point: QPointF) -> Tile | None:
        """The tile under a point, if any."""
        return next((tile for tile in self._tiles if tile.rect.contains(point)), None)

    def set_selected(self, symbol: str) -> None:
        """Outline the symbol that is selected elsewhere."""
        if symbol != self._selected:
            self._selected = symbol
            self.update()

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Background, group captions, tiles with labels, the legend."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKGROUND)
        painter.setFont(self.font())
        painter.setPen(_GROUP_TEXT)
        for name, header in self._groups:
            caption = "United States" if name == "US" else "Hong Kong"
            painter.drawText(header.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, caption)
        fonts = [(font, QFontMetrics(font)) for font in (self._bold, self._small)]
        for tile in self._tiles:
            truth = tile.truth
            painter.setOpacity(DIM_OPACITY if truth is not None and truth.dim else 1.0)
            painter.fillRect(tile.rect, tile.color)
            for font, metrics in fonts:  # the regular size if it fits, else a smaller one
                if self._label(painter, tile, font, metrics):
                    break
            painter.setOpacity(1.0)
            if truth is not None and truth.state is not Truth.LIVE:
                painter.setPen(QPen(truth_color(truth.state), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(tile.rect.adjusted(1, 1, -1, -1))
        for tile in self._tiles:
            if tile.symbol == self._selected:
                painter.setPen(QPen(_SELECTED, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(tile.rect.adjusted(1, 1, -1, -1))
        self._legend(painter)
        painter.end()

    def _label(self, painter: QPainter, tile: Tile, font: QFont, metrics: QFontMetrics) -> bool:
        rect = tile.rect.adjusted(3, 1, -3, -1)
        line = metrics.height()
        if rect.height() < line or rect.width() < 20:
            return False
        symbol = tile.symbol
        if metrics.horizontalAdvance(symbol) > rect.width():
            symbol = symbol.rsplit(".", 1)[0]  # 00700.HK → 00700 where the tile is narrow
        pct = format_change_pct(tile.pct) if tile.pct is not None else "—"
        two_lines = rect.height() >= 2 * line + 2
        text = f"{symbol}\n{pct}" if two_lines else f"{symbol} {pct}"
        truth = tile.truth
        if truth is not None and truth.state is not Truth.LIVE and rect.height() >= 3 * line + 2:
            text = f"{text}\n{truth.state.value}"
        if max(metrics.horizontalAdvance(part) for part in text.split("\n")) > rect.width():
            return False  # the tooltip still tells; a clipped number would mislead
        painter.setFont(font)
        painter.setPen(_text_color(tile.color))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return True

    def _legend(self, painter: QPainter) -> None:
        bar = QRectF(self.width() - 214, self.height() - _LEGEND + 7, 140, 8)
        if bar.left() < 60:
            return
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for stop, pct in ((0.0, -FULL_SCALE_PCT), (0.5, 0.0), (1.0, FULL_SCALE_PCT)):
            gradient.setColorAt(stop, change_color(pct))
        painter.fillRect(bar, gradient)
        painter.setPen(_GROUP_TEXT)
        painter.setFont(self.font())
        left = QRectF(bar.left() - 56, bar.top() - 5, 52, 18)
        right = QRectF(bar.right() + 4, bar.top() - 5, 60, 18)
        painter.drawText(
            left,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            format_change_pct(-FULL_SCALE_PCT),
        )
        painter.drawText(
            right,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            format_change_pct(FULL_SCALE_PCT),
        )
        note = QRectF(6, self.height() - _LEGEND, bar.left() - 70, _LEGEND)
        painter.drawText(
            note,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(self.font()).elidedText(
                "Area: turnover · colour: change since previous close",
                Qt.TextElideMode.ElideRight,
                int(note.width()),
            ),
        )

    # -- events -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click on a tile selects its symbol everywhere."""
        tile = self.tile_at(event.position())
        if tile is not None and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(tile.symbol)
            self.symbolSelected.emit(tile.symbol)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Tooltip: name, last, change and turnover of the tile under the pointer."""
        tile = self.tile_at(event.position())
        state = self._book.get(tile.symbol) if tile is not None else None
        if tile is None or state is None:
            QToolTip.hideText()
            return
        market = market_of(tile.symbol)
        lines = [tile.symbol + (f"  {state.name}" if state.name else "")]
        if state.last is not None:
            lines.append(
                f"Last {format_price(market, state.last)}   {format_change_pct(state.change_pct)}"
            )
        lines.append(f"Turnover {format_volume(state.turnover)} {market.currency}")
        verdict = self._verdict(tile.symbol)
        if verdict is not None:
            lines.append(verdict.sentence)
        # Names come from the network: escape them and say it is rich text, so none is rendered.
        QToolTip.showText(event.globalPosition().toPoint(), plain_tooltip("\n".join(lines)), self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay out again for the new size (at once: the old layout would be wrong)."""
        super().resizeEvent(event)
        self._signature = ()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Lay out when shown (the timer skips hidden heatmaps)."""
        super().showEvent(event)
        self._signature = ()
        self.refresh()

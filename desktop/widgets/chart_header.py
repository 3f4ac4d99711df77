"""The chart window's header: symbol, name and quote, the Candles / Line / Follow buttons, the read-out.

The read-out line under the buttons shows one bar's time, open, high, low, close and volume (and
the price under the crosshair), with as many decimals as the symbol's quote uses.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop.domain.formatting import (
    format_change,
    format_change_pct,
    format_price,
    format_time,
    format_volume,
    market_of,
    price_decimals,
    zone_label,
)
from desktop.domain.minute_bars import BarArrays
from desktop.domain.quote_book import QuoteState
from desktop.qt.palette import MUTED, TEXT
from desktop.qt.quote_columns import DOWN_COLOR, DOWN_GLYPH, UP_COLOR, UP_GLYPH
from desktop.widgets.chart_plot_view import ChartMode
from desktop.widgets.delegates import monospace_font

__all__ = ["ChartHeader"]


class ChartHeader(QWidget):
    """Title, quote, mode and follow buttons, and the bar read-out above a symbol's chart."""

    modeChosen = Signal(object)
    """The user picked a `ChartMode` (also sent when `set_mode` switches the buttons)."""
    followToggled = Signal(bool)
    """The Follow button was switched on or off."""

    def __init__(self, symbol: str, mode: ChartMode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._symbol = symbol
        self._market = market_of(symbol)
        self._decimals = 2
        mono = monospace_font(self.font())
        self._title = QLabel(self)
        self._title.setTextFormat(Qt.TextFormat.PlainText)  # names come from the network
        bold = QFont(self.font())
        bold.setBold(True)
        self._title.setFont(bold)
        self._quote = QLabel(self)
        self._quote.setTextFormat(Qt.TextFormat.PlainText)
        self._quote.setFont(mono)
        self._readout = QLabel(self)
        self._readout.setObjectName("chartReadout")
        self._readout.setTextFormat(Qt.TextFormat.PlainText)
        self._readout.setFont(mono)
        self._readout.setStyleSheet(f"color: {MUTED};")
        self._candles_button = self._tool("Candles", "Candlesticks of 1-minute bars")
        self._line_button = self._tool("Line", "A line through the 1-minute closes")
        group = QButtonGroup(self)
        group.setExclusive(True)
        group.addButton(self._candles_button)
        group.addButton(self._line_button)
        (self._candles_button if mode is ChartMode.CANDLES else self._line_button).setChecked(True)
        self._candles_button.toggled.connect(self._on_candles_toggled)
        self._follow_button = self._tool("Follow ⇥", "Keep the newest bar in view (End)")
        self._follow_button.setChecked(True)
        self._follow_button.toggled.connect(self.followToggled)
        self._lay_out()

    def _tool(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.setContentsMargins(10, 6, 10, 0)
        top.setSpacing(12)
        top.addWidget(self._title)
        top.addWidget(self._quote)
        top.addStretch(1)
        for button in (self._candles_button, self._line_button):
            top.addWidget(button)
        top.addSpacing(8)
        top.addWidget(self._follow_button)
        readout_row = QHBoxLayout()
        readout_row.setContentsMargins(10, 0, 10, 0)
        readout_row.addWidget(self._readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(readout_row)

    def _on_candles_toggled(self, candles: bool) -> None:
        self.modeChosen.emit(ChartMode.CANDLES if candles else ChartMode.LINE)

    # -- buttons ------------------------------------------------------------------------------
    def set_mode(self, mode: ChartMode) -> None:
        """Check the button of `mode` (which sends `modeChosen` if it was not checked)."""
        button = self._candles_button if mode is ChartMode.CANDLES else self._line_button
        if not button.isChecked():
            button.setChecked(True)

    def set_follow(self, follow: bool) -> None:
        """Show whether the view follows (which sends `followToggled` if that changed)."""
        if self._follow_button.isChecked() != follow:
            self._follow_button.setChecked(follow)

    # -- quote and read-out -------------------------------------------------------------------
    def show_quote(self, state: QuoteState | None) -> None:
        """Show the symbol's name, last price and change; later read-outs use its decimals."""
        name = state.name if state is not None else ""
        self._title.setText(f"{self._symbol}  {name}".strip())
        if state is None or state.last is None:
            self._quote.setText("")
            return
        market = self._market
        self._decimals = price_decimals(market, state.last, state.prev_close)
        change = state.change
        glyph = "" if not change else (UP_GLYPH if change > 0 else DOWN_GLYPH)
        color = TEXT if not change else (UP_COLOR if change > 0 else DOWN_COLOR).name()
        self._quote.setStyleSheet(f"color: {color};")
        self._quote.setText(
            f"{format_price(market, state.last)} {glyph}  "
            f"{format_change(market, state.last, state.prev_close)}  "
            f"{format_change_pct(state.change_pct)}".rstrip()
        )

    def readout(self) -> str:
        """The text of the read-out line."""
        return self._readout.text()

    def show_bar(self, arrays: BarArrays, index: int, stamp: float, price: float | None) -> None:
        """Read out bar `index` (it started at epoch second `stamp`) and the price under the cursor."""
        fields = [
            f"{format_time(int(stamp * 1000), self._market)[:5]} {zone_label(self._market)}",
            f"O {self._price_text(arrays.open[index])}",
            f"H {self._price_text(arrays.high[index])}",
            f"L {self._price_text(arrays.low[index])}",
            f"C {self._price_text(arrays.close[index])}",
            f"V {format_volume(int(arrays.volume[index]))}",
        ]
        if price is not None:
            fields.append(f"│ {self._price_text(price)}")
        self._readout.setText("   ".join(fields))

    def show_price(self, price: float | None) -> None:
        """Read out only the price under the cursor (no bar there), or nothing."""
        self._readout.setText("" if price is None else self._price_text(price))

    def _price_text(self, value: float) -> str:
        return format_price(self._market, Decimal(f"{value:.{self._decimals}f}"))

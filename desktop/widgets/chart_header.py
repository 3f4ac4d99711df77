"""The chart window's header: a symbol box, name and quote, timeframe, Candles / Line / Follow,
link group, and the read-out.

The read-out line under the buttons shows one bar's time, open, high, low, close and volume (and
the price under the crosshair), with as many decimals as the symbol's quote uses.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.chart_series import MA_FAST, MA_SLOW, Timeframe
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
from desktop.domain.symbols import Market
from desktop.qt.palette import colors, follow_theme
from desktop.qt.quote_columns import DOWN_COLOR, DOWN_GLYPH, UP_COLOR, UP_GLYPH
from desktop.widgets.chart_kinds import ChartMode
from desktop.widgets.delegates import monospace_font
from desktop.widgets.link_controls import LinkGroupButton, SymbolEdit
from desktop.widgets.truth_chip import TruthChip

__all__ = ["ChartHeader"]


def _zoned(label: str, market: Market) -> str:
    """A bar's time with its market's zone (`09:40 ET`); a date alone (daily bars) has none."""
    return f"{label} {zone_label(market)}" if ":" in label else label


_WIDEST_READOUT = (
    "09:31 HKT   O 1,247.28   H 1,247.28   L 1,247.28   C 1,247.28   V 16.1M   │ 1,247.28"
)
"""A bar's read-out at its widest usual length: below this the read-out takes its own line."""


class ChartHeader(QWidget):
    """Title, quote, mode and follow buttons, and the bar read-out above a symbol's chart."""

    modeChosen = Signal(object)
    """The user picked a `ChartMode` (also sent when `set_mode` switches the buttons)."""
    followToggled = Signal(bool)
    """The Follow button was switched on or off."""
    timeframeChosen = Signal(object)
    """The user picked a `Timeframe`."""
    linkGroupChosen = Signal(object)
    """The user linked the chart to a group key, or pinned it (None)."""
    symbolEntered = Signal(str)
    """The user typed a valid symbol (normalised, `00700.HK`) and pressed Enter."""

    def __init__(
        self,
        symbol: str,
        mode: ChartMode,
        parent: QWidget | None = None,
        timeframe: Timeframe = Timeframe.M1,
    ) -> None:
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
        self.symbol_edit = SymbolEdit("chartSymbolEdit", self)
        self.symbol_edit.setToolTip(
            "Type a symbol (700, 00700.HK, AAPL) and press Enter; a linked chart moves its group"
        )
        self.symbol_edit.setMaximumWidth(110)
        self.symbol_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # End/Esc stay the chart's
        self.symbol_edit.symbolEntered.connect(self._on_symbol_entered)
        self.symbol_edit.problemChanged.connect(self._show_problem)
        self._readout = QLabel(self)
        self._readout.setObjectName("chartReadout")
        self._readout.setTextFormat(Qt.TextFormat.PlainText)
        self._readout.setFont(mono)
        follow_theme(
            self._readout, lambda: self._readout.setStyleSheet(f"color: {colors().muted};")
        )
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
        self._timeframes = QButtonGroup(self)
        self._timeframes.setExclusive(True)
        self._timeframe_buttons: dict[Timeframe, QToolButton] = {}
        for tf in Timeframe:
            button = self._tool(tf.label, f"{tf.label} bars")
            button.setObjectName(f"timeframe{tf.label}")
            button.setChecked(tf is timeframe)
            button.clicked.connect(lambda _c=False, t=tf: self.timeframeChosen.emit(t))
            self._timeframes.addButton(button)
            self._timeframe_buttons[tf] = button
        self._link_button = LinkGroupButton(
            "chartLinkButton", "A linked chart follows its group's symbol.", self
        )
        self._link_button.setAutoRaise(True)
        self._link_button.groupChosen.connect(self.linkGroupChosen)
        self._legend = QLabel(self)
        self._legend.setObjectName("chartLegend")
        self._legend.setTextFormat(Qt.TextFormat.PlainText)
        self._legend.setFont(mono)
        self.set_link_group(None)
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
        self.truth_chip = TruthChip(self)
        top = QHBoxLayout()
        top.setContentsMargins(10, 6, 10, 0)
        top.setSpacing(12)
        top.addWidget(self.symbol_edit)
        top.addWidget(self._title)
        top.addWidget(self._quote)
        top.addWidget(self.truth_chip)
        top.addStretch(1)
        for button in (self._candles_button, self._line_button):
            top.addWidget(button)
        top.addSpacing(8)
        top.addWidget(self._follow_button)
        top.addWidget(self._link_button)
        self._controls_row = QHBoxLayout()
        self._controls_row.setContentsMargins(10, 0, 10, 0)
        self._controls_row.addWidget(self._readout, 1)
        self._controls_row.addWidget(self._legend)
        self._controls_row.addSpacing(8)
        for button in self._timeframe_buttons.values():
            self._controls_row.addWidget(button)
        self._readout_row = QHBoxLayout()
        self._readout_row.setContentsMargins(10, 0, 10, 0)
        for label, least in ((self._title, 90), (self._quote, 90), (self._readout, 120)):
            # an explicit minimum overrides the text's: long texts are clipped in a narrow
            # window instead of widening it, and shown whole when there is room
            label.setMinimumWidth(least)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(self._controls_row)
        layout.addLayout(self._readout_row)
        self._readout_alone = False

    def readout_has_own_line(self) -> bool:
        """True when the window is too narrow to show the read-out beside the timeframes."""
        return self._readout_alone

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Give the read-out a line of its own when a full bar would not fit beside the controls."""
        super().resizeEvent(event)
        controls = (
            self._legend.sizeHint().width()
            + 8
            + sum(
                button.sizeHint().width() + self._controls_row.spacing()
                for button in self._timeframe_buttons.values()
            )
        )
        needed = self._readout.fontMetrics().horizontalAdvance(_WIDEST_READOUT) + controls + 20
        alone = event.size().width() < needed
        if alone == self._readout_alone:
            return
        self._readout_alone = alone
        source, target = (
            (self._controls_row, self._readout_row)
            if alone
            else (self._readout_row, self._controls_row)
        )
        source.removeWidget(self._readout)
        target.insertWidget(0, self._readout, 1)

    def _on_symbol_entered(self, symbol: str) -> None:
        self.symbol_edit.clear()
        self.symbol_edit.clearFocus()  # back to the chart's keys
        self.symbolEntered.emit(symbol)

    def _show_problem(self, problem: str) -> None:
        if problem:  # the chart keeps its symbol and says why in the read-out
            self._readout.setText(problem)

    def symbol_problem(self) -> str:
        """Why the typed symbol was refused ("" once it was corrected or accepted)."""
        return self.symbol_edit.problem()

    def _on_candles_toggled(self, candles: bool) -> None:
        self.modeChosen.emit(ChartMode.CANDLES if candles else ChartMode.LINE)

    # -- buttons ------------------------------------------------------------------------------
    def set_mode(self, mode: ChartMode) -> None:
        """Check the button of `mode` (which sends `modeChosen` if it was not checked)."""
        button = self._candles_button if mode is ChartMode.CANDLES else self._line_button
        if not button.isChecked():
            button.setChecked(True)

    def set_timeframe(self, timeframe: Timeframe) -> None:
        """Check the button of `timeframe` (no signal) and say which overlays it draws."""
        self._timeframe_buttons[timeframe].setChecked(True)
        vwap = "VWAP  " if timeframe.intraday else ""
        self._legend.setText(f"{vwap}MA {MA_FAST}  MA {MA_SLOW}")

    def set_symbol(self, symbol: str) -> None:
        """Show another symbol (its quote arrives with the next `show_quote`)."""
        self._symbol = symbol
        self._market = market_of(symbol)

    def set_link_group(self, key: str | None) -> None:
        """Show the chart's link group (None: pinned to its symbol)."""
        self._link_button.show_group(key)

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
        color = colors().text if not change else (UP_COLOR if change > 0 else DOWN_COLOR).name()
        self._quote.setStyleSheet(f"color: {color};")
        self._quote.setText(
            f"{format_price(market, state.last)} {glyph}  "
            f"{format_change(market, state.last, state.prev_close)}  "
            f"{format_change_pct(state.change_pct)}".rstrip()
        )

    def readout(self) -> str:
        """The text of the read-out line."""
        return self._readout.text()

    def show_bar(
        self,
        arrays: BarArrays,
        index: int,
        stamp: float,
        price: float | None,
        when: str | None = None,
    ) -> None:
        """Read out bar `index` (it started at epoch second `stamp`; `when` labels it, HH:MM by
        default) and the price under the cursor."""
        fields = [
            _zoned(when or format_time(int(stamp * 1000), self._market)[:5], self._market),
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

"""The status bar's market clocks: "HK · lunch · 41 min to open", one label per market."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.domain.market_clock import ZONE_LABELS
from desktop.domain.symbols import Market
from desktop.qt.session_clock import SessionClock

__all__ = ["MarketClocksView"]

_CHIP_COLORS = {
    "RTH": "#3fb950",
    "HALF-DAY": "#3fb950",
    "PRE": "#e3a008",
    "POST": "#e3a008",
    "LUNCH": "#e3a008",
    "CLOSED": "#7b8491",
}
_ORDER = (Market.HK, Market.US)
_NAMES = {Market.HK: "Hong Kong (XHKG)", Market.US: "New York (XNYS)"}


class MarketClocksView(QWidget):
    """One coloured label per market, fed by a `SessionClock`; says "loading" until calendars come."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("marketClocks")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(14)
        self._labels: dict[Market, QLabel] = {}
        for market in _ORDER:
            label = QLabel(f"{market.value} · calendar loading…")
            label.setObjectName(f"marketClock{market.value}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setToolTip(
                f"{_NAMES[market]} session, in {ZONE_LABELS[market]}, from the exchange calendar "
                "(holidays and half days included)"
            )
            layout.addWidget(label)
            self._labels[market] = label
        self._clock: SessionClock | None = None

    def bind(self, clock: SessionClock) -> None:
        """Show `clock`'s texts from now on."""
        self._clock = clock
        clock.clocksChanged.connect(self._show)
        self._show(clock.texts())

    def text(self, market: Market) -> str:
        """What the clock of `market` reads now."""
        return self._labels[market].text()

    def _show(self, texts: dict[Market, str]) -> None:
        chips = self._clock.market_chips() if self._clock is not None else {}
        for market, label in self._labels.items():
            text = texts.get(market)
            label.setText(text if text else f"{market.value} · calendar loading…")
            color = _CHIP_COLORS.get(chips.get(market, ""), "#7b8491")
            label.setStyleSheet(f"QLabel {{ color: {color}; }}")

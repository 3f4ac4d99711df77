"""The status bar's market clocks: "HK · lunch · 41 min to open", one label per market."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.domain.market_clock import ZONE_LABELS
from desktop.domain.symbols import Market
from desktop.qt.palette import Role, colors, theme_notifier
from desktop.qt.session_clock import SessionClock

__all__ = ["MarketClocksView"]

_CHIP_ROLES: dict[str, Role] = {
    "RTH": lambda c: c.ok,
    "HALF-DAY": lambda c: c.ok,
    "PRE": lambda c: c.stale,
    "POST": lambda c: c.stale,
    "LUNCH": lambda c: c.stale,
}
"""A market's clock colour by its session (closed or unknown: dimmed)."""
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
        theme_notifier().changed.connect(self._restyle)

    def _restyle(self) -> None:
        if self._clock is not None:
            self._show(self._clock.texts())

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
            role = _CHIP_ROLES.get(chips.get(market, ""))
            color = role(colors()) if role is not None else colors().dim
            label.setStyleSheet(f"QLabel {{ color: {color}; }}")

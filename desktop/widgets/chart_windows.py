"""Keeps the open chart windows: refreshed per flush, linked to colour groups, saved as a set.

Opening a symbol's chart raises the open one if there is one. A chart linked to a colour group
follows the symbol its group publishes (so several charts may show one symbol). Layouts are
`WindowLayout`s (kind `chart`) in the same `windows` table as the depth pop-outs, placed back by
the same `PopOutManager` rules, frame margins included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.chart_series import Timeframe
from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import MarketSessions
from desktop.domain.window_placement import WindowLayout
from desktop.qt.link_groups import LinkGroupHub
from desktop.qt.truth_monitor import TruthMonitor
from desktop.widgets.chart_kinds import CHART_KIND
from desktop.widgets.popout_manager import PopOutManager

__all__ = ["ChartWindowManager"]


if TYPE_CHECKING:
    from desktop.widgets.chart_window import ChartWindow


class ChartWindowManager(PopOutManager["ChartWindow"]):  # imported when the first chart opens
    """Opens, refreshes and closes `ChartWindow`s; emits intents, never touches storage."""

    opened = Signal(str)
    """A chart for this symbol opened: its history should be fetched first."""
    historyWanted = Signal(str, object)
    """(symbol, Timeframe): a chart needs these klines; answer with `deliver_history`."""

    def __init__(
        self,
        bars: MinuteBarStore,
        book: QuoteBook,
        parent: QObject | None = None,
        main_window: QWidget | None = None,
    ) -> None:
        super().__init__(CHART_KIND, main_window, parent)
        self._bars = bars
        self._book = book
        self._sessions: MarketSessions | None = None
        self._hub: LinkGroupHub | None = None
        self._truth: TruthMonitor | None = None

    def set_link_hub(self, hub: LinkGroupHub) -> None:
        """Linked charts follow the symbols published to their groups from now on."""
        self._hub = hub
        hub.published.connect(self._on_published)

    def set_sessions(self, sessions: MarketSessions | None) -> None:
        """Exchange calendars for every chart (shading, breaks only inside sessions)."""
        self._sessions = sessions
        for window in self._windows:
            window.set_sessions(sessions)

    def deliver_history(self, symbol: str, timeframe: Timeframe, bars: list[MinuteBar]) -> None:
        """Klines arrived: every chart of `symbol` takes them."""
        for window in self._windows:
            if window.symbol == symbol:
                window.set_history(timeframe, bars)

    def request_all_history(self) -> None:
        """Ask again for every open chart's klines (another feed started)."""
        for window in self._windows:
            window.request_history()

    def set_truth(self, monitor: TruthMonitor) -> None:
        """Every chart (open now or later) shows the monitor's verdict for its symbol."""
        self._truth = monitor
        for window in self.windows():
            window.attach_truth(monitor)

    def open(self, symbol: str) -> ChartWindow:
        """Show the chart of `symbol`, creating it or bringing the open one to the front."""
        window = self.window(symbol)
        if window is None:
            window = self._create(symbol)
            window.request_history()
            window.show()
            self.layoutChanged.emit()
        else:
            window.showNormal()
        window.raise_()
        window.activateWindow()
        return window

    def _create(self, symbol: str, link_group: str | None = None) -> ChartWindow:
        from desktop.widgets.chart_window import ChartWindow  # pyqtgraph: only once a chart opens

        window = ChartWindow(symbol, self._bars, self._book, link_group=link_group)
        window.closed.connect(lambda _symbol, w=window: self._on_closed(w))
        window.placementChanged.connect(self._schedule_save)
        if self._truth is not None:
            window.attach_truth(self._truth)
        window.historyWanted.connect(self.historyWanted)
        window.symbolChanged.connect(lambda _old, new: self.opened.emit(new))
        window.linkGroupChanged.connect(lambda key, w=window: self._on_window_link(w, key))
        window.symbolTyped.connect(lambda symbol, w=window: self._on_symbol_typed(w, symbol))
        if self._sessions is not None:
            window.set_sessions(self._sessions)
        self._track(window)
        self.opened.emit(symbol)
        return window

    def restore(self, layouts: Sequence[WindowLayout]) -> None:
        """Reopen saved charts where they were (moved onto a screen if theirs is gone).

        Call after the main window is shown, so the window manager places the main window first.
        """
        with self._quietly():
            for layout in layouts:
                if layout.kind != CHART_KIND or self.window(layout.symbol) is not None:
                    continue
                window = self._create(layout.symbol, layout.link_group)
                window.restore(layout, self.frame_margins())
                window.request_history()
                window.show()

    def on_frame(self, dirty: Iterable[str], now: float = 0.0) -> None:
        """A flush (a `StreamBridge` frame listener): redraw the charts of changed symbols."""
        if not self._windows:
            return
        changed = set(dirty)
        for window in self._windows:
            if window.symbol in changed:
                window.refresh()

    def refresh_symbol(self, symbol: str) -> None:
        """Redraw one symbol's charts now (its history just arrived)."""
        for window in self._windows:
            if window.symbol == symbol:
                window.refresh(force=True)

    def window(self, symbol: str) -> ChartWindow | None:
        """The first open chart of `symbol`, if any."""
        return next((w for w in self._windows if w.symbol == symbol), None)

    def symbols(self) -> list[str]:
        """Symbols with an open chart, in opening order."""
        return [window.symbol for window in self._windows]

    def layouts(self) -> list[WindowLayout]:
        """Layouts of the open charts, to save."""
        return [window.placement() for window in self._windows]

    def close_all(self) -> None:
        """Close every chart at shutdown (not a layout change: they come back next time)."""
        self._close_windows()
        self._windows.clear()

    def _on_closed(self, window: ChartWindow) -> None:
        if self._forget(window):
            self.layoutChanged.emit()

    def _on_window_link(self, window: ChartWindow, key: str | None) -> None:
        """A chart joined a group: it shows the group's symbol at once, if it has one."""
        symbol = self._hub.symbol(key) if self._hub is not None else None
        if symbol:
            window.set_symbol(symbol)

    def _on_symbol_typed(self, window: ChartWindow, symbol: str) -> None:
        """A linked chart's typed symbol goes to its group: other windows, the docked ladder and
        the watchlist selection of that group follow."""
        if self._hub is not None:
            self._hub.publish(window.link_group(), symbol)

    def _on_published(self, group: str, symbol: str) -> None:
        for window in self._windows:
            if window.link_group() == group:
                window.set_symbol(symbol)

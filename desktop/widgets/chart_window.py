"""A symbol's chart in its own window: 1 m to 1 w candles or a line, volume, VWAP, two moving
averages, previous close, crosshair, pre-/post-market shading and outage breaks.

Each timeframe's history comes from the provider's klines (asked for with `historyWanted`,
delivered with `set_history`); today's live minutes from the domain's `MinuteBarStore` are
folded in on top. `refresh()` is called once per flush for this symbol and redraws at most ten
times a second. The view follows the newest bar until the user pans or zooms; Follow (or End)
brings it back. A chart linked to a colour group follows the group's symbol. The window ties a
`ChartHeader` (quote, buttons, read-out) to a `ChartPlotView` and saves where it is.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.domain.chart_series import (
    MA_FAST,
    MA_SLOW,
    Timeframe,
    arrays_of,
    extended_runs,
    ledger_breaks,
    merge_live,
    moving_average,
    outage_breaks,
    vwap,
)
from desktop.domain.formatting import market_of
from desktop.domain.market_clock import market_local, phase_at, session_segment
from desktop.domain.minute_bars import BarArrays, MinuteBar, MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import MarketSessions
from desktop.domain.symbols import Market
from desktop.domain.window_placement import FrameMargins, WindowLayout
from desktop.qt.truth_monitor import TruthMonitor
from desktop.widgets.chart_header import ChartHeader
from desktop.widgets.chart_items import BarsItem
from desktop.widgets.chart_kinds import CHART_KIND, ChartMode
from desktop.widgets.chart_plot_view import ChartPlotView
from desktop.widgets.popout_manager import layout_of, place
from desktop.widgets.shortcut_sheet import CHART_WINDOW, install_window_keys
from desktop.widgets.truth_chip import TruthBinding, TruthChip

__all__ = ["CHART_KIND", "ChartMode", "ChartWindow"]

_MIN_INTERVAL_S = 0.1


class ChartWindow(QWidget):
    """One symbol's chart; top-level, non-modal, restorable (`placement()` / `restore()`)."""

    closed = Signal(str)
    """The user closed the window (its symbol)."""
    placementChanged = Signal()
    """Moved, resized, or its view settings changed: the layout is worth saving again."""
    historyWanted = Signal(str, object)
    """(symbol, Timeframe): fetch these klines and hand them to `set_history`."""
    symbolChanged = Signal(str, str)
    """(old, new): the chart now shows another symbol (followed from its link group)."""
    symbolTyped = Signal(str)
    """The user typed a symbol into the chart: a linked chart publishes it to its group."""
    linkGroupChanged = Signal(object)
    """The user linked the chart to a group key or pinned it (None)."""

    def __init__(
        self,
        symbol: str,
        bars: MinuteBarStore,
        book: QuoteBook,
        mode: ChartMode = ChartMode.CANDLES,
        parent: QWidget | None = None,
        *,
        timeframe: Timeframe = Timeframe.M1,
        link_group: str | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("chartWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.symbol = symbol
        self._store = bars
        self._book = book
        self._timeframe = timeframe
        self._link_group = link_group
        self._history: dict[Timeframe, BarArrays] = {}
        self._history_version = 0
        self._sessions: MarketSessions | None = None
        self._marks_cache: tuple[tuple[object, ...], list[int], list[tuple[int, int]]] | None = None
        self._follow = True
        self._version: tuple[int, int, int, Timeframe] | None = None
        self._last_draw = 0.0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self.refresh)
        self._header = ChartHeader(symbol, mode, self, timeframe)
        self._header.modeChosen.connect(self._on_mode_chosen)
        self._header.followToggled.connect(self.set_follow)
        self._header.timeframeChosen.connect(self.set_timeframe)
        self._header.linkGroupChosen.connect(self._on_link_chosen)
        self._header.symbolEntered.connect(self._on_symbol_typed)
        self._header.set_timeframe(timeframe)
        self._header.set_link_group(link_group)
        self._plots = ChartPlotView(market_of(symbol), bars.arrays(symbol), self)
        self._plots.set_timeframe(timeframe)
        self._plots.userRangeChanged.connect(self._on_user_range)
        self._plots.hovered.connect(self.show_crosshair)
        self._plots.unhovered.connect(self.hide_crosshair)
        install_window_keys(
            self, CHART_WINDOW, {"follow": lambda: self.set_follow(True), "close": self.close}
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._header)
        layout.addWidget(self._plots, 1)
        self._truth: TruthBinding | None = None
        self.setWindowTitle(self.base_title())
        self.set_mode(mode)
        self.resize(960, 600)
        self.refresh(force=True)

    def base_title(self) -> str:
        """The window title before any demo or replay mark."""
        return f"{self.symbol} — Chart"

    def attach_truth(self, monitor: TruthMonitor) -> TruthBinding:
        """Show the symbol's truth chip, grey the plots when stale, mark demo/replay titles."""
        chip = self._header.truth_chip
        self._truth = TruthBinding(
            monitor, lambda: self.symbol, chip, self._plots, (self, self.base_title)
        )
        return self._truth

    def truth_chip(self) -> TruthChip:
        """The chip in the header (tests read it)."""
        return self._header.truth_chip

    # -- public -------------------------------------------------------------------------------
    def mode(self) -> ChartMode:
        """Candles or line."""
        return self._plots.mode()

    def set_mode(self, mode: ChartMode) -> None:
        """Switch between candles and a line."""
        self._plots.set_mode(mode)
        self._header.set_mode(mode)
        self.placementChanged.emit()

    def timeframe(self) -> Timeframe:
        """The bars' length."""
        return self._timeframe

    def set_timeframe(self, timeframe: Timeframe) -> None:
        """Show bars of another length; asks for their history unless it is here already."""
        if timeframe is self._timeframe:
            return
        self._timeframe = timeframe
        self._header.set_timeframe(timeframe)
        self._plots.set_timeframe(timeframe)
        self._plots.reset_zoom()
        if timeframe not in self._history:
            self.historyWanted.emit(self.symbol, timeframe)
        self.set_follow(True)
        self.refresh(force=True)
        self.placementChanged.emit()

    def request_history(self) -> None:
        """Ask for the current timeframe's klines (the window just opened, or a feed started)."""
        self.historyWanted.emit(self.symbol, self._timeframe)

    def set_history(self, timeframe: Timeframe, bars: Sequence[MinuteBar]) -> None:
        """The provider's bars of one timeframe for this symbol, oldest first."""
        self._history[timeframe] = arrays_of(bars)
        self._history_version += 1
        if timeframe is self._timeframe:
            self.refresh(force=True)

    def set_sessions(self, sessions: MarketSessions | None) -> None:
        """Exchange calendars: pre-/post-market shading, and breaks only inside a session."""
        self._sessions = sessions
        self._history_version += 1
        self.refresh(force=True)

    def link_group(self) -> str | None:
        """The colour group the chart follows (None: pinned to its symbol)."""
        return self._link_group

    def set_link_group(self, key: str | None) -> None:
        """Follow a colour group's symbol from now on (None: keep this symbol)."""
        self._link_group = key
        self._header.set_link_group(key)
        self.placementChanged.emit()

    def set_symbol(self, symbol: str) -> None:
        """Chart another symbol (its history is asked for again)."""
        if symbol == self.symbol:
            return
        old, self.symbol = self.symbol, symbol
        self._history.clear()
        self._history_version += 1
        self._header.set_symbol(symbol)
        self.setWindowTitle(self.base_title())
        if self._truth is not None:
            self._truth.refresh()  # the chip follows the symbol; the title gets its mark back
        self._plots.set_market(market_of(symbol))
        self._plots.reset_zoom()
        self.symbolChanged.emit(old, symbol)
        self.request_history()
        self.set_follow(True)
        self.refresh(force=True)
        self.placementChanged.emit()

    def _on_symbol_typed(self, symbol: str) -> None:
        self.set_symbol(symbol)
        self.symbolTyped.emit(symbol)

    def overlays(self) -> dict[str, object]:
        """What is drawn over the bars (VWAP, averages, breaks, shaded runs), for tests."""
        return self._plots.overlays()

    def crosshair_label(self) -> str:
        """The crosshair's price on the axis."""
        return self._plots.crosshair_label()

    def is_following(self) -> bool:
        """Whether the view keeps the newest bar in sight."""
        return self._follow

    def set_follow(self, follow: bool) -> None:
        """Follow the newest bar (True) or leave the view where the user put it."""
        self._follow = follow
        self._header.set_follow(follow)
        if follow:
            self._plots.show_latest()

    def bar_count(self) -> int:
        """Bars on the chart."""
        return len(self._plots.arrays())

    def candles_item(self) -> BarsItem:
        """The candle item (tests inspect it)."""
        return self._plots.candles_item()

    def readout(self) -> str:
        """The text of the crosshair read-out line."""
        return self._header.readout()

    def refresh(self, force: bool = False) -> None:
        """Redraw from the store if the symbol's bars changed (at most ten times a second)."""
        now = time.monotonic()
        if not force and now - self._last_draw < _MIN_INTERVAL_S:
            if not self._pending.isActive():
                self._pending.start(int((_MIN_INTERVAL_S - (now - self._last_draw)) * 1000) + 1)
            return
        self._last_draw = now
        state = self._book.get(self.symbol)
        self._header.show_quote(state)
        plots = self._plots
        plots.show_levels(state)
        version = (
            self._store.version(self.symbol),
            self._store.outages.version(self.symbol),
            self._history_version,
            self._timeframe,
        )
        if version == self._version and not force:
            return
        self._version = version
        self._draw()
        if self._follow:
            plots.show_latest()
        else:
            plots.fit_y()
        if not plots.crosshair_shown():
            self._set_readout(len(plots.arrays()) - 1)

    def _draw(self) -> None:
        """Join history and live minutes at the timeframe and draw them with their overlays."""
        timeframe, market = self._timeframe, market_of(self.symbol)
        live = self._store.arrays(self.symbol)
        history = self._history.get(timeframe)
        arrays = live if history is None and timeframe is Timeframe.M1 else None
        if arrays is None:
            empty = arrays_of([])
            arrays = merge_live(history if history is not None else empty, live, timeframe, market)
        breaks, extended = self._marks(arrays, timeframe, market, history)
        self._plots.set_bars(
            arrays,
            breaks=breaks,
            extended=extended,
            vwap=vwap(arrays, market) if timeframe.intraday else None,
            averages=(moving_average(arrays.close, MA_FAST), moving_average(arrays.close, MA_SLOW)),
        )

    def _marks(
        self, arrays: BarArrays, timeframe: Timeframe, market: Market, history: BarArrays | None
    ) -> tuple[list[int], list[tuple[int, int]]]:
        """Outage breaks (missing bars, and the gap ledger's outages) and extended-hours runs,
        worked out again only when a bar or an outage is added (a trade into the running bar
        changes neither)."""
        n = len(arrays)
        outages = self._store.outages
        key = (
            self._history_version,
            timeframe,
            n,
            float(arrays.start_s[-1]) if n else 0.0,
            outages.version(self.symbol),
        )
        if self._marks_cache is not None and self._marks_cache[0] == key:
            return self._marks_cache[1], self._marks_cache[2]
        sessions = self._sessions
        segment = None if sessions is None else partial(session_segment, sessions)
        missing = outage_breaks(arrays.start_s, timeframe, market, segment)
        whole_before = float(history.start_s[-1]) if history is not None and len(history) else None
        spans = outages.spans(self.symbol)
        ledger = ledger_breaks(arrays.start_s, timeframe, spans, whole_before)
        breaks = sorted({*missing, *ledger})
        extended: list[tuple[int, int]] = []
        if sessions is not None and timeframe.intraday and market is Market.US:
            extended = extended_runs(arrays.start_s, market, partial(phase_at, sessions))
        self._marks_cache = (key, breaks, extended)
        return breaks, extended

    def _on_link_chosen(self, key: str | None) -> None:
        self.set_link_group(key)
        self.linkGroupChanged.emit(key)

    def _on_user_range(self) -> None:
        if self._follow:
            self.set_follow(False)

    def _on_mode_chosen(self, mode: ChartMode) -> None:
        self.set_mode(mode)
        self._plots.fit_y()

    # -- crosshair ----------------------------------------------------------------------------
    def show_crosshair(self, index: int, price: float | None) -> None:
        """Put the crosshair on bar `index` (and a price level) and read that bar out."""
        self._plots.show_crosshair(index, price)
        self._set_readout(index, price)

    def hide_crosshair(self) -> None:
        """Hide the crosshair; the read-out shows the newest bar again."""
        self._plots.hide_crosshair()
        self._set_readout(len(self._plots.arrays()) - 1)

    def _set_readout(self, index: int, price: float | None = None) -> None:
        arrays = self._plots.arrays()
        if 0 <= index < len(arrays):
            stamp = self._plots.time_at(index) or 0.0
            local = market_local(market_of(self.symbol), int(stamp * 1000))
            when = f"{local:%b %d %H:%M}" if self._timeframe.intraday else f"{local:%a %b %d %Y}"
            self._header.show_bar(arrays, index, stamp, price, when)
        else:
            self._header.show_price(price)

    # -- placement ----------------------------------------------------------------------------
    def placement(self) -> WindowLayout:
        """Where the window is and how it looks, as a `WindowLayout` for the `windows` table."""
        extra = {
            "mode": self.mode().value,
            "follow": self._follow,
            "timeframe": self._timeframe.label,
        }
        return layout_of(self, CHART_KIND, self.symbol, link_group=self._link_group, extra=extra)

    def restore(self, layout: WindowLayout, margins: FrameMargins | None = None) -> None:
        """Apply a saved layout, on its screen if it still exists, else the nearest, fully visible."""
        place(self, layout, margins)
        mode = layout.extra.get("mode")
        known = isinstance(mode, str) and mode in {m.value for m in ChartMode}
        self.set_mode(ChartMode(str(mode)) if known else ChartMode.CANDLES)
        self.set_link_group(layout.link_group)
        self.set_timeframe(Timeframe.from_label(layout.extra.get("timeframe")) or Timeframe.M1)
        self.set_follow(layout.extra.get("follow") is not False)

    # -- events -------------------------------------------------------------------------------
    def moveEvent(self, event: QMoveEvent) -> None:
        """A moved window is a changed layout."""
        super().moveEvent(event)
        self.placementChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A resized window is a changed layout."""
        super().resizeEvent(event)
        self.placementChanged.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Tell the owner, which forgets the window and saves the layout."""
        self._pending.stop()
        self.closed.emit(self.symbol)
        super().closeEvent(event)

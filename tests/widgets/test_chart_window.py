"""ChartWindow: bars from the store, live updates, follow/pan, candles/line, crosshair, placement."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.symbols import Market
from desktop.domain.window_placement import Rect, WindowLayout
from desktop.widgets.chart_items import TimeAxis
from desktop.widgets.chart_window import CHART_KIND, ChartMode, ChartWindow
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)
US_OPEN_S = 1_732_285_800  # Friday 2024-11-22 09:30 in New York
SYMBOL = "AAPL.US"


class Chart:
    """A store with 90 minutes of bars, a book, and the chart window over them."""

    def __init__(self, qtbot: QtBot, minutes: int = 90) -> None:
        self.bars = MinuteBarStore()
        self.book = QuoteBook()
        self.book.track(SYMBOL)
        self.book.add_trade_listener(self.bars.add_trade)
        self.book.apply_reference(
            ReferenceData(SYMBOL, name="Apple Inc.", prev_close=Decimal("100.00")), 0.0
        )
        self.bars.seed(
            SYMBOL,
            [
                MinuteBar(
                    US_OPEN_S + 60 * m,
                    100 + m * 0.1,
                    100.5 + m * 0.1,
                    99.8 + m * 0.1,
                    100.2 + m * 0.1,
                    1000 + m,
                )
                for m in range(minutes)
            ],
        )
        self.minutes = minutes
        self.seq = 0
        self.window = ChartWindow(SYMBOL, self.bars, self.book)  # closed by the fixture
        self.window.resize(900, 560)
        self.window.show()
        qtbot.waitExposed(self.window)

    def trade(self, minute: int, price: str, volume: int = 100) -> None:
        self.seq += 1
        at_ms = (US_OPEN_S + 60 * minute + 5) * 1000
        self.book.apply_tick(
            Tick(SYMBOL, Decimal(price), volume, None, TradeSide.BUY, at_ms, self.seq), 0.0
        )
        self.window.refresh(force=True)

    def x_range(self) -> tuple[float, float]:
        (left, right), _ = self.window._plots._price_plot.getViewBox().viewRange()
        return left, right


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Make `window` the active one, as a click would: its window shortcuts work only then
    (activation is asynchronous on every platform, offscreen too)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)


@pytest.fixture
def chart(qtbot: QtBot) -> Iterator[Chart]:
    made = Chart(qtbot)
    yield made
    if shiboken6.isValid(made.window):  # a test may have closed (and so deleted) it
        made.window.close()


def test_the_chart_shows_todays_bars_and_the_previous_close(chart: Chart) -> None:
    window = chart.window
    assert window.bar_count() == chart.minutes
    assert window.windowTitle() == "AAPL.US — Chart"
    assert window._plots._prev_close_line.value() == pytest.approx(100.0)
    assert "Prev close 100.00" in window._plots._prev_label.toPlainText()
    assert window.readout().startswith("Nov 22 10:59")  # the newest bar when no crosshair is shown


def test_a_live_trade_updates_the_running_bar_without_redrawing_closed_ones(chart: Chart) -> None:
    candles = chart.window.candles_item()
    built = candles.pictures_built
    chart.trade(chart.minutes - 1, "130.00")
    assert chart.window.bar_count() == chart.minutes
    assert candles.pictures_built == built
    assert "C 130.00" in chart.window.readout()
    chart.trade(chart.minutes, "131.00")  # a new minute: the previous bar closes
    assert chart.window.bar_count() == chart.minutes + 1
    assert candles.pictures_built == built + 1


def test_the_view_follows_new_bars_until_the_user_pans(chart: Chart, qtbot: QtBot) -> None:
    window = chart.window
    assert window.is_following()
    left, right = chart.x_range()
    assert left <= chart.minutes - 1 <= right
    view_box = window._plots._price_plot.getViewBox()
    view_box.translateBy(x=-40)
    view_box.sigRangeChangedManually.emit(view_box.state["mouseEnabled"])
    assert not window.is_following()
    panned = chart.x_range()
    chart.trade(chart.minutes + 5, "101.00")
    assert chart.x_range() == pytest.approx(panned)  # stays where the user put it
    window._header._follow_button.click()
    assert window.is_following()
    left, right = chart.x_range()
    assert left < chart.window.bar_count() - 1 < right


def test_the_end_key_follows_again(chart: Chart, qtbot: QtBot) -> None:
    chart.window.set_follow(False)
    activate(qtbot, chart.window)
    qtbot.keyClick(chart.window, Qt.Key.Key_End)
    assert chart.window.is_following()


def test_candles_and_line_toggle(chart: Chart, qtbot: QtBot) -> None:
    window = chart.window
    assert window.mode() is ChartMode.CANDLES
    assert window.candles_item().isVisible() and not window._plots._line.isVisible()
    qtbot.mouseClick(window._header._line_button, Qt.MouseButton.LeftButton)
    assert window.mode() is ChartMode.LINE
    assert window._plots._line.isVisible() and not window.candles_item().isVisible()
    x, y = window._plots._line.getData()
    assert np.allclose(y[:3], [100.2, 100.3, 100.4])


def test_the_crosshair_reads_out_the_bar_and_the_price_under_it(chart: Chart, qtbot: QtBot) -> None:
    window = chart.window
    window.show_crosshair(10, 101.234)
    assert window.readout() == (
        "Nov 22 09:40 ET   O 101.00   H 101.50   L 100.80   C 101.20   V 1,010   │ 101.23"
    )
    assert window.crosshair_label() == "101.23"  # the crosshair's price on the axis
    window.hide_crosshair()
    assert window.readout().startswith("Nov 22 10:59")
    view = window._plots
    point = window._plots._price_plot.getViewBox().mapViewToScene(QPointF(20, 102.0))
    qtbot.mouseMove(view.viewport(), view.mapFromScene(point))
    qtbot.waitUntil(lambda: window.readout().startswith("Nov 22 09:50"), timeout=WAIT_MS)


def test_placement_round_trips_and_escape_closes(chart: Chart, qtbot: QtBot) -> None:
    window = chart.window
    window.set_mode(ChartMode.LINE)
    window.set_follow(False)
    window.setGeometry(40, 30, 700, 450)
    placement = window.placement()
    assert (placement.kind, placement.symbol) == (CHART_KIND, SYMBOL)
    assert placement.extra == {"mode": "line", "follow": False, "timeframe": "1m"}
    assert placement.geometry == Rect(40, 30, 700, 450)
    again = ChartWindow(SYMBOL, chart.bars, chart.book)
    qtbot.addWidget(again)
    again.restore(placement)
    assert again.geometry().getRect() == (40, 30, 700, 450)
    assert again.mode() is ChartMode.LINE and not again.is_following()
    activate(qtbot, window)
    with qtbot.waitSignal(window.closed, timeout=WAIT_MS) as closed:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert closed.args == [SYMBOL]


def test_a_chart_with_no_bars_says_it_is_waiting(qtbot: QtBot) -> None:
    bars, book = MinuteBarStore(), QuoteBook()
    window = ChartWindow("MSFT.US", bars, book)
    qtbot.addWidget(window)
    window.show()
    assert window.bar_count() == 0 and window._plots._empty.isVisible()
    window.restore(WindowLayout(CHART_KIND, "MSFT.US", Rect(10, 10, 600, 400), extra={"mode": "?"}))
    assert window.mode() is ChartMode.CANDLES and window.is_following()
    assert window.readout() == ""


def test_the_time_axis_labels_round_minutes_in_the_markets_zone() -> None:
    axis = TimeAxis(Market.HK)
    hk_open = 1_732_239_000  # 09:30 in Hong Kong
    morning = [hk_open + 60 * m for m in range(150)]  # 09:30–11:59
    afternoon = [hk_open + 3 * 3600 + 30 * 60 + 60 * m for m in range(30)]  # from 13:00
    axis.set_starts(np.array(morning + afternoon, dtype=np.float64))
    assert axis.tickStrings([0.0, 150.0, 179.0], 1.0, 1.0) == ["09:30", "13:00", "13:29"]
    (major, majors), _ = axis.tickValues(0, 179, 600)
    labels = axis.tickStrings(majors, 1.0, major)
    assert "13:00" in labels and all(label.endswith(("00", "30")) for label in labels)
    assert axis.time_at(182) == afternoon[-1] + 3 * 60  # beyond the data: a minute per bar


@pytest.mark.parametrize("width", [620, 900, 1500])
def test_the_read_out_is_never_clipped_it_takes_its_own_line_when_narrow(
    chart: Chart, qtbot: QtBot, width: int
) -> None:
    from desktop.widgets.chart_header import ChartHeader

    window = chart.window
    window.resize(width, 560)
    window.show_crosshair(10, 101.234)
    header = window.findChild(ChartHeader)
    assert header is not None
    label = next(w for w in header.findChildren(QWidget) if w.objectName() == "chartReadout")
    qtbot.waitUntil(lambda: label.width() > 0, timeout=WAIT_MS)
    whole = label.fontMetrics().horizontalAdvance(window.readout())
    assert label.width() >= whole, (width, label.width(), whole)
    if width in (620, 1500):  # 900 depends on the fonts: only "never clipped" holds for it
        assert header.readout_has_own_line() == (width == 620)

"""ChartWindowManager: one window per symbol, per-flush refresh, saved and restored as a set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot

from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.window_placement import Rect, WindowLayout
from desktop.qt.quote_table_model import QuoteTableModel
from desktop.qt.stream_bridge import StreamBridge
from desktop.widgets.chart_header import ChartHeader
from desktop.widgets.chart_window import CHART_KIND, ChartMode, ChartWindow
from desktop.widgets.chart_windows import ChartWindowManager
from desktop.widgets.depth_windows import DEPTH_KIND, DepthWindowManager
from tests.conftest import TIMEOUT_S
from tests.widgets.test_chart_window import activate

WAIT_MS = int(TIMEOUT_S * 1000)


@pytest.fixture
def manager(qtbot: QtBot) -> Iterator[ChartWindowManager]:
    made = ChartWindowManager(MinuteBarStore(), QuoteBook())
    yield made
    made.close_all()


def test_opening_a_symbol_twice_keeps_one_window_and_asks_for_history_once(
    manager: ChartWindowManager, qtbot: QtBot
) -> None:
    opened: list[str] = []
    manager.opened.connect(opened.append)
    with qtbot.waitSignal(manager.layoutChanged, timeout=WAIT_MS):
        first = manager.open("AAPL.US")
    assert manager.open("AAPL.US") is first
    assert opened == ["AAPL.US"] and manager.symbols() == ["AAPL.US"]
    assert first.isVisible()


def test_a_flush_refreshes_only_the_charts_of_changed_symbols(
    manager: ChartWindowManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    aapl, msft = manager.open("AAPL.US"), manager.open("MSFT.US")
    refreshed: list[str] = []
    for window in (aapl, msft):
        monkeypatch.setattr(
            window, "refresh", lambda force=False, w=window: refreshed.append(w.symbol)
        )
    manager.on_frame({"MSFT.US", "NVDA.US"}, 0.0)
    assert refreshed == ["MSFT.US"]


def test_closing_a_chart_is_a_layout_change_but_closing_all_at_quit_is_not(
    manager: ChartWindowManager, qtbot: QtBot
) -> None:
    manager.open("AAPL.US")
    manager.open("MSFT.US")
    changes: list[None] = []
    manager.layoutChanged.connect(lambda: changes.append(None))
    window = manager.window("AAPL.US")
    assert window is not None
    window.close()
    assert changes == [None] and manager.symbols() == ["MSFT.US"]
    manager.close_all()
    assert changes == [None] and manager.symbols() == []


def test_saved_charts_come_back_with_their_settings(manager: ChartWindowManager) -> None:
    saved = [
        WindowLayout(
            CHART_KIND,
            "AAPL.US",
            Rect(20, 30, 640, 420),
            extra={"mode": "line", "follow": False, "timeframe": "15m"},
        ),
        WindowLayout(CHART_KIND, "00700.HK", Rect(60, 70, 600, 400)),
        WindowLayout("depth", "MSFT.US", Rect(60, 70, 600, 400)),  # not a chart: left alone
    ]
    changes: list[None] = []
    manager.layoutChanged.connect(lambda: changes.append(None))
    manager.restore(saved)
    assert manager.symbols() == ["AAPL.US", "00700.HK"]
    layouts = manager.layouts()
    assert [(w.kind, w.symbol, w.extra) for w in layouts] == [
        (
            CHART_KIND,
            "AAPL.US",
            {"mode": ChartMode.LINE.value, "follow": False, "timeframe": "15m"},
        ),
        (
            CHART_KIND,
            "00700.HK",
            {"mode": ChartMode.CANDLES.value, "follow": True, "timeframe": "1m"},
        ),
    ]
    assert layouts[0].geometry == Rect(20, 30, 640, 420)
    assert changes == []  # reopening what was saved is not a change to save


def test_moving_a_chart_saves_the_layout_a_moment_later(
    manager: ChartWindowManager, qtbot: QtBot
) -> None:
    window = manager.open("AAPL.US")
    with qtbot.waitSignal(manager.layoutChanged, timeout=WAIT_MS):
        window.move(window.x() + 40, window.y() + 30)


def test_charts_are_restored_inside_the_screen_frame_included_like_depth_windows(
    qtbot: QtBot,
) -> None:
    main = QMainWindow()
    main.resize(900, 600)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    inner, outer = main.geometry(), main.frameGeometry()
    top, left = inner.top() - outer.top(), inner.left() - outer.left()
    assert top > 0 and left > 0, "the platform draws no frame: nothing to check"
    charts = ChartWindowManager(MinuteBarStore(), QuoteBook(), main_window=main)
    book = QuoteBook()
    bridge = StreamBridge(book, QuoteTableModel(book), frames=lambda: 0)
    ladders = DepthWindowManager(book, bridge, main_window=main)
    try:
        area = main.screen().availableGeometry()
        corner = Rect(area.x(), area.y(), 640, 420)  # saved with its frame off the screen
        charts.restore([WindowLayout(CHART_KIND, "AAPL.US", corner)])
        (depth,) = ladders.restore([WindowLayout(DEPTH_KIND, "AAPL.US", corner)])
        chart = charts.window("AAPL.US")
        assert chart is not None
        expected = QRect(area.x() + left, area.y() + top, 640, 420)
        assert depth.geometry() == expected
        assert chart.geometry() == expected
    finally:
        charts.close_all()
        ladders.shutdown()
        depth.deleteLater()


def type_into_chart(qtbot: QtBot, chart: ChartWindow, text: str) -> None:
    edit = chart.findChild(QLineEdit, "chartSymbolEdit")
    assert edit is not None
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[tuple[ChartWindowManager, DepthWindowManager]]:
    """Charts and ladders on one link hub, wired as the app wires them (minus the feed)."""
    main = QMainWindow()
    qtbot.addWidget(main)
    book = QuoteBook()
    bridge = StreamBridge(book, QuoteTableModel(book), frames=lambda: 0)
    ladders = DepthWindowManager(book, bridge, main_window=main)
    charts = ChartWindowManager(MinuteBarStore(), book, main_window=main)
    charts.set_link_hub(ladders.hub())
    main.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, ladders.dock())
    main.show()
    yield charts, ladders
    charts.close_all()
    ladders.shutdown()
    for window in ladders.windows():
        window.deleteLater()


def test_a_symbol_typed_into_a_linked_chart_moves_its_whole_group(
    desk: tuple[ChartWindowManager, DepthWindowManager], qtbot: QtBot
) -> None:
    charts, ladders = desk
    ladders.follow_selection("AAPL.US")  # the watchlist drives group 1 Blue
    chart = charts.open("AAPL.US")
    chart.set_link_group(ladders.watchlist_group())
    linked = ladders.pop_out("AAPL.US", link_group_key=ladders.watchlist_group())
    other = ladders.pop_out("AAPL.US", link_group_key="purple")
    with qtbot.waitSignal(ladders.watchlistSymbolRequested, timeout=WAIT_MS) as selected:
        type_into_chart(qtbot, chart, "700")
    assert chart.symbol == "00700.HK"
    assert selected.args == ["00700.HK"]  # the watchlist selects it when it is listed
    assert ladders.dock_symbol() == "00700.HK"
    assert linked.symbol() == "00700.HK"
    assert other.symbol() == "AAPL.US"  # another group stays


def test_a_pinned_chart_moves_alone_and_a_bad_symbol_is_refused_in_place(
    desk: tuple[ChartWindowManager, DepthWindowManager], qtbot: QtBot
) -> None:
    charts, ladders = desk
    ladders.follow_selection("AAPL.US")
    chart = charts.open("AAPL.US")
    type_into_chart(qtbot, chart, "msft")
    assert chart.symbol == "MSFT.US"
    assert ladders.dock_symbol() == "AAPL.US"
    assert ladders.hub().symbol(ladders.watchlist_group()) == "AAPL.US"
    type_into_chart(qtbot, chart, "@@")
    assert chart.symbol == "MSFT.US"
    assert chart.findChild(ChartHeader).symbol_problem() != ""


def test_the_symbol_box_does_not_take_the_charts_keys_when_the_window_opens(
    manager: ChartWindowManager, qtbot: QtBot
) -> None:
    chart = manager.open("AAPL.US")
    activate(qtbot, chart)
    edit = chart.findChild(QLineEdit, "chartSymbolEdit")
    assert edit is not None and not edit.hasFocus()
    chart.set_follow(False)
    activate(qtbot, chart)
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.is_following()

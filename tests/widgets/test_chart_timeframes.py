"""Charts at every timeframe: klines asked and drawn, VWAP and averages, breaks, shading, links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.domain.chart_series import Timeframe
from desktop.domain.minute_bars import MinuteBar, MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.sessions import load_exchange_sessions
from desktop.domain.symbols import Market
from desktop.qt.link_groups import LinkGroupHub
from desktop.widgets.chart_items import TimeAxis
from desktop.widgets.chart_window import ChartWindow
from desktop.widgets.chart_windows import ChartWindowManager


def s(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def klines(first_s: int, step_s: int, count: int, gap_after: int | None = None) -> list[MinuteBar]:
    out, at = [], first_s
    for i in range(count):
        price = 100 + i * 0.1
        out.append(MinuteBar(at, price, price + 0.5, price - 0.5, price + 0.2, 1000 + i))
        at += step_s * (6 if i == gap_after else 1)
    return out


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[ChartWindow]:
    made = ChartWindow("AAPL.US", MinuteBarStore(), QuoteBook())
    made.resize(1000, 600)
    made.show()
    qtbot.waitExposed(made)
    yield made
    if shiboken6.isValid(made):
        made.close()


def test_switching_through_every_timeframe_asks_for_its_klines_and_draws_them(
    window: ChartWindow, qtbot: QtBot
) -> None:
    asked: list[tuple[str, Timeframe]] = []
    window.historyWanted.connect(lambda symbol, tf: asked.append((symbol, tf)))
    start = s(2026, 1, 5, 14, 30)
    for timeframe in Timeframe:
        button = window.findChild(object, f"timeframe{timeframe.label}")
        if timeframe is not Timeframe.M1:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
        assert window.timeframe() is timeframe
        window.set_history(timeframe, klines(start, timeframe.seconds, 120))
        assert window.bar_count() == 120
        overlays = window.overlays()
        assert (overlays["vwap"] is not None) == timeframe.intraday
        ma_fast, ma_slow = overlays["ma_fast"], overlays["ma_slow"]
        assert isinstance(ma_fast, np.ndarray) and isinstance(ma_slow, np.ndarray)
        assert np.isnan(ma_fast[18]) and ma_fast[19] == pytest.approx(101.15)
        assert np.isnan(ma_slow[48]) and not np.isnan(ma_slow[49])
    assert asked == [("AAPL.US", tf) for tf in Timeframe if tf is not Timeframe.M1]
    window.set_timeframe(Timeframe.M5)  # already fetched: not asked again
    assert len(asked) == len(Timeframe) - 1 and window.bar_count() == 120
    assert window.placement().extra["timeframe"] == "5m"


def test_a_gap_in_the_bars_inside_a_session_is_drawn_as_a_break(window: ChartWindow) -> None:
    window.set_timeframe(Timeframe.M5)
    window.set_history(Timeframe.M5, klines(s(2026, 1, 5, 15, 0), 300, 40, gap_after=9))
    assert window.overlays()["breaks"] == [10]
    window.set_timeframe(Timeframe.D1)
    window.set_history(Timeframe.D1, klines(s(2026, 1, 5, 5, 0), 86_400, 40, gap_after=9))
    assert window.overlays()["breaks"] == []  # a missing day is a weekend or a holiday


def test_pre_and_post_market_bars_are_shaded_once_calendars_are_known(window: ChartWindow) -> None:
    pre = s(2026, 11, 24, 13, 0)  # 08:00 ET
    window.set_timeframe(Timeframe.H1)
    window.set_history(Timeframe.H1, klines(pre, 3600, 12))  # 08:00 … 19:00 ET
    assert window.overlays()["extended"] == []
    window.set_sessions(load_exchange_sessions(pre * 1000))
    assert window.overlays()["extended"] == [(0, 1), (8, 11)]  # 08–09 and 16–19 ET


def test_the_time_axis_labels_days_and_weeks_at_round_steps() -> None:
    axis = TimeAxis(Market.US)
    axis.set_timeframe(Timeframe.D1)
    days = [
        s(2025, 12, 1, 5) + 86_400 * i
        for i in range(70)
        if datetime.fromtimestamp(s(2025, 12, 1, 5) + 86_400 * i, UTC).weekday() < 5
    ]
    axis.set_starts(np.array(days, dtype=np.float64))
    (_, majors), _ = axis.tickValues(0, len(days) - 1, 120)
    labels = axis.tickStrings(majors, 1.0, 1.0)
    assert labels == ["Dec", "2026", "Feb"]  # one label per month, the year where it turns
    (_, majors), _ = axis.tickValues(0, len(days) - 1, 600)  # zoomed in: the 1st, 11th, 21st
    labels = axis.tickStrings(majors, 1.0, 1.0)
    assert labels[:5] == ["Dec", "Dec 11", "Dec 22", "2026", "Jan 12"]
    axis.set_timeframe(Timeframe.W1)
    weeks = [s(2023, 1, 2, 5) + 7 * 86_400 * i for i in range(160)]
    axis.set_starts(np.array(weeks, dtype=np.float64))
    (_, majors), _ = axis.tickValues(0, len(weeks) - 1, 400)
    labels = axis.tickStrings(majors, 1.0, 1.0)
    assert labels == ["2023", "2024", "2025", "2026"]  # three years of weeks: one per year


def test_a_linked_chart_follows_its_group_and_a_pinned_one_stays(qtbot: QtBot) -> None:
    hub = LinkGroupHub()
    manager = ChartWindowManager(MinuteBarStore(), QuoteBook())
    manager.set_link_hub(hub)
    asked: list[tuple[str, Timeframe]] = []
    manager.historyWanted.connect(lambda symbol, tf: asked.append((symbol, tf)))
    linked = manager.open("AAPL.US")
    pinned = manager.open("MSFT.US")
    for chart in (linked, pinned):
        qtbot.addWidget(chart)
    assert asked == [("AAPL.US", Timeframe.M1), ("MSFT.US", Timeframe.M1)]
    hub.publish("purple", "00700.HK")
    linked.set_link_group("purple")
    linked._on_link_chosen("purple")  # as the header's menu does: follow the group at once
    assert linked.symbol == "00700.HK" and linked.windowTitle().startswith("00700.HK")
    hub.publish("purple", "00005.HK")
    assert linked.symbol == "00005.HK" and pinned.symbol == "MSFT.US"
    assert asked[-1] == ("00005.HK", Timeframe.M1)
    assert manager.layouts()[0].link_group == "purple" and manager.layouts()[1].link_group is None
    manager.deliver_history("00005.HK", Timeframe.M1, klines(s(2026, 1, 5, 2), 60, 30))
    assert linked.bar_count() == 30 and pinned.bar_count() == 0
    manager.close_all()

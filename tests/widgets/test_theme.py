"""Settings → Appearance → Theme: dark, light or the system's, applied live to every open view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from desktop.domain.appearance import Appearance, Theme
from desktop.domain.truth_terms import Truth, TruthVerdict
from desktop.qt.color_roles import ColorSet
from desktop.qt.palette import DARK, LIGHT, colors
from desktop.qt.quote_columns import ColumnId
from desktop.widgets import theme
from desktop.widgets.appearance_box import AppearanceBox, apply_appearance
from desktop.widgets.main_window import MainWindow
from desktop.widgets.truth_chip import TruthChip
from tests.conftest import TIMEOUT_S
from tests.widgets.test_appearance import Board
from tests.widgets.test_chart_window import Chart
from tests.widgets.test_depth_window import make_window
from tests.widgets.test_keyboard import window  # noqa: F401 - the main window, as a fixture

WAIT_MS = int(TIMEOUT_S * 1000)
CHANGE = int(ColumnId.CHANGE)
TEXT_ROLES = (
    "text", "headline", "muted", "dim", "header_text", "status_text", "up", "down", "note",
    "link", "ok", "error", "stale", "alert", "warn", "truth_live", "truth_quiet", "truth_stale",
    "truth_delayed", "truth_halted", "truth_closed", "truth_demo", "truth_replay",
)  # fmt: skip
"""Roles painted as text (numbers, captions, chips)."""
SURFACES = ("background", "window", "alternate", "header")
"""Roles text is painted on: tables, windows, alternate rows, header strips."""


@pytest.fixture(autouse=True)
def default_appearance(qapp: QApplication) -> Iterator[None]:
    """Colours are shared by every view: back to the defaults after each test."""
    yield
    apply_appearance(qapp, Appearance())


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours."""

    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("color_set", [DARK, LIGHT], ids=["dark", "light"])
def test_every_text_role_reads_at_4_5_to_1_on_every_surface_of_its_theme(
    color_set: ColorSet,
) -> None:
    weak = [
        f"{role} on {surface}: {contrast(getattr(color_set, role), getattr(color_set, surface)):.2f}"
        for role in TEXT_ROLES
        for surface in SURFACES
        if contrast(getattr(color_set, role), getattr(color_set, surface)) < 4.5
    ]
    assert weak == []


@pytest.mark.parametrize("color_set", [DARK, LIGHT], ids=["dark", "light"])
def test_prices_read_on_the_selection_and_inside_the_spread(color_set: ColorSet) -> None:
    c = color_set
    for role in ("text", "up", "down", "headline"):
        assert contrast(getattr(c, role), c.inside_spread) >= 4.5, role
        assert contrast(getattr(c, role), c.highlight) >= 4.5, role
    assert contrast(c.highlight_text, c.highlight) >= 4.5


def test_red_up_on_the_light_theme_swaps_two_colours_that_both_read_on_white(
    qapp: QApplication,
) -> None:
    from desktop.domain.appearance import ColorConvention
    from desktop.qt.quote_columns import DOWN_COLOR, UP_COLOR

    apply_appearance(qapp, Appearance(convention=ColorConvention.RED_UP, theme=Theme.LIGHT))
    assert QColor(LIGHT.down) == UP_COLOR and QColor(LIGHT.up) == DOWN_COLOR


def test_the_style_sheet_template_fills_every_role_and_nothing_is_left_over() -> None:
    for color_set in (DARK, LIGHT):
        sheet = theme.style_sheet(color_set)
        assert "QHeaderView::section" in sheet
        assert "$" not in sheet
        assert color_set.header in sheet and color_set.border in sheet


def test_follow_system_takes_the_operating_systems_choice(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theme, "system_prefers_light", lambda app: True)
    assert theme.theme_colors(qapp, Theme.SYSTEM) is LIGHT
    monkeypatch.setattr(theme, "system_prefers_light", lambda app: False)
    assert theme.theme_colors(qapp, Theme.SYSTEM) is DARK
    assert theme.theme_colors(qapp, Theme.LIGHT) is LIGHT


def _corner(table: QTableView) -> QColor:
    """The colour just inside a table's viewport (its background, under no cell text)."""
    image = table.viewport().grab().toImage()
    return image.pixelColor(image.width() - 3, image.height() - 3)


def test_choosing_light_recolours_the_open_table_ladder_pop_out_chart_and_chips_at_once(
    qapp: QApplication,
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811 - the fixture imported above
) -> None:
    apply_appearance(qapp, Appearance())
    menu_bar = window.menuBar()
    assert menu_bar.grab().toImage().pixelColor(menu_bar.width() - 3, 3).lightness() < 60
    board = Board(qtbot)
    board.trade("AAPL.US", "103.50", now=0.0)
    ladder = make_window(qtbot)
    ladder_table = ladder.findChild(QTableView, "ladderTable")
    assert ladder_table is not None
    chart = Chart(qtbot)
    chip = TruthChip()
    qtbot.addWidget(chip)
    chip.show_verdict(TruthVerdict(Truth.LIVE))
    assert board.background("MSFT.US", CHANGE).lightness() < 60
    assert _corner(ladder_table).lightness() < 60
    assert chart.window._plots.backgroundBrush().color() == QColor(DARK.background)
    up_before = board.ink("AAPL.US", CHANGE)

    box = AppearanceBox()
    qtbot.addWidget(box)
    box.changed.connect(lambda appearance: apply_appearance(qapp, appearance))
    box.theme_box.setCurrentIndex(box.theme_box.findData(Theme.LIGHT))

    assert colors() is LIGHT
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(LIGHT.window)
    assert window.palette().color(QPalette.ColorRole.Window) == QColor(LIGHT.window)
    qtbot.waitUntil(
        lambda: menu_bar.grab().toImage().pixelColor(menu_bar.width() - 3, 3).lightness() > 200,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: board.background("MSFT.US", CHANGE).lightness() > 200, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _corner(ladder_table).lightness() > 200, timeout=WAIT_MS)
    assert chart.window._plots.backgroundBrush().color() == QColor(LIGHT.background)
    up_after = board.ink("AAPL.US", CHANGE)
    assert up_after.value() < up_before.value()  # the up green darkened to read on white
    assert LIGHT.truth_live in chip.styleSheet() and DARK.truth_live not in chip.styleSheet()
    chart.window.close()


def test_the_theme_is_stored_with_the_other_choices_and_a_bad_value_falls_back_to_dark() -> None:
    light = Appearance(theme=Theme.SYSTEM)
    assert Appearance.from_json(light.to_json()) == light
    assert Appearance.from_json('{"theme": "sepia", "flash": "subtle"}').theme is Theme.DARK


def test_time_and_sales_writes_its_prints_in_the_new_colours_after_a_switch(
    qapp: QApplication,
) -> None:
    from PySide6.QtGui import QFont

    from desktop.qt.quote_columns import DOWN_BRUSH, UP_BRUSH
    from desktop.widgets.tape_delegate import TapeDelegate

    delegate = TapeDelegate(QFont())
    assert delegate.pen_for(UP_BRUSH).color() == QColor(DARK.up)
    apply_appearance(qapp, Appearance(theme=Theme.LIGHT))
    assert delegate.pen_for(UP_BRUSH).color() == QColor(LIGHT.up)
    assert delegate.pen_for(DOWN_BRUSH).color() == QColor(LIGHT.down)

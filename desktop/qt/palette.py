"""The two colour sets and the active one: `colors()` is what every painter asks.

`activate` swaps the set and recolours the shared pens and brushes made by `live_*`; after a
change `theme_notifier().changed` tells widgets that built style sheets or pens from the old set
to rebuild them (`follow_theme`); `with_alpha` makes translucent variants.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QPen

from desktop.qt.color_roles import ColorSet

__all__ = [
    "DARK",
    "LIGHT",
    "ColorSet",
    "Role",
    "ThemeNotifier",
    "activate",
    "colors",
    "follow_theme",
    "live_brush",
    "live_color",
    "live_pen",
    "theme_notifier",
    "with_alpha",
]

DARK = ColorSet(
    name="dark",
    tint=1.0,
    background="#12151a",
    window="#1b1f25",
    alternate="#171b21",
    header="#161a1f",
    raised="#262c35",
    button="#242a32",
    hover="#2c333c",
    mid="#22272e",
    dark="#0c0e12",
    shadow="#000000",
    border="#2e353f",
    edge="#3a424d",
    text="#d6dbe2",
    headline="#e8ebef",
    bright="#f3f5f7",
    white="#ffffff",
    muted="#8b95a3",
    dim="#858e9b",
    disabled="#5a626d",
    disabled_text="#7d8590",
    highlight="#14355a",
    highlight_inactive="#172c42",
    checked_edge="#2f6ea8",
    link="#58a6ff",
    link_visited="#bc8cff",
    up="#2ec7a6",
    down="#ff7b45",
    notice="#609cff",
    note="#e3b341",
    alert="#f5b942",
    alert_armed="#6f7a88",
    warn="#f0b429",
    ok="#3fb950",
    stale="#e3a008",
    error="#f85149",
    error_background="#3a1d1f",
    stale_background="#33290f",
    banner_text="#e6e9ee",
    primary="#1f6feb",
    primary_hover="#388bfd",
    primary_disabled="#243447",
    info_background="#16324a",
    info_edge="#2f6f9f",
    info_text="#d7e9f7",
    toast="#232a33",
    toast_text="#c4ccd6",
    inside_spread="#1f242b",
    neutral_tile="#2b323c",
    replay="#6f42c1",
    demo="#c2185b",
    average_fast="#56b4e9",
    vwap="#f0e442",
    average_slow="#cc79a7",
    highlight_text="#ffffff",
    header_text="#8b95a3",
    status_text="#b7c0cc",
    scroll_track="#12151a",
    scroll_handle="#343b46",
    scroll_hover="#4a5360",
    grid="#1f242b",
    tab_hover="#1d2229",
    separator="#232830",
    menu="#1f242b",
    section_hover="#232932",
    shade="#0c0e12",
    notice_info="#16263a",
    notice_warning="#2e2510",
    notice_error="#3a1618",
    notice_question="#21262d",
    glyph_text="#0d1117",
    truth_live="#3fb950",
    truth_quiet="#8b95a3",
    truth_stale="#f0883e",
    truth_delayed="#d29922",
    truth_halted="#f85149",
    truth_closed="#848d97",
    truth_demo="#a371f7",
    truth_replay="#58a6ff",
)
"""Dark surfaces, light text: the board as it has always looked."""

LIGHT = ColorSet(
    name="light",
    tint=0.6,
    background="#ffffff",
    window="#f3f4f6",
    alternate="#f6f8fa",
    header="#eceff3",
    raised="#e8ebef",
    button="#fbfbfc",
    hover="#e6e9ed",
    mid="#d0d5db",
    dark="#1f2328",
    shadow="#8c959f",
    border="#d5dae0",
    edge="#bfc6ce",
    text="#1f2328",
    headline="#0d1117",
    bright="#ffffff",
    white="#ffffff",
    muted="#59636e",
    dim="#656d76",
    disabled="#8c959f",
    disabled_text="#eef2f6",
    highlight="#dde9f7",
    highlight_inactive="#e1e8f0",
    checked_edge="#0969da",
    link="#0969da",
    link_visited="#8250df",
    up="#08745d",
    down="#b3390a",
    notice="#0969da",
    note="#875c00",
    alert="#875c00",
    alert_armed="#6e7781",
    warn="#875c00",
    ok="#177332",
    stale="#875c00",
    error="#cf222e",
    error_background="#ffebe9",
    stale_background="#fff8c5",
    banner_text="#1f2328",
    primary="#0969da",
    primary_hover="#0860ca",
    primary_disabled="#94bff0",
    info_background="#ddf4ff",
    info_edge="#54aeff",
    info_text="#0a3069",
    toast="#ffffff",
    toast_text="#1f2328",
    inside_spread="#eef1f5",
    neutral_tile="#c9d0d8",
    replay="#6f42c1",
    demo="#c2185b",
    average_fast="#0072b2",
    vwap="#b08800",
    average_slow="#b4508e",
    highlight_text="#1f2328",
    header_text="#59636e",
    status_text="#3d444d",
    scroll_track="#f3f4f6",
    scroll_handle="#c4cad1",
    scroll_hover="#a7afb8",
    grid="#eceff2",
    tab_hover="#e9ecf0",
    separator="#e3e7eb",
    menu="#ffffff",
    section_hover="#e6e9ed",
    shade="#a7afb8",
    notice_info="#ddf4ff",
    notice_warning="#fff8c5",
    notice_error="#ffebe9",
    notice_question="#eef1f5",
    glyph_text="#ffffff",
    truth_live="#177332",
    truth_quiet="#59636e",
    truth_stale="#a34200",
    truth_delayed="#875c00",
    truth_halted="#cf222e",
    truth_closed="#656d76",
    truth_demo="#7040c8",
    truth_replay="#0969da",
)
"""White surfaces, dark text; up/down and state colours darkened to read on white."""


class ThemeNotifier(QObject):
    """Tells widgets that the active colour set changed, so they rebuild what they cached."""

    changed = Signal()
    """The board's colours changed (theme or up/down convention): rebuild what was cached."""


class _Follower(QObject):
    """Runs `apply` on every theme change for as long as its parent lives."""

    def __init__(self, parent: QObject, apply: Callable[[], None]) -> None:
        super().__init__(parent)
        self._apply = apply
        theme_notifier().changed.connect(self._run)

    @Slot()
    def _run(self) -> None:
        self._apply()


Role = Callable[[ColorSet], str]
"""Picks one role from a set, e.g. `lambda c: c.text`."""

_active = DARK
_notifier: ThemeNotifier | None = None
_live: list[tuple[QColor | QBrush | QPen, Role, int]] = []


def colors() -> ColorSet:
    """The active colour set."""
    return _active


def theme_notifier() -> ThemeNotifier:
    """The one notifier of colour-set changes (made on first use, after QApplication exists)."""
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def activate(color_set: ColorSet) -> None:
    """Make `color_set` the active one and recolour the live pens and brushes in place.

    `board_colors.apply_colors` calls this, then announces the change once the up/down
    colours are set too."""
    global _active
    if color_set == _active:
        return
    _active = color_set
    for held, role, alpha in _live:
        color = with_alpha(role(color_set), alpha)
        if isinstance(held, QColor):
            held.setRgba(color.rgba())
        else:
            held.setColor(color)


def follow_theme(owner: QObject, apply: Callable[[], None]) -> None:
    """Run `apply` now and after every theme change while `owner` exists (restyle, re-pen)."""
    apply()
    _Follower(owner, apply)


def live_color(role: Role, alpha: int = 255) -> QColor:
    """A shared colour of `role` that follows the theme in place (for module-level constants)."""
    made = with_alpha(role(_active), alpha)
    _live.append((made, role, alpha))
    return made


def live_brush(role: Role, alpha: int = 255) -> QBrush:
    """A shared brush of `role` that follows the theme in place."""
    made = QBrush(with_alpha(role(_active), alpha))
    _live.append((made, role, alpha))
    return made


def live_pen(role: Role, alpha: int = 255) -> QPen:
    """A shared pen of `role` that follows the theme in place."""
    made = QPen(with_alpha(role(_active), alpha))
    _live.append((made, role, alpha))
    return made


def with_alpha(color: str, alpha: int) -> QColor:
    """`color` with an alpha of `alpha` (0–255)."""
    made = QColor(color)
    made.setAlpha(alpha)
    return made

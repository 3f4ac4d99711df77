"""The watchlist's columns (title, width, format, sort key) and how a cell looks (colours, glyphs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.formatting import (
    format_change,
    format_change_pct,
    format_exact,
    format_price,
    format_size,
    format_time_zoned,
    format_volume,
)
from desktop.domain.quote_book import QuoteState
from desktop.domain.sparklines import SparklineStore
from desktop.domain.symbols import Market
from desktop.qt.glance_columns import GLANCE_COLUMNS
from desktop.qt.palette import colors, live_color, with_alpha
from desktop.qt.quote_column_spec import ColumnId, QuoteColumn, SortKey

__all__ = [
    "BADGE_ARMED",
    "BADGE_FIRED",
    "BELL",
    "DIM_BRUSH",
    "DOWN_BRUSH",
    "DOWN_COLOR",
    "DOWN_GLYPH",
    "FLASH_DOWN_BRUSHES",
    "FLASH_NOTICE_BRUSHES",
    "FLASH_STEP_S",
    "FLASH_UP_BRUSHES",
    "QUOTE_COLUMNS",
    "UP_BRUSH",
    "UP_COLOR",
    "UP_GLYPH",
    "ColumnId",
    "QuoteCell",
    "QuoteColumn",
    "SortKey",
    "SparkCell",
    "column_for_key",
    "flash_step",
]


UP_GLYPH = "▲"
DOWN_GLYPH = "▼"
BELL = "\U0001f514"
"""Spoken/copied form of the alert badge (the delegate draws its own bell: fonts often lack it)."""
BADGE_ARMED = 1
"""The symbol has alerts switched on."""
BADGE_FIRED = 2
"""One of the symbol's alerts fired recently."""

FLASH_STEP_S = 0.2
"""A flash fades in three steps of this length (0.6 s in all)."""
_FLASH_STEPS = 3

# Colour-blind-friendlier pair: a blue-ish green for up, an orange-ish red for down.
UP_COLOR = QColor(colors().up)
DOWN_COLOR = QColor(colors().down)
_DIM_COLOR = live_color(lambda c: c.dim)
UP_BRUSH = QBrush(UP_COLOR)
DOWN_BRUSH = QBrush(DOWN_COLOR)
DIM_BRUSH = QBrush(_DIM_COLOR)
_FLASH_ALPHAS = (80, 46, 20)
FLASH_UP_BRUSHES = tuple(QBrush(with_alpha(colors().up, alpha)) for alpha in _FLASH_ALPHAS)
FLASH_DOWN_BRUSHES = tuple(QBrush(with_alpha(colors().down, alpha)) for alpha in _FLASH_ALPHAS)
FLASH_NOTICE_BRUSHES = tuple(QBrush(with_alpha(colors().notice, alpha)) for alpha in _FLASH_ALPHAS)
"""A whole row flashes blue: "this symbol was just added" or "it is already on the list"."""


@dataclass(slots=True, eq=False)
class QuoteCell:  # not frozen: frozen dataclasses construct twice as slowly
    """One preformatted cell as the delegate paints it; read-only by convention, no ▲▼ in `text`."""

    text: str
    display: str
    """`text` plus the glyph, for DisplayRole (default delegates, accessibility)."""
    alignment: Qt.AlignmentFlag
    align_right: bool
    numeric: bool
    """Draw with the monospace digits font."""
    fg: QBrush | None
    """Text brush; None means the palette's text colour."""
    bg: QBrush | None
    """Flash brush (translucent, painted over the row background); None when not flashing."""
    glyph: str = ""
    glyph_fg: QBrush | None = None
    badge: int = 0
    """Alert badge on the Symbol cell: 0 none, `BADGE_ARMED` or `BADGE_FIRED`."""


@dataclass(slots=True, eq=False)
class SparkCell:
    """What the Trend cell's delegate needs: whose line, which version of it, the baseline."""

    symbol: str
    version: int
    prev_close: float | None
    store: SparklineStore


def flash_step(age: float) -> int:
    """Fade step of a flash `age` seconds old: 0, 1, 2, or -1 once it has expired."""
    if age >= FLASH_STEP_S * _FLASH_STEPS:
        return -1
    return max(0, int(age / FLASH_STEP_S))


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _price(field: str) -> Callable[[QuoteState, Market], str]:
    def fmt(state: QuoteState, market: Market) -> str:
        return format_price(market, getattr(state, field))

    return fmt


def _price_key(field: str) -> Callable[[QuoteState], SortKey]:
    def key(state: QuoteState) -> SortKey:
        return _number(getattr(state, field))

    return key


def _size(field: str) -> Callable[[QuoteState, Market], str]:
    def fmt(state: QuoteState, market: Market) -> str:
        return format_size(getattr(state, field))

    return fmt


def _volume_text(state: QuoteState, market: Market) -> str:
    return format_volume(state.volume) if state.volume or state.last is not None else ""


def _volume_key(state: QuoteState) -> SortKey:
    return float(state.volume) if state.volume or state.last is not None else None


def _volume_tooltip(state: QuoteState, market: Market) -> str:
    return (
        f"Volume {format_exact(state.volume)} shares\n"
        f"Turnover {format_exact(state.turnover)} {market.currency}"
        f" ({format_volume(state.turnover)})"
    )


def _name_tooltip(state: QuoteState, market: Market) -> str:
    return state.name


def _symbol_tooltip(state: QuoteState, market: Market) -> str:
    place = "Hong Kong" if market is Market.HK else "United States"
    return f"{state.name}\n{place} · {market.currency}" if state.name else place


def _ext_text(state: QuoteState, market: Market) -> str:
    """ "101.50 +1.50": the extended-hours price and its own change against the regular close."""
    if state.ext_last is None:
        return ""
    change = format_change(market, state.ext_last, state.regular_close)
    return f"{format_price(market, state.ext_last)} {change}".rstrip()


def _ext_tooltip(state: QuoteState, market: Market) -> str:
    if state.ext_last is None:
        return "No pre- or post-market trade since the regular session"
    return (
        f"Extended hours {format_price(market, state.ext_last)} at "
        f"{format_time_zoned(state.ext_time_ms, market)}: "
        f"{format_change(market, state.ext_last, state.regular_close)} "
        f"({format_change_pct(state.ext_change_pct)}) against the regular close "
        f"{format_price(market, state.regular_close)}"
    )


_QUOTE_COLUMNS: tuple[QuoteColumn, ...] = (  # the quote itself; the glance columns follow
    QuoteColumn(
        ColumnId.SYMBOL,
        "symbol",
        "Symbol",
        "Symbol (code.market)",
        False,
        88,
        format=lambda s, m: s.symbol,
        sort_key=lambda s: s.symbol,
        cell_tooltip=_symbol_tooltip,
    ),
    QuoteColumn(
        ColumnId.NAME,
        "name",
        "Name",
        "Company name",
        False,
        170,
        format=lambda s, m: s.name,
        sort_key=lambda s: s.name.casefold() or None,
        cell_tooltip=_name_tooltip,
    ),
    QuoteColumn(
        ColumnId.LAST,
        "last",
        "Last",
        "Last trade price; ▲/▼ shows the direction of the last move",
        True,
        96,
        format=_price("last"),
        sort_key=_price_key("last"),
        flash=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.CHANGE,
        "change",
        "Chg",
        "Change since the previous close",
        True,
        78,
        format=lambda s, m: format_change(m, s.last, s.prev_close),
        sort_key=lambda s: _number(s.change),
        signed=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.CHANGE_PCT,
        "change_pct",
        "Chg %",
        "Change since the previous close, in per cent",
        True,
        78,
        format=lambda s, m: format_change_pct(s.change_pct),
        sort_key=lambda s: _number(s.change_pct),
        signed=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.TREND,
        "trend",
        "Trend",
        "Today's price path (10-second points) against the previous close (dotted); "
        "sorts by change %",
        False,
        96,
        format=lambda s, m: "",
        sort_key=lambda s: _number(s.change_pct),
    ),
    QuoteColumn(
        ColumnId.BID,
        "bid",
        "Bid",
        "Best bid price",
        True,
        84,
        format=_price("bid"),
        sort_key=_price_key("bid"),
        flash=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.ASK,
        "ask",
        "Ask",
        "Best ask price",
        True,
        84,
        format=_price("ask"),
        sort_key=_price_key("ask"),
        flash=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.BID_SIZE,
        "bid_size",
        "Bid Size",
        "Shares at the best bid",
        True,
        80,
        format=_size("bid_size"),
        sort_key=_price_key("bid_size"),
    ),
    QuoteColumn(
        ColumnId.ASK_SIZE,
        "ask_size",
        "Ask Size",
        "Shares at the best ask",
        True,
        80,
        format=_size("ask_size"),
        sort_key=_price_key("ask_size"),
    ),
    QuoteColumn(
        ColumnId.VOLUME,
        "volume",
        "Volume",
        "Shares traded today (hover for turnover)",
        True,
        84,
        format=_volume_text,
        sort_key=_volume_key,
        cell_tooltip=_volume_tooltip,
    ),
    QuoteColumn(
        ColumnId.OPEN,
        "open",
        "Open",
        "Today's opening price",
        True,
        84,
        format=_price("open"),
        sort_key=_price_key("open"),
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.HIGH,
        "high",
        "High",
        "Today's high",
        True,
        84,
        format=_price("high"),
        sort_key=_price_key("high"),
        flash=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.LOW,
        "low",
        "Low",
        "Today's low",
        True,
        84,
        format=_price("low"),
        sort_key=_price_key("low"),
        flash=True,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.TIME,
        "time",
        "Time",
        "Exchange time of the last trade in the market's own zone (ET for US, HKT for Hong Kong), "
        "or the quote's state and age",
        True,
        112,
        format=lambda s, m: format_time_zoned(s.last_time_ms, m),
        sort_key=lambda s: _number(s.last_time_ms),
    ),
    QuoteColumn(
        ColumnId.SESSION,
        "session",
        "Session",
        "The market's session: PRE, RTH (regular hours), HALF-DAY, LUNCH, POST or CLOSED "
        "(a symbol with no pre-/post-market trade yet says CLOSED)",
        False,
        66,
        format=lambda s, m: s.session,
        sort_key=lambda s: s.session or None,
    ),
    QuoteColumn(
        ColumnId.EXT,
        "ext",
        "Ext",
        "Pre-/post-market price and its own change against the regular close (US)",
        True,
        122,
        format=_ext_text,
        sort_key=lambda s: _number(s.ext_change_pct),
        signed=True,
        cell_tooltip=_ext_tooltip,
    ),
)


QUOTE_COLUMNS: tuple[QuoteColumn, ...] = (*_QUOTE_COLUMNS, *GLANCE_COLUMNS)
"""Every watchlist column in `ColumnId` order."""

_BY_KEY = {column.key: column for column in QUOTE_COLUMNS}


def column_for_key(key: str) -> QuoteColumn | None:
    """The column with a saved-layout key, or None when the key is unknown."""
    return _BY_KEY.get(key)

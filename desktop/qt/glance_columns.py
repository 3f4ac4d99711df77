"""The columns traders glance at beside the quote: turnover, VWAP, previous close, change from the
open, relative volume, where the price sits in the day's range, and the 52-week range."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from desktop.domain.formatting import (
    format_change,
    format_change_pct,
    format_exact,
    format_price,
    format_volume,
)
from desktop.domain.quote_book import QuoteState
from desktop.domain.symbols import Market
from desktop.qt.quote_column_spec import ColumnId, QuoteColumn, SortKey

__all__ = ["GLANCE_COLUMNS"]


def _vwap_tooltip(state: QuoteState, market: Market) -> str:
    vwap = state.vwap
    if vwap is None:
        return ""
    return (
        f"VWAP {vwap:.4f} {market.currency}: turnover {format_exact(state.turnover)} "
        f"over {format_exact(state.volume)} shares"
    )


def _open_change_text(state: QuoteState, market: Market) -> str:
    return format_change_pct(state.change_from_open_pct)


def _open_change_tooltip(state: QuoteState, market: Market) -> str:
    if state.open is None or state.last is None:
        return ""
    return (
        f"Open {format_price(market, state.open)} → last {format_price(market, state.last)}: "
        f"{format_change(market, state.last, state.open)} "
        f"({format_change_pct(state.change_from_open_pct)})"
    )


def _rel_volume_text(state: QuoteState, market: Market) -> str:
    ratio = state.rel_volume
    return "" if ratio is None else f"{ratio:,.2f}×"


def _rel_volume_tooltip(state: QuoteState, market: Market) -> str:
    if state.usual_volume is None or state.avg_volume is None:
        return "Relative volume needs the symbol's daily bars (not loaded yet)"
    return (
        f"{format_exact(state.volume)} shares so far against "
        f"{format_exact(round(state.usual_volume))} usually traded by this time of day\n"
        f"(average day {format_exact(round(state.avg_volume))} shares)"
    )


def _range_text(state: QuoteState, market: Market) -> str:
    position = state.range_position
    return "" if position is None else f"{position:.0f}%"


def _range_tooltip(state: QuoteState, market: Market) -> str:
    if state.range_position is None:
        return ""
    return (
        f"Last {format_price(market, state.last)} in today's range "
        f"{format_price(market, state.low)} – {format_price(market, state.high)}: "
        "0% is the low, 100% the high"
    )


def _week52_tooltip(state: QuoteState, market: Market) -> str:
    if state.year_high is None:
        return "From daily bars (not loaded yet), including today"
    return (
        f"52 weeks: high {format_price(market, state.week52_high)}, "
        f"low {format_price(market, state.week52_low)} (daily bars, including today)"
    )


def _turnover_tooltip(state: QuoteState, market: Market) -> str:
    return f"Turnover {format_exact(state.turnover)} {market.currency}"


def _turnover_text(state: QuoteState, market: Market) -> str:
    return format_volume(state.turnover) if state.turnover else ""


def _key(value: Callable[[QuoteState], Decimal | float | None]) -> Callable[[QuoteState], SortKey]:
    def key(state: QuoteState) -> SortKey:
        got = value(state)
        return None if got is None else float(got)

    return key


GLANCE_COLUMNS: tuple[QuoteColumn, ...] = (
    QuoteColumn(
        ColumnId.TURNOVER,
        "turnover",
        "Turnover",
        "Value traded today (price × shares) in the market's currency",
        True,
        84,
        format=_turnover_text,
        sort_key=lambda s: float(s.turnover) if s.turnover else None,
        cell_tooltip=_turnover_tooltip,
    ),
    QuoteColumn(
        ColumnId.VWAP,
        "vwap",
        "VWAP",
        "Volume-weighted average price today: turnover ÷ volume",
        True,
        84,
        format=lambda s, m: format_price(m, s.vwap),
        sort_key=_key(lambda s: s.vwap),
        cell_tooltip=_vwap_tooltip,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.PREV_CLOSE,
        "prev_close",
        "Prev Close",
        "Previous session's closing price",
        True,
        84,
        format=lambda s, m: format_price(m, s.prev_close),
        sort_key=_key(lambda s: s.prev_close),
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.CHANGE_OPEN,
        "change_open",
        "Chg Open %",
        "Change since today's open, in per cent (hover for the prices)",
        True,
        84,
        format=_open_change_text,
        sort_key=_key(lambda s: s.change_from_open_pct),
        signed=True,
        cell_tooltip=_open_change_tooltip,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.REL_VOLUME,
        "rel_volume",
        "Rel Vol",
        "Relative volume: shares so far ÷ the symbol's usual volume by this time of day "
        "(20-day average, daily bars)",
        True,
        72,
        format=_rel_volume_text,
        sort_key=_key(lambda s: s.rel_volume),
        cell_tooltip=_rel_volume_tooltip,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.RANGE_POS,
        "range_pos",
        "Range %",
        "Where the last price sits in today's range: 0% at the low, 100% at the high",
        True,
        68,
        format=_range_text,
        sort_key=_key(lambda s: s.range_position),
        cell_tooltip=_range_tooltip,
    ),
    QuoteColumn(
        ColumnId.HIGH_52W,
        "high_52w",
        "52W High",
        "Highest price of the last 52 weeks, today included",
        True,
        84,
        format=lambda s, m: format_price(m, s.week52_high) if s.year_high is not None else "",
        sort_key=_key(lambda s: s.week52_high if s.year_high is not None else None),
        cell_tooltip=_week52_tooltip,
        decimal_align=True,
    ),
    QuoteColumn(
        ColumnId.LOW_52W,
        "low_52w",
        "52W Low",
        "Lowest price of the last 52 weeks, today included",
        True,
        84,
        format=lambda s, m: format_price(m, s.week52_low) if s.year_low is not None else "",
        sort_key=_key(lambda s: s.week52_low if s.year_low is not None else None),
        cell_tooltip=_week52_tooltip,
        decimal_align=True,
    ),
)

"""The colour roles of the board: one named colour per job, filled by a dark and a light set.

Every painter and style sheet asks for a role (`colors().text`), never a literal colour, so a
theme is one `ColorSet` value and switching themes repaints with the other one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ColorSet"]


@dataclass(frozen=True, slots=True)
class ColorSet:
    """The colours of one theme by role; each is a `#rrggbb` string for style sheets and `QColor`."""

    name: str
    """"dark" or "light": the style sheet and the QPalette are built to match."""
    tint: float
    """How strong flashes and ladder tints are: the same alpha shows more on white than on black."""
    background: str
    """Tables, plots, inputs: the darkest surface text sits on."""
    window: str
    """Window and toolbar background."""
    alternate: str
    """Alternate table rows."""
    header: str
    """The ladder's header strip."""
    raised: str
    """Tooltips and dividers: one step above the window."""
    button: str
    """Buttons."""
    hover: str
    """A hovered tool button (the palette's Midlight)."""
    mid: str
    """The palette's Mid shade."""
    dark: str
    """Dark text on light tiles and price labels (the heatmap, the chart's last price)."""
    shadow: str
    """The palette's Shadow."""
    border: str
    """Frames, grid and axis lines."""
    edge: str
    """Input and panel edges (the palette's Light)."""
    text: str
    """Body text and numbers."""
    headline: str
    """A title that stands out (the ladder's symbol)."""
    bright: str
    """Text on coloured tiles; the selected tile's outline."""
    white: str
    """Text on strong colour (badges, the default button)."""
    muted: str
    """Secondary text: captions, hints, axes, a flat line."""
    dim: str
    """Stale or unavailable values."""
    disabled: str
    """Disabled text."""
    disabled_text: str
    """A disabled default button's text."""
    highlight: str
    """The selection."""
    highlight_inactive: str
    """The selection of an inactive window."""
    checked_edge: str
    """The edge of a checked tool button."""
    link: str
    """Links and accents."""
    link_visited: str
    """Visited links."""
    up: str
    """A price above the previous close, an up tick, a done check."""
    down: str
    """A price below the previous close, a down tick, a problem accent."""
    notice: str
    """A flash that is neither up nor down (a changed size, a new row)."""
    note: str
    """A caveat on a ladder (depth unavailable, invalid symbol)."""
    alert: str
    """Alerts: a fired bell, the tray badge, the default toast accent."""
    alert_armed: str
    """An armed bell that has not fired."""
    warn: str
    """A performance figure over its budget."""
    ok: str
    """Connected, saved, passed."""
    stale: str
    """Reconnecting, session-only, behind: needs attention soon."""
    error: str
    """Failed, disconnected, recording."""
    error_background: str
    """Behind an error banner."""
    stale_background: str
    """Behind a session-only notice."""
    banner_text: str
    """Text on a warning or error banner."""
    primary: str
    """The default button; a focused input's edge."""
    primary_hover: str
    """The default button hovered; its edge."""
    primary_disabled: str
    """The default button disabled."""
    info_background: str
    """Behind the reconnect banner."""
    info_edge: str
    """The reconnect banner's edge."""
    info_text: str
    """Text on the reconnect banner."""
    toast: str
    """Behind a toast."""
    toast_text: str
    """A toast's message."""
    inside_spread: str
    """Ladder rows inside the spread."""
    neutral_tile: str
    """A heatmap tile with no change."""
    replay: str
    """The replay badge."""
    demo: str
    """The demo-data badge."""
    vwap: str
    """The chart's VWAP line (Okabe-Ito yellow, darkened on white)."""
    average_fast: str
    """The chart's fast moving average (Okabe-Ito sky blue)."""
    average_slow: str
    """The chart's slow moving average (Okabe-Ito reddish purple)."""
    highlight_text: str
    """Text on the selection."""
    header_text: str
    """Column headers and tab captions."""
    status_text: str
    """Status bar labels."""
    scroll_track: str
    """Behind a scroll bar's handle."""
    scroll_handle: str
    """A scroll bar's handle."""
    scroll_hover: str
    """A hovered scroll bar handle."""
    grid: str
    """Table grid lines."""
    tab_hover: str
    """A hovered list tab."""
    separator: str
    """Hairlines between header sections and tabs; a list's edge."""
    menu: str
    """Behind a menu."""
    section_hover: str
    """A hovered column header or the new-list button."""
    shade: str
    """The QPalette's Dark shade (sunken frames, Fusion's bevels)."""
    notice_info: str
    """Behind an informational notice."""
    notice_warning: str
    """Behind a warning notice."""
    notice_error: str
    """Behind an error notice."""
    notice_question: str
    """Behind a question notice."""
    glyph_text: str
    """The glyph on a notice's coloured disc."""
    truth_live: str
    """A Live quote's chip."""
    truth_quiet: str
    """A Quiet quote's chip: live, nothing traded lately."""
    truth_stale: str
    """A Stale quote's chip."""
    truth_delayed: str
    """A Delayed quote's chip."""
    truth_halted: str
    """Halted, limit up/down and Not streaming chips."""
    truth_closed: str
    """Closed, Lunch and Holiday chips."""
    truth_demo: str
    """The Demo chip."""
    truth_replay: str
    """The Replay chip."""

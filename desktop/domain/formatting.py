"""Pure text formatting for quotes: prices at tick precision, signed changes, volumes, times."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from desktop.domain.market_data import MAX_VOLUME, sane_price
from desktop.domain.symbols import Market
from desktop.domain.tick_grid import decimals_for

__all__ = [
    "FIGURE_SPACE",
    "MINUS",
    "ZONE_LABELS",
    "format_change",
    "format_change_pct",
    "format_exact",
    "format_price",
    "format_signed",
    "format_size",
    "format_time",
    "format_time_zoned",
    "format_time_ms",
    "format_volume",
    "local_day",
    "local_day_end",
    "local_minute",
    "market_of",
    "pad_decimals",
    "price_decimals",
    "zone_label",
]

MINUS = "\u2212"
"""The sign of every negative number the board shows (a real minus, as wide as '+' in any font)."""

_ZONES: dict[Market, ZoneInfo] = {market: ZoneInfo(market.timezone) for market in Market}
# (threshold, suffix, decimals): 345.6K, 12.3M, 2.35B, 1.20T. Exact below 10,000.
_UNITS: tuple[tuple[int, str, int], ...] = (
    (1_000_000_000_000, "T", 2),
    (1_000_000_000, "B", 2),
    (1_000_000, "M", 1),
    (1_000, "K", 1),
)
_ABBREVIATE_FROM = 10_000
_CACHE_LIMIT = 50_000
_OFFSETS: dict[tuple[Market, int], int] = {}
_DECIMALS: dict[tuple[Market, Decimal], int] = {}
_EXACT_SIZE_BELOW = 1_000_000
_MAX_SHOWN = float(MAX_VOLUME)
_FIRST_MS = 946_684_800_000  # 2000-01-01
_LAST_MS = 4_102_444_800_000  # 2100-01-01


def market_of(symbol: str) -> Market:
    """Market of a canonical symbol by its suffix (`00700.HK` → HK); anything else counts as US."""
    return Market.HK if symbol.endswith(".HK") else Market.US


def _decimals(market: Market, price: Decimal) -> int:
    """`decimals_for`, memoised: the same few prices come back tick after tick."""
    key = (market, price)
    decimals = _DECIMALS.get(key)
    if decimals is None:
        if len(_DECIMALS) > _CACHE_LIMIT:
            _DECIMALS.clear()
        decimals = _DECIMALS[key] = decimals_for(market, price) if price > 0 else 2
    return decimals


def price_decimals(market: Market, *prices: Decimal | None) -> int:
    """Decimals that show every given price at its tick precision (the finest of them)."""
    best = 0
    for price in prices:
        if price is not None and price > 0:
            best = max(best, _decimals(market, price))
    return best


def format_price(market: Market, price: Decimal | None) -> str:
    """A price (or a spread) at its tick precision with thousands separators (`189.23`, `480.2`,
    `1,234`); nothing for an impossible one (not finite, 1e-400, beyond a billion)."""
    if price is None or (price and not sane_price(abs(price))):
        return ""
    return f"{price:,.{_decimals(market, price)}f}"


def format_signed(value: Decimal | float | None, decimals: int) -> str:
    """A signed number (`+1.23`, `−0.45`, `0.00`): zero gets no sign, negatives a real minus."""
    if value is None:
        return ""
    text = f"{abs(value):,.{decimals}f}"
    if not text.strip("0.,"):
        return text  # rounds to zero: "0.00", never "+0.00" or "−0.00"
    return ("+" if value > 0 else MINUS) + text


def format_change(market: Market, last: Decimal | None, prev_close: Decimal | None) -> str:
    """Last minus previous close, signed, at the finer tick precision of the two prices."""
    if last is None or prev_close is None:
        return ""
    return format_signed(last - prev_close, price_decimals(market, last, prev_close))


def format_change_pct(pct: Decimal | float | None) -> str:
    """A signed percentage with two decimals (`+1.23%`, `−0.45%`, `0.00%`)."""
    if pct is None:
        return ""
    return format_signed(pct, 2) + "%"


def format_volume(value: int | Decimal | float | None) -> str:
    """Share volume or turnover, abbreviated from 10,000 up (`345.6K`, `1.2M`, `2.35B`)."""
    if value is None:
        return ""
    number = float(value)
    magnitude = abs(number)
    if not magnitude <= _MAX_SHOWN:  # NaN, infinity or beyond any real volume: not shown
        return ""
    sign = MINUS if number < 0 else ""
    if magnitude < _ABBREVIATE_FROM:
        return sign + f"{int(magnitude):,}"
    for position, (threshold, suffix, decimals) in enumerate(_UNITS):
        if magnitude >= threshold:
            scaled = round(magnitude / threshold, decimals)
            if scaled >= 1000 and position > 0:
                # 999,960 rounds to 1000.0K: show it as the next unit up (1.0M) instead.
                bigger, big_suffix, big_decimals = _UNITS[position - 1]
                return sign + f"{magnitude / bigger:,.{big_decimals}f}{big_suffix}"
            return sign + f"{scaled:,.{decimals}f}{suffix}"
    return sign + f"{int(magnitude):,}"  # pragma: no cover - every value ≥ 10,000 has a unit


def format_exact(value: int | Decimal | float | None, decimals: int = 0) -> str:
    """An exact amount with thousands separators for tooltips (`12,345,678`); nothing for a
    non-finite or impossible one."""
    if value is None or not abs(float(value)) <= _MAX_SHOWN:
        return ""
    text = f"{abs(value):,.{decimals}f}"
    return (MINUS + text) if value < 0 else text


def format_size(value: int | None) -> str:
    """A book or trade size: exact with separators below a million (`12,300`), else abbreviated."""
    if value is None:
        return ""
    if abs(value) < _EXACT_SIZE_BELOW:
        return format_exact(value)
    return format_volume(value)


def format_time(ts_ms: int | None, market: Market) -> str:
    """Exchange time of an epoch-milliseconds timestamp in the market's own zone (`14:03:27`)."""
    if ts_ms is None or not _FIRST_MS <= ts_ms < _LAST_MS:
        return ""  # before 2000 or past 2100: not a trade time
    seconds = ts_ms // 1000
    local = seconds + _utc_offset(market, seconds // 3600)
    return f"{local // 3600 % 24:02d}:{local // 60 % 60:02d}:{local % 60:02d}"


ZONE_LABELS: dict[Market, str] = {Market.US: "ET", Market.HK: "HKT"}
"""How a trader names each market's clock, shown next to its times (ET covers EST and EDT)."""


def zone_label(market: Market) -> str:
    """ "ET" or "HKT": which clock a market's times are in."""
    return ZONE_LABELS[market]


def format_time_zoned(ts_ms: int | None, market: Market) -> str:
    """`format_time` with its zone (`14:03:27 ET`), so no time on screen is ambiguous."""
    text = format_time(ts_ms, market)
    return f"{text} {ZONE_LABELS[market]}" if text else ""


def format_time_ms(ts_ms: int, market: Market) -> str:
    """Exchange time to the millisecond in the market's own zone (`14:03:27.125`), for the tape."""
    return f"{format_time(ts_ms, market)}.{ts_ms % 1000:03d}"


FIGURE_SPACE = "\u2007"
"""As wide as a digit: pads a number to a column's precision without inventing digits."""


def pad_decimals(text: str, decimals: int, widest: int) -> str:
    """`text` (with `decimals` after its point) padded with figure spaces to `widest` decimals,
    so right-aligned numbers of one column line up on the point (`480.2  ` under `3.45 `)."""
    missing = widest - decimals
    if missing <= 0:
        return text
    return text + FIGURE_SPACE * (missing + (1 if decimals == 0 else 0))


def local_day(market: Market, epoch_s: float) -> int:
    """Days since 1970-01-01 on the market's own calendar: a new number at each local midnight."""
    seconds = int(epoch_s)
    return (seconds + _utc_offset(market, seconds // 3600)) // 86_400


def local_minute(market: Market, epoch_s: float) -> float:
    """Minutes since the market's local midnight at `epoch_s` (10:45:30 → 645.5)."""
    local = epoch_s + _utc_offset(market, int(epoch_s) // 3600)
    return (local % 86_400) / 60


def local_day_end(market: Market, epoch_s: float) -> int:
    """Epoch second of the first local midnight after `epoch_s` (when `local_day` next changes)."""
    local = datetime.fromtimestamp(int(epoch_s), _ZONES[market])
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp())


def _utc_offset(market: Market, hour: int) -> int:
    """UTC offset in seconds during one epoch hour (zone rules change only on whole hours)."""
    key = (market, hour)
    offset = _OFFSETS.get(key)
    if offset is None:
        if len(_OFFSETS) > _CACHE_LIMIT:
            _OFFSETS.clear()
        delta = datetime.fromtimestamp(hour * 3600, _ZONES[market]).utcoffset()
        offset = _OFFSETS[key] = int(delta.total_seconds()) if delta is not None else 0
    return offset

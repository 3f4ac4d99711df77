"""Exchange price grids: the HKEX spread table and US penny ticks, and the decimals they imply."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from desktop.domain.symbols import Market

__all__ = ["decimals_for", "round_to_tick", "tick_size", "ticks_between"]

# HKEX spread table, Part A (ordinary stocks): (upper bound of the band, tick size in the band).
_HK_SPREADS: tuple[tuple[Decimal, Decimal], ...] = tuple(
    (Decimal(upper), Decimal(step))
    for upper, step in (
        ("0.25", "0.001"),
        ("0.50", "0.005"),
        ("10.00", "0.01"),
        ("20.00", "0.02"),
        ("100.00", "0.05"),
        ("200.00", "0.10"),
        ("500.00", "0.20"),
        ("1000.00", "0.50"),
        ("2000.00", "1.00"),
        ("5000.00", "2.00"),
        ("9995.00", "5.00"),
    )
)
_US_PENNY = Decimal("0.01")
_US_SUBPENNY = Decimal("0.0001")
_ONE = Decimal(1)
_INFINITY = Decimal("Infinity")
# Bands as (upper, step): a step up that lands in (previous upper, upper] is `step` long.
_BANDS: dict[Market, tuple[tuple[Decimal, Decimal], ...]] = {
    Market.HK: (*_HK_SPREADS[:-1], (_INFINITY, _HK_SPREADS[-1][1])),
    Market.US: ((_ONE, _US_SUBPENNY), (_INFINITY, _US_PENNY)),
}


def tick_size(market: Market, price: Decimal) -> Decimal:
    """Smallest price step at `price` on `market` (HK: spread table; US: $0.01, $0.0001 below $1)."""
    if market is Market.US:
        return _US_PENNY if price >= _ONE else _US_SUBPENNY
    for upper, step in _HK_SPREADS:
        if price <= upper:
            return step
    return _HK_SPREADS[-1][1]


def round_to_tick(market: Market, price: Decimal) -> Decimal:
    """Snap a price onto the market's grid (used by the simulator)."""
    step = tick_size(market, price)
    snapped = (price / step).to_integral_value(rounding=ROUND_HALF_EVEN) * step
    return snapped.quantize(step) if snapped > 0 else step


def decimals_for(market: Market, price: Decimal) -> int:
    """How many decimals a price needs to be shown at its tick precision (480.2, 3.45, 0.128)."""
    step = tick_size(market, price).normalize()
    exponent = step.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 2


def ticks_between(market: Market, low: Decimal, high: Decimal) -> int | None:
    """Grid steps from `low` up to `high` (a spread "in ticks"); None when off the grid or inverted."""
    if high < low or low <= 0:
        return None
    total = 0
    lower = Decimal(0)
    for upper, step in _BANDS[market]:
        start, end = max(low, lower), min(high, upper)
        if end > start:
            steps = (end - start) / step
            if steps != steps.to_integral_value():
                return None
            total += int(steps)
        if upper >= high:
            break
        lower = upper
    return total

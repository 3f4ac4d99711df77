"""Alert times say which clock they are in: the market's (ET/HKT) or yours ("local")."""

from __future__ import annotations

from desktop.qt.alert_models import clock_text, market_time_text

AT = 1_736_519_405.0  # 2025-01-10 14:30:05 UTC


def test_a_time_on_your_own_clock_says_local() -> None:
    text = clock_text(AT)
    assert text.endswith(" local") and len(text) == len("14:30:05 local")


def test_a_time_on_a_markets_clock_says_its_zone() -> None:
    assert market_time_text("AAPL.US", AT) == "09:30:05 ET"
    assert market_time_text("00700.HK", AT) == "22:30:05 HKT"

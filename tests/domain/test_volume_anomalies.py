"""The volume-anomaly ranking and its reasons on a scripted market; top movers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from desktop.domain.daily_stats import DailyStats
from desktop.domain.market_data import ReferenceData, Tick, TradeSide
from desktop.domain.minute_bars import MinuteBarStore
from desktop.domain.quote_book import QuoteBook
from desktop.domain.relative_volume import RelativeVolume
from desktop.domain.tape import TapeBook
from desktop.domain.top_movers import LookBaseline, MoverMode, rank_movers
from desktop.domain.volume_anomalies import AnomalyScanner

NY = ZoneInfo("America/New_York")
D = Decimal
SYMBOLS = ["AAPL.US", "NVDA.US", "TSLA.US"]


def ms(hour: int, minute: int, second: int = 0) -> int:
    return int(datetime(2026, 3, 6, hour, minute, second, tzinfo=NY).timestamp() * 1000)


class ScriptedMarket:
    """Three symbols that trade 10 × 1,000 shares a minute from 10:00, each usually 3.9 M shares a
    day (10,000 a minute); prices alternate 100.00 / 100.05 (a usual minute moves 0.05%)."""

    def __init__(self) -> None:
        self.book = QuoteBook()
        self.bars = MinuteBarStore()
        self.tape = TapeBook()
        self.rvol = RelativeVolume(self.book)
        self.book.add_trade_listener(lambda t: self.bars.add_trade(t))
        self.book.add_trade_listener(self.tape.add)
        self.book.add_trade_listener(self.rvol.on_trade)
        for symbol in SYMBOLS:
            self.book.track(symbol)
            volume = 1_500_000 if symbol == "NVDA.US" else 0  # NVDA traded heavily before 10:00
            self.book.apply_reference(
                ReferenceData(symbol, prev_close=D("98.00"), volume=volume, as_of_ms=ms(9, 59)),
                0.0,
            )
            self.rvol.set_stats(symbol, DailyStats(3_900_000.0, 20, None, None))
        for minute in range(30):
            price = "100.00" if minute % 2 == 0 else "100.05"
            for symbol in SYMBOLS:
                for i in range(10):
                    self.trade(symbol, price, 1_000, ms(10, minute, i * 5))

    def trade(self, symbol: str, price: str, size: int, at_ms: int) -> None:
        self.book.apply_tick(Tick(symbol, D(price), size, None, TradeSide.BUY, at_ms), 0.0)

    def surge(self) -> None:
        """10:30: AAPL as usual; NVDA 60,000 shares with one 20,000 print; TSLA jumps to 102."""
        for i in range(10):
            self.trade("AAPL.US", "100.00", 1_000, ms(10, 30, i * 5))
            self.trade("TSLA.US", "102.00", 1_000, ms(10, 30, i * 5))
        for i in range(40):
            self.trade("NVDA.US", "100.00", 1_000, ms(10, 30, i))
        self.trade("NVDA.US", "100.00", 20_000, ms(10, 30, 41))


def test_before_the_surge_only_the_heavy_morning_volume_is_unusual() -> None:
    market = ScriptedMarket()
    ranked = AnomalyScanner(market.book, market.bars, market.tape).scan(SYMBOLS, ms(10, 29, 55))
    assert [(a.symbol, a.reason) for a in ranked] == [
        ("NVDA.US", "3.1× usual volume for 10:29"),  # 1.8 M against 3.9 M × 59 / 390 = 590,000
        ("AAPL.US", ""),
        ("TSLA.US", ""),
    ]
    aapl = ranked[1]
    assert aapl.rel_volume is not None and round(aapl.rel_volume, 3) == 0.508  # 300,000 / 590,000


def test_the_surge_ranks_the_jump_then_the_heavy_volume_with_reasons_in_words() -> None:
    market = ScriptedMarket()
    market.surge()
    ranked = AnomalyScanner(market.book, market.bars, market.tape).scan(SYMBOLS, ms(10, 30, 55))
    assert [a.symbol for a in ranked] == ["TSLA.US", "NVDA.US", "AAPL.US"]
    tsla, nvda, aapl = ranked
    assert tsla.reason == ("+1.95% in 1 min (39× a usual move); +1.95% in 5 min (17× a usual move)")
    # scores log(ratio) / log(threshold): rvol 3.1× over 2× = 1.63, 1-min volume 7× over 4× =
    # 1.40, a print 20× over 20× = 1.0; the move 39× over 4× = 2.64 ranks TSLA first
    assert nvda.reason == (
        "3.1× usual volume for 10:30; 1-min volume 7.0× usual; "
        "print 20× median (20,000 @ 100.00, 10:30:41)"
    )
    assert aapl.signals == ()
    assert nvda.volume_5m_ratio == 2.2  # 110,000 shares in 10:25–10:30 over 5 × 10,000: not unusual
    assert nvda.score_of("print") == 1.0  # just unusual: 20× at a threshold of 20×


def test_thresholds_decide_what_counts_as_unusual() -> None:
    market = ScriptedMarket()
    market.surge()
    scanner = AnomalyScanner(market.book, market.bars, market.tape)
    from dataclasses import replace

    scanner.thresholds = replace(scanner.thresholds, print_multiple=25.0, volume_1m=8.0)
    nvda = scanner.judge("NVDA.US", ms(10, 30, 55))
    assert nvda.reason == "3.1× usual volume for 10:30"


def test_top_movers_by_change_turnover_and_since_you_last_looked() -> None:
    market = ScriptedMarket()
    looked = LookBaseline.take(market.book, SYMBOLS, ms(10, 29, 59))
    market.surge()
    by_change = rank_movers(market.book, SYMBOLS, MoverMode.CHANGE)
    assert [m.symbol for m in by_change] == ["TSLA.US", "AAPL.US", "NVDA.US"]
    assert by_change[0].change_pct is not None and round(by_change[0].change_pct, 2) == 4.08
    by_turnover = rank_movers(market.book, SYMBOLS, MoverMode.TURNOVER)
    assert by_turnover[0].symbol == "NVDA.US"
    since = rank_movers(market.book, SYMBOLS, MoverMode.SINCE_LOOKED, looked, limit=2)
    assert [m.symbol for m in since] == ["TSLA.US", "AAPL.US"]
    assert since[0].since_pct is not None and round(since[0].since_pct, 2) == 1.95
    assert rank_movers(market.book, SYMBOLS, MoverMode.SINCE_LOOKED, None) == []
